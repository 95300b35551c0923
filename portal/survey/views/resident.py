"""The resident survey: start (privacy notice), one page per topic, check your answers, thank you.

No account and no JavaScript. The Flask session holds only a random token per wave naming the
resident's draft (its answers live in the database) and, once submitted, the neighbourhood to link
to; the cookie stays small whatever the questionnaire.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, ngettext

import surveys
from portal.areas.queries import neighbourhood_by_slug
from portal.core.clock import today, utcnow
from portal.core.extensions import csrf, db
from portal.core.languages import N_, current_language
from portal.core.limits import over_limit
from portal.core.links import public_url
from portal.models import Invitation, Wave, WaveState
from portal.questionnaires.translations import in_language
from portal.survey import drafts, opt_out
from portal.survey.consent import consent_notice
from portal.survey.pages import form_values, merge_page_answers, page_errors, page_questions
from portal.survey.postcodes import apply_postcode
from portal.survey.queries import invitation_for_token, open_link_waves, wave_by_slug
from portal.survey.responses import (
    AlreadySubmitted,
    ResponseRejected,
    submission_key,
    submit_response,
)
from portal.survey.waves import state_message, wave_questionnaire

log = logging.getLogger("portal.survey")

bp = Blueprint("survey", __name__)

DRAFTS = "survey_drafts"  # {wave slug: draft session token}
DONE = "survey_done"  # {wave slug: neighbourhood slug}
HONEYPOT = "website"


SAVED_SO_FAR = N_("If you were part way through, your answers so far are saved.")


def _wave_or_404(wave_slug: str) -> Wave:
    wave = wave_by_slug(db.session, wave_slug)
    if wave is None:
        abort(404)
    return wave


def _tokens(key: str) -> dict:
    return dict(session.get(key) or {})


def _remember(key: str, wave: Wave, value: str | None) -> None:
    values = _tokens(key)
    if value is None:
        values.pop(wave.slug, None)
    else:
        values[wave.slug] = value
    session[key] = values


def _draft_lifetime():
    return drafts.lifetime(current_app.config)


def _kept_for() -> str:
    """How long unfinished answers are kept, in words ('30 days'), as the pages tell residents."""
    days = _draft_lifetime().days
    return ngettext("%(number)s day", "%(number)s days", days, number=format(days, ","))


def _draft(wave: Wave):
    return drafts.draft_for_session(db.session, wave, _tokens(DRAFTS).get(wave.slug))


def _open_or_message(wave: Wave):
    """None when residents may answer today; otherwise the page saying why not."""
    message = state_message(wave, today())
    if message:
        return render_template("survey/unavailable.html", wave=wave, message=message,
                               title=gettext("This survey is closed")
                               if wave.state_on(today()) == WaveState.CLOSED
                               else gettext("This survey has not opened yet"))
    return None


@bp.get("/")
def index():
    return render_template("survey/index.html", waves=open_link_waves(db.session, today()))


@bp.get("/<wave_slug>/")
def start(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    unavailable = _open_or_message(wave)
    if unavailable:
        return unavailable
    draft = _draft(wave)
    done = wave.slug in _tokens(DONE)
    if not wave.open_link_mode and draft is None:
        return render_template("survey/unavailable.html", wave=wave,
                               title=gettext("This survey is by invitation"),
                               message=gettext("This survey is for members of the Voicebox panel. Use the "
                                               "link in your invitation email to take part."))
    return _start_page(wave, draft, done, invitation=None)


@bp.get("/<wave_slug>/invitation/<token>")
def invitation(wave_slug: str, token: str):
    wave = _wave_or_404(wave_slug)
    unavailable = _open_or_message(wave)
    if unavailable:
        return unavailable
    found = invitation_for_token(db.session, wave, token) if wave.panel_mode else None
    if found is None or found.used_at is not None:
        return _invitation_problem(wave, found)
    draft = _draft(wave)
    return _start_page(wave, draft, False, invitation=token)


def _shown(wave: Wave) -> surveys.Questionnaire:
    """The wave's questionnaire in the resident's language: each string with a stored
    translation in it, the rest English; ids and codes as the wave froze them."""
    return in_language(db.session, wave.questionnaire, wave_questionnaire(db.session, wave),
                       current_language())


def _start_page(wave: Wave, draft, done: bool, invitation: str | None):
    """The start page: what the survey is, and what a resident agrees to by taking part."""
    questionnaire = _shown(wave)
    return render_template("survey/start.html", wave=wave, draft=draft, done=done, invitation=invitation,
                           questionnaire=questionnaire, kept_for=_kept_for(),
                           consent=consent_notice(current_app.config, questionnaire))


def _invitation_problem(wave: Wave, found: Invitation | None):
    if found is not None:
        return render_template("survey/unavailable.html", wave=wave,
                               title=gettext("You have already taken part"),
                               message=gettext("This invitation link has already been used to send answers. "
                                               "Thank you for taking part.")), 410
    return render_template("survey/unavailable.html", wave=wave, title=gettext("This link does not work"),
                           message=gettext("The invitation link is not valid. If we sent you a reminder, use "
                                           "the link in the newest email: it replaces the earlier one.")), 404


@bp.post("/<wave_slug>/start")
def begin(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    unavailable = _open_or_message(wave)
    if unavailable:
        return unavailable
    if request.form.get(HONEYPOT):
        log.info("survey honeypot filled", extra={"wave": wave.slug})
        return redirect(url_for("survey.start", wave_slug=wave.slug))
    invitation_id = None
    token = request.form.get("invitation", "")
    if token:
        found = invitation_for_token(db.session, wave, token) if wave.panel_mode else None
        if found is None or found.used_at is not None:
            return _invitation_problem(wave, found)
        invitation_id = found.id
    elif not wave.open_link_mode:
        abort(403)
    elif wave.slug in _tokens(DONE):
        return redirect(url_for("survey.start", wave_slug=wave.slug))
    existing = _draft(wave)
    if existing is not None and existing.invitation_id == invitation_id:
        return redirect(_page_url(wave, existing.current_page or None))
    limited = over_limit("SURVEY_START_LIMIT", "SURVEY_START_LIMIT",
                         N_("You have started the survey too many times from this connection."),
                         after=SAVED_SO_FAR)
    if limited:
        return limited
    _, session_token = drafts.start_draft(db.session, wave, invitation_id=invitation_id,
                                          lifetime=_draft_lifetime())
    db.session.commit()
    _remember(DRAFTS, wave, session_token)
    if invitation_id is not None:
        _remember(DONE, wave, None)
    first = surveys.next_page(wave_questionnaire(db.session, wave), None, {})
    assert first is not None  # a questionnaire always shows a first page to an empty response
    return redirect(url_for("survey.question_page", wave_slug=wave.slug, page_id=first.id))


def _page_url(wave: Wave, page_id: str | None) -> str:
    if not page_id:
        first = surveys.next_page(wave_questionnaire(db.session, wave), None, {})
        assert first is not None  # a questionnaire always shows a first page to an empty response
        page_id = first.id
    if page_id == "check":
        return url_for("survey.check", wave_slug=wave.slug)
    return url_for("survey.question_page", wave_slug=wave.slug, page_id=page_id)


def _no_draft(wave: Wave):
    if wave.slug in _tokens(DONE):
        return redirect(url_for("survey.thank_you", wave_slug=wave.slug))
    flash(gettext("Your answers could not be found: the survey may have timed out. Start again, or use "
                  "your private link if you saved your answers."))
    return redirect(url_for("survey.start", wave_slug=wave.slug))


@bp.route("/<wave_slug>/questions/<page_id>", methods=["GET", "POST"])
def question_page(wave_slug: str, page_id: str):
    wave = _wave_or_404(wave_slug)
    unavailable = _open_or_message(wave)
    if unavailable:
        return unavailable
    draft = _draft(wave)
    if draft is None:
        return _no_draft(wave)
    questionnaire = _shown(wave)
    try:
        page = questionnaire.page(page_id)
    except KeyError:
        abort(404)
    answers = drafts.stored_answers(draft)
    if page.id not in {p.id for p in surveys.visible_pages(questionnaire, answers)}:
        following = surveys.next_page(questionnaire, page.id, answers)
        return redirect(_page_url(wave, following.id if following else "check"))
    if request.method == "POST":
        return _answer_page(wave, draft, questionnaire, page, answers)
    return _show_page(wave, questionnaire, page, answers, answers, {})


def _answer_page(wave: Wave, draft, questionnaire: surveys.Questionnaire, page: surveys.Page,
                 answers: dict):
    """Keep what the resident sent on a question page: save and give the resume link, go on to the
    next page (or back to the check page when changing an answer), or show the page's errors."""
    sent = form_values(request.form, page)
    sent, extra = apply_postcode(db.session, page, sent)
    clean, errors = surveys.validate_page(questionnaire, page.id, sent, answers)
    merged = merge_page_answers(questionnaire, page, answers, clean)
    if request.form.get("action") == "save":
        drafts.save_answers(draft, merged, page.id, lifetime=_draft_lifetime())
        resume_token = drafts.issue_resume_token(draft)
        db.session.commit()
        return render_template("survey/saved.html", wave=wave, questionnaire=questionnaire,
                               link=public_url("survey.resume", token=resume_token), kept_for=_kept_for())
    errors = page_errors(page, errors, extra)
    if errors:
        return _show_page(wave, questionnaire, page, answers, sent, errors)
    following = surveys.next_page(questionnaire, page.id, merged)
    target = "check" if _changing() or following is None else following.id
    drafts.save_answers(draft, merged, target, lifetime=_draft_lifetime())
    db.session.commit()
    return redirect(_page_url(wave, target))


