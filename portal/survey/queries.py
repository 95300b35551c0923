"""Named reads of survey waves for the other packages: a wave chosen by slug (or the latest with
responses), and the waves that have responses."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.core.clock import today
from portal.core.refusals import Refusal
from portal.models import Invitation, Neighbourhood, PanelMember, Response, SurveyImport, Wave
from portal.survey.drafts import token_hash


class DatasetError(Refusal):
    """The data asked for does not exist; the message names the valid choices."""



def waves_with_responses(session: Session) -> list[Wave]:
    """Waves with at least one response, oldest first (by opening date)."""
    answered = select(Response.id).where(Response.wave_id == Wave.id).exists()
    return list(session.scalars(select(Wave).where(answered).order_by(Wave.opens_on, Wave.id)))


def find_wave(session: Session, slug: str | None) -> Wave:
    """The wave with this slug, or (slug None) the latest wave that has responses, preferring one
    whose fieldwork has closed: a wave still in the field has a handful of answers that cannot yet
    be weighted, and analysts report on finished waves (they can still choose an open one)."""
    if slug is None:
        answered = waves_with_responses(session)
        if not answered:
            raise DatasetError("No wave has any responses yet.")
        closed = [w for w in answered if w.closes_on < today()]
        return (closed or answered)[-1]
    wave = session.scalar(select(Wave).where(Wave.slug == slug))
    if wave is None:
        slugs = session.scalars(select(Wave.slug).order_by(Wave.opens_on))
        raise DatasetError(f"Unknown wave {slug!r}. Choose from: {', '.join(slugs)}")
    return wave


def wave_by_slug(session: Session, slug: str) -> Wave | None:
    """The wave with its frozen questionnaire row loaded in the same query."""
    return session.scalar(select(Wave).options(joinedload(Wave.questionnaire)).where(Wave.slug == slug))


def waves_newest_first(session: Session) -> list[Wave]:
    return list(session.scalars(select(Wave).order_by(Wave.opens_on.desc())))


def open_link_waves(session: Session, today: date) -> list[Wave]:
    """Waves anyone may answer today by the open link, newest first (the survey's index page)."""
    return list(session.scalars(select(Wave).where(Wave.open_link_mode.is_(True), Wave.opens_on <= today,
                                                   Wave.closes_on >= today)
                                .order_by(Wave.opens_on.desc())))


def response_counts(session: Session) -> dict[int, int]:
    """{wave id: responses}; a wave with none is missing."""
    return dict(session.execute(select(Response.wave_id, func.count()).group_by(Response.wave_id)).all())


def responses_by_language(session: Session, wave: Wave) -> dict[str, int]:
    """{language code (en, cy): responses} of one wave, most first."""
    rows = session.execute(select(Response.language, func.count()).where(Response.wave_id == wave.id)
                           .group_by(Response.language).order_by(func.count().desc(), Response.language))
    return dict(rows.all())


def responses_by_mode(session: Session, wave: Wave) -> dict[str, int]:
    """{mode (online, paper, phone): responses} of one wave."""
    return dict(session.execute(select(Response.mode, func.count())
                                .where(Response.wave_id == wave.id).group_by(Response.mode)).all())


def wave_imports(session: Session, wave: Wave) -> list[SurveyImport]:
    """The paper and telephone files imported into a wave, newest first."""
    return list(session.scalars(select(SurveyImport).where(SurveyImport.wave_id == wave.id)
                                .order_by(SurveyImport.imported_at.desc())))


def neighbourhood_pairs(session: Session) -> tuple[tuple[str, str], ...]:
    """(slug, name) of every neighbourhood by name: the neighbourhood question's options."""
    return tuple((slug, name) for slug, name in session.execute(
        select(Neighbourhood.slug, Neighbourhood.name).order_by(Neighbourhood.name)))


def neighbourhood_id(session: Session, slug: str | None) -> int | None:
    if not slug:
        return None
    return session.scalar(select(Neighbourhood.id).where(Neighbourhood.slug == slug))


def invitable():
    """Members who can be written to: an address, and still on the panel."""
    return (PanelMember.email != "") & PanelMember.opted_out_at.is_(None)


def uninvited_count(session: Session, wave: Wave) -> int:
    """Members still to invite; an erased member or one who left the panel is never invited."""
    return session.scalar(select(func.count()).select_from(PanelMember).outerjoin(Invitation)
                          .where(PanelMember.wave_id == wave.id, Invitation.id.is_(None), invitable())) or 0


def _waiting(wave: Wave, neighbourhood_ids: Collection[int] | None,
             age_bands: Collection[str] | None = None):
    """Invited, not answered, still on the panel; in those neighbourhoods and of those age bands
    if any are given (a member with no band is of none of them)."""
    where = [PanelMember.wave_id == wave.id, Invitation.used_at.is_(None), invitable()]
    if neighbourhood_ids is not None:
        where.append(PanelMember.neighbourhood_id.in_(list(neighbourhood_ids)))
    if age_bands:
        where.append(PanelMember.age_band.in_(list(age_bands)))
    return where


def non_responders(session: Session, wave: Wave, neighbourhood_ids: Collection[int] | None = None,
                   age_bands: Collection[str] | None = None) -> list[PanelMember]:
    """Invited members still on the panel whose invitation has not been used, by panel id (the
    people a reminder goes to), optionally only those in ``neighbourhood_ids`` and of
    ``age_bands`` (None or empty: every band, and members with none)."""
    return list(session.scalars(
        select(PanelMember).join(Invitation, Invitation.panel_member_id == PanelMember.id)
        .options(selectinload(PanelMember.invitation), selectinload(PanelMember.neighbourhood))
        .where(*_waiting(wave, neighbourhood_ids, age_bands))
        .order_by(PanelMember.external_id)))


def non_responder_count(session: Session, wave: Wave, neighbourhood_ids: Collection[int] | None = None,
                        age_bands: Collection[str] | None = None) -> int:
    return session.scalar(select(func.count()).select_from(PanelMember).join(Invitation)
                          .where(*_waiting(wave, neighbourhood_ids, age_bands))) or 0


def non_responders_by_place_and_band(session: Session, wave: Wave) -> dict[tuple[str, str | None], int]:
    """{(neighbourhood slug, age band or None): members a reminder would go to} over every
    (neighbourhood, band) pair the wave's panel has, 0 where nobody is waiting: one query gives
    the fieldwork monitor its counts per neighbourhood, per band and for any choice of both."""
    waiting = Invitation.id.is_not(None) & Invitation.used_at.is_(None) & invitable()
    rows = session.execute(
        select(Neighbourhood.slug, PanelMember.age_band, func.count(case((waiting, 1))))
        .select_from(PanelMember).outerjoin(Invitation)
        .join(Neighbourhood, Neighbourhood.id == PanelMember.neighbourhood_id)
        .where(PanelMember.wave_id == wave.id).group_by(Neighbourhood.slug, PanelMember.age_band))
    return {(slug, band): count for slug, band, count in rows}


def neighbourhood_ids_by_slug(session: Session, slugs: Collection[str]) -> dict[str, int]:
    """{slug: id} of the neighbourhoods among ``slugs`` that exist."""
    if not slugs:
        return {}
    return dict(session.execute(select(Neighbourhood.slug, Neighbourhood.id)
                                .where(Neighbourhood.slug.in_(list(slugs)))).all())


def panel_counts(session: Session, wave: Wave) -> dict[str, int]:
    """Members, invited, responded (invitations used) and left the panel, for the wave (one query)."""
    invited = func.count(Invitation.id)
    responded = func.count(Invitation.used_at)
    left = func.count(PanelMember.opted_out_at)
    row = session.execute(select(func.count(PanelMember.id), invited, responded, left)
                          .select_from(PanelMember).outerjoin(Invitation)
                          .where(PanelMember.wave_id == wave.id)).one()
    return {"members": row[0], "invited": row[1], "responded": row[2], "left": row[3]}


MEMBERS_PER_PAGE = 100


@dataclass(frozen=True)
class MemberPage:
    """One page of a member list: the rows, which page, and how many pages and rows in all."""

    members: list[PanelMember]
    number: int
    pages: int
    total: int


def member_page(session: Session, wave: Wave, number: int, only_non_responders: bool = False,
                per_page: int = MEMBERS_PER_PAGE) -> MemberPage:
    """A page of the wave's members by panel id (those who left the panel included, for showing
    greyed), optionally only those invited who have not answered. Three queries whatever the size."""
    where = [PanelMember.wave_id == wave.id]
    query = select(PanelMember)
    if only_non_responders:
        query = query.join(Invitation)
        where.append(Invitation.used_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.where(*where).subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    members = list(session.scalars(
        query.where(*where).options(selectinload(PanelMember.invitation),
                                    selectinload(PanelMember.neighbourhood))
        .order_by(PanelMember.external_id).offset((number - 1) * per_page).limit(per_page)))
    return MemberPage(members, number, pages, total)


def invitation_for_token(session: Session, wave: Wave, token: str) -> Invitation | None:
    """The wave's invitation with this raw token, or None."""
    return session.scalar(select(Invitation).join(PanelMember).where(
        Invitation.token_hash == token_hash(token), PanelMember.wave_id == wave.id))
