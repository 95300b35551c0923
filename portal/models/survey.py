"""Questionnaires, waves, responses, panel members and their invitations, resumable drafts.

Identities are kept apart from answers: a `Response` has no link to a panel member or invitation.
The single-use guarantee comes from the database: `Invitation.used_at` is claimed with a conditional
UPDATE in the same transaction that inserts the response, and `Response.submission_key` is unique.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.clock import utcnow
from portal.models.area import Neighbourhood
from portal.models.base import Base, UTCDateTime
from portal.models.statuses import (
    PanelExit,
    ResponseMode,
    StoredEnum,
    WaveDesign,
    WaveState,
    one_of,
)


class PublishedVersionChanged(Exception):
    """Something tried to change or delete a published questionnaire version."""


class Questionnaire(Base):
    """One published version of a questionnaire, immutable once written: waves freeze it.

    ``definition`` is its document, in the shape of the YAML files in ``surveys/definitions``
    (``surveys.documents``). ``standard_changes`` lists the indicator catalogue's questions whose
    wording or codes differ from ``based_on`` (the version it was edited from or imported over).
    """

    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    checksum: Mapped[str] = mapped_column(String(80))
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire.id"))
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    # Where it came from, in words: "shipped with the portal", "imported from x.yaml", an editor's note.
    change_note: Mapped[str] = mapped_column(Text, default="")
    standard_changes: Mapped[list] = mapped_column(JSON, default=list)

    based_on: Mapped[Questionnaire | None] = relationship(remote_side=[id])

    @property
    def label(self) -> str:
        return f"{self.title}, version {self.version}"


@event.listens_for(Questionnaire, "before_update")
def _refuse_update(mapper, _connection, target: Questionnaire) -> None:
    # Called for every instance marked dirty, even with no net change (a merge): refuse a change.
    state = inspect(target)
    if not any(state.attrs[column.key].history.has_changes() for column in mapper.column_attrs):
        return
    raise PublishedVersionChanged(
        f"{target.slug} version {target.version} is published and cannot change; "
        "make a draft of it and publish a new version")


@event.listens_for(Questionnaire, "before_delete")
def _refuse_delete(_mapper, _connection, target: Questionnaire) -> None:
    raise PublishedVersionChanged(
        f"{target.slug} version {target.version} is published and cannot be deleted")


class QuestionnaireDraft(Base):
    """A new version being edited: a copy of a published version's document, changed in place
    until it is published (then deleted). Never read by a wave."""

    __tablename__ = "questionnaire_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    based_on_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"))
    document: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    based_on: Mapped[Questionnaire] = relationship()


class QuestionnaireTranslation(Base):
    """One string of a published version in another language, beside the version rather than in
    its frozen definition: a translation never changes questions, codes or the checksum, so it can
    be added to (or corrected in) a version waves already run. ``key`` is the string's stable key
    (``surveys.translations``)."""

    __tablename__ = "questionnaire_translation"
    __table_args__ = (UniqueConstraint("questionnaire_id", "language", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"))
    language: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ComparableChange(Base):
    """An analyst's judgement that a changed standard question still compares with earlier waves
    and national measures, so the catalogue computes its indicators for waves on that version."""

    __tablename__ = "comparable_change"
    __table_args__ = (UniqueConstraint("questionnaire_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"))
    question_id: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Wave(Base):
    __tablename__ = "wave"
    __table_args__ = (CheckConstraint("closes_on >= opens_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    panel_mode: Mapped[bool] = mapped_column(default=False)
    open_link_mode: Mapped[bool] = mapped_column(default=True)
    # Stratified: each neighbourhood sampled on its own, so the SEs are stratified by neighbourhood
    # with its 16+ population as the finite population correction.
    design: Mapped[WaveDesign] = mapped_column(StoredEnum(WaveDesign, 20), default=WaveDesign.SIMPLE,
                                               server_default=WaveDesign.SIMPLE.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questionnaire: Mapped[Questionnaire] = relationship()

    def state_on(self, day: date) -> WaveState:
        """Whether the wave has yet to open, is in the field or has closed on `day`."""
        if day < self.opens_on:
            return WaveState.UPCOMING
        return WaveState.IN_FIELD if day <= self.closes_on else WaveState.CLOSED


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint("mode IN ('online', 'paper', 'phone')", name="mode"),
        Index("ix_response_wave_neighbourhood", "wave_id", "neighbourhood_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"))
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id"))
    mode: Mapped[ResponseMode] = mapped_column(StoredEnum(ResponseMode, 10), default=ResponseMode.ONLINE)
    # The language the resident answered in (online: the page's; paper and phone: the file's, else en).
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answers: Mapped[dict] = mapped_column(JSON)
    # Unique per submission (a hash derived from the invitation token or the browser session), so a
    # double click, refresh or two racing requests record one response.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    wave: Mapped[Wave] = relationship()
    neighbourhood: Mapped[Neighbourhood | None] = relationship()


class SurveyDraft(Base):
    """Answers so far, resumable through a private link; deleted when the response is submitted."""

    __tablename__ = "survey_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the random token kept in the resident's Flask session (the cookie holds the token).
    session_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # sha256 of the private save-and-resume link's token; None until the resident asks for a link.
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    current_page: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PanelMember(Base):
    """A Voicebox panel member invited to one wave. Never joined to a response."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("wave_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(60))
    email: Mapped[str] = mapped_column(String(254))
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the member joined the Voicebox panel (recruitment year), if the panel file says.
    recruited_on: Mapped[date | None] = mapped_column(Date)
    # The member's age band (a code of the wave questionnaire's age band question, as the weighting
    # uses), if the panel file says: the band only, never a date of birth. None: not known. It goes
    # with the address (leaving, erasure, retention): its one use is choosing whom to remind.
    age_band: Mapped[str | None] = mapped_column(String(40))
    # The language the member's invitations and reminders are written in (a LANGUAGES code, "cy"),
    # if the panel file says; None: the default (English). It goes with the address, like age_band.
    language: Mapped[str | None] = mapped_column(String(12))
    # When the member left the panel ("stop inviting me", or erasure); the address goes with it.
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invitation: Mapped[Invitation | None] = relationship(back_populates="member", uselist=False)
    neighbourhood: Mapped[Neighbourhood] = relationship()


class PanelOptOut(Base):
    """An address that left the Voicebox panel, held panel-wide as a keyed hash (HMAC-SHA256 of the
    normalised address, `portal.survey.opt_out.address_hash`) and never as the address itself: enough
    to refuse to add it to any later wave, nothing more."""

    __tablename__ = "panel_opt_out"
    __table_args__ = (one_of("reason", PanelExit),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[PanelExit] = mapped_column(StoredEnum(PanelExit, 20), default=PanelExit.LINK)


class Invitation(Base):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_member_id: Mapped[int] = mapped_column(
        ForeignKey("panel_member.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[PanelMember] = relationship(back_populates="invitation")


class SurveyImport(Base):
    """A paper or telephone import: who loaded which file, and how many responses it added."""

    __tablename__ = "survey_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"))
    mode: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))
    checksum: Mapped[str] = mapped_column(String(80))
    rows: Mapped[int]
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