def _changing() -> bool:
    """The resident came from the check page to change an answer, and goes back there."""
    return request.args.get("change") == "1"


def _show_page(wave: Wave, questionnaire: surveys.Questionnaire, page: surveys.Page, answers: dict,
               values: dict, errors: dict[str, str]):
    visible = surveys.visible_pages(questionnaire, answers)
    position = [p.id for p in visible].index(page.id)
    previous = surveys.previous_page(questionnaire, page.id, answers)
    back = (url_for("survey.check", wave_slug=wave.slug) if _changing()
            else _page_url(wave, previous.id) if previous
            else url_for("survey.start", wave_slug=wave.slug))
    questions = page_questions(questionnaire, page, answers, values, errors)
    return render_template("survey/page.html", wave=wave, questionnaire=questionnaire, page=page,
                           questions=questions, errors=errors, back=back, position=position + 1,
                           error_links=[(f"#{field}", message) for field, message in errors.items()],
                           total=len(visible), changing=_changing())


@bp.route("/<wave_slug>/check", methods=["GET", "POST"])
def check(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    unavailable = _open_or_message(wave)
    if unavailable:
        return unavailable
    draft = _draft(wave)
    if draft is None:
        return _no_draft(wave)
    questionnaire = _shown(wave)
    answers = drafts.stored_answers(draft)
    problems: list = []
    if request.method == "POST":
        if request.form.get(HONEYPOT):
            log.info("survey honeypot filled", extra={"wave": wave.slug})
            return render_template("survey/thank_you.html", wave=wave, neighbourhood=None)
        limited = over_limit("SURVEY_SUBMIT_LIMIT", "SURVEY_SUBMIT_LIMIT",
                             N_("You have sent answers too many times from this connection."),
                             after=SAVED_SO_FAR)
        if limited:
            return limited
        key = submission_key("draft", f"{draft.id}:{draft.created_at.isoformat()}")
        try:
            submit_response(db.session, wave, answers, key, invitation_id=draft.invitation_id,
                            draft=draft, questionnaire=questionnaire, language=current_language())
        except AlreadySubmitted:
            _remember(DRAFTS, wave, None)
            _remember(DONE, wave, answers.get("neighbourhood", ""))
            return redirect(url_for("survey.thank_you", wave_slug=wave.slug))
        except ResponseRejected as rejected:
            problems = rejected.problems
        else:
            _remember(DRAFTS, wave, None)
            _remember(DONE, wave, answers.get("neighbourhood", ""))
            return redirect(url_for("survey.thank_you", wave_slug=wave.slug))
    else:
        problems = surveys.validate_response(questionnaire, answers)
    # The postcode is only used to find the neighbourhood and is never kept, so it is not listed.
    rows = [row for row in surveys.answer_summary(questionnaire, answers)
            if questionnaire.question(row.field).type != "postcode"]
    visible = surveys.visible_pages(questionnaire, answers)
    sections = [(page, [row for row in rows if row.page_id == page.id]) for page in visible]
    errors: dict[str, tuple[str, str]] = {}
    for problem in problems:
        try:
            page_id = questionnaire.page_of(problem.field).id
        except KeyError:
            continue
        errors.setdefault(problem.field, (page_id, _summary_message(questionnaire, problem)))
    back = _page_url(wave, visible[-1].id) if visible else url_for("survey.start", wave_slug=wave.slug)
    error_links = [(url_for("survey.question_page", wave_slug=wave.slug, page_id=page_id, change=1)
                    + f"#{field}", message) for field, (page_id, message) in errors.items()]
    page = render_template("survey/check.html", wave=wave, questionnaire=questionnaire,
                           sections=sections, errors=errors, error_links=error_links, back=back)
    return page, 400 if request.method == "POST" and errors else 200


def _summary_message(questionnaire: surveys.Questionnaire, problem) -> str:
    question = questionnaire.question(problem.field)
    if problem.kind == "missing_required":
        return surveys.answers.missing_message(question, problem.field)
    return gettext("Check your answer to this question")


@bp.get("/<wave_slug>/thank-you")
def thank_you(wave_slug: str):
    wave = _wave_or_404(wave_slug)
    done = _tokens(DONE)
    if wave.slug not in done:
        return redirect(url_for("survey.start", wave_slug=wave.slug))
    neighbourhood = neighbourhood_by_slug(db.session, done[wave.slug])
    return render_template("survey/thank_you.html", wave=wave, neighbourhood=neighbourhood)


@bp.get("/resume/<token>")
def resume(token: str):
    found = drafts.resume_draft(db.session, token, lifetime=_draft_lifetime())
    if found is None:
        return render_template("survey/unavailable.html", wave=None, title=gettext("This link does not work"),
                               message=gettext("The link to your saved answers has expired or has been "
                                               "replaced by a newer one. Saved answers are kept for "
                                               "%(kept_for)s.", kept_for=_kept_for())), 404
    draft, session_token = found
    wave = db.session.get_one(Wave, draft.wave_id)
    db.session.commit()
    _remember(DRAFTS, wave, session_token)
    _remember(DONE, wave, None)
    return redirect(_page_url(wave, draft.current_page or None))


@bp.route("/leave-the-panel/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: mail programs POST here; the signed token is the key
def leave_panel(token: str):
    """The "stop inviting me" link of every invitation and reminder. GET only shows the page and
    its button, and changes nothing: mail scanners and link previewers fetch links with GET, and
    must not take anyone off the panel. POST (the button, or a mail program's one-click
    unsubscribe) records it. A link that cannot be used gets a page saying so, and changes nothing."""
    keys = opt_out.Keys.from_config(current_app.config)
    try:
        if request.method == "GET":
            left = opt_out.already_left(db.session, token, keys)
            return render_template("survey/leave_panel.html", state="ask" if left is None else "left",
                                   left=left, token=token)
        left = opt_out.leave_panel(db.session, token, keys, utcnow())
    except opt_out.OptOutLinkError as error:
        db.session.rollback()
        return render_template("survey/leave_panel.html", state="problem", problem=str(error)), 400
    db.session.commit()
    return render_template("survey/leave_panel.html", state="left", left=left, token=token)
