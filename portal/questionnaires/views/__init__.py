"""The questionnaires blueprint (``questionnaires``, /admin/questionnaires), for analysts and admins:

- `versions`: every published version, its questions, what changed from the version before, its
  YAML file and translators' files; a file uploaded as a new version (admins); a changed standard
  question marked comparable;
- `editor`: an admin's draft of a new version: questions and pages added, changed, copied, moved
  and deleted, the "Check your questionnaire" page, publishing;
- `preview`: a draft's pages exactly as a resident sees them, and the answers given at the end,
  with nothing stored.
"""

from flask import abort

from portal.auth.access import staff_blueprint
from portal.core.extensions import db
from portal.models import Questionnaire, QuestionnaireDraft, Role
from portal.questionnaires import queries

bp = staff_blueprint("questionnaires", __name__, roles=(Role.ADMIN, Role.ANALYST))


def version_or_404(version_id: int) -> Questionnaire:
    row = queries.version_by_id(db.session, version_id)
    if row is None:
        abort(404)
    return row


def draft_or_404(draft_id: int) -> QuestionnaireDraft:
    draft = queries.draft_by_id(db.session, draft_id)
    if draft is None:
        abort(404)
    return draft


from portal.questionnaires.views import editor, preview, versions  # noqa: E402, F401 - routes
