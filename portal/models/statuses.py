"""The closed sets of values the portal stores as strings: issue, meeting and priority statuses, issue
categories and staff roles. Each is a `StrEnum` (a member *is* its stored string, so comparisons with
plain strings, JSON, CSV and pandas all see the value) with one label people read, and each status
or role column has a CHECK constraint built from the values (`one_of`), so the database refuses
anything else.

Values are unique across the sets, so the app-wide `label` template filter can label a raw string
read back from anywhere. The labels residents read are marked `N_` for the Welsh (and any other)
catalogue; resident pages translate them with the `tr` filter, and staff pages show them as they are.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Self

from sqlalchemy import CheckConstraint, String
from sqlalchemy.types import TypeDecorator

from portal.core.languages import N_


class Labelled(StrEnum):
    """A stored value with the label shown for it on every page, email and download."""

    label: str

    if TYPE_CHECKING:
        # Calling the class looks a member up by its stored value (`IssueStatus("submitted")`);
        # the two-argument form below only makes the members, as the class is created.
        def __new__(cls, value: str) -> Self: ...
    else:
        def __new__(cls, value: str, label: str):
            member = str.__new__(cls, value)
            member._value_ = value
            member.label = label
            return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def label_of(cls, value: str) -> str:
        """The label of a stored value of this set; a value outside it in words ("Some thing")."""
        try:
            return cls(value).label
        except ValueError:
            return str(value).replace("_", " ").capitalize()


class IssueStatus(Labelled):
    SUBMITTED = "submitted", N_("Received")
    ACKNOWLEDGED = "acknowledged", N_("Acknowledged")
    UNDER_REVIEW = "under_review", N_("Under review")
    PACT_PRIORITY = "pact_priority", N_("PACT priority")
    IN_PROGRESS = "in_progress", N_("In progress")
    RESOLVED_LOCALLY = "resolved_locally", N_("Resolved locally")
    REFERRED_ELSEWHERE = "referred_elsewhere", N_("Referred elsewhere")
    CLOSED_NO_FURTHER_ACTION = "closed_no_further_action", N_("Closed with no further action")
    REJECTED_DUPLICATE = "rejected_duplicate", N_("Closed: already reported")
    REJECTED_OUT_OF_SCOPE = "rejected_out_of_scope", N_("Closed: not something the partnership can act on")

    @property
    def tag(self) -> str:
        """The colour class of the status's tag on the console and the resident's issue page."""
        return _ISSUE_STATUS_TAGS[self.value]


_ISSUE_STATUS_TAGS = {
    "submitted": "tag-red", "acknowledged": "tag-yellow", "under_review": "tag-yellow",
    "pact_priority": "", "in_progress": "", "resolved_locally": "tag-green",
    "referred_elsewhere": "tag-grey", "closed_no_further_action": "tag-grey",
    "rejected_duplicate": "tag-grey", "rejected_out_of_scope": "tag-grey",
}


class IssueCategory(Labelled):
    """What a resident's issue is about, as they choose it on the form. Stored as its string in
    `pact_issue.category` (no CHECK constraint: a category no longer offered still reads back)."""

    ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour", N_("Anti-social behaviour")
    DRUG_USE_OR_DEALING = "drug_use_or_dealing", N_("Drug use or dealing")
    DRUNK_OR_ROWDY_BEHAVIOUR = "drunk_or_rowdy_behaviour", N_("Drunk or rowdy behaviour")
    SPEEDING_AND_PARKING = "speeding_and_parking", N_("Speeding and parking")
    LITTER_AND_FLY_TIPPING = "litter_and_fly_tipping", N_("Litter and fly-tipping")
    NOISE = "noise", N_("Noise")
    VANDALISM_AND_GRAFFITI = "vandalism_and_graffiti", N_("Vandalism and graffiti")
    STREET_DRINKING = "street_drinking", N_("Street drinking")
    BURGLARY_AND_THEFT_CONCERNS = "burglary_and_theft_concerns", N_("Burglary and theft concerns")
    OTHER = "other", N_("Something else")


class MeetingStatus(Labelled):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class PriorityStatus(Labelled):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DROPPED = "dropped", "Dropped"


class FollowUpAnswer(Labelled):
    """A resident's answer to "Was it resolved?", asked some weeks after an issue closed as
    resolved locally (`portal.pact.follow_up`)."""

    RESOLVED = "resolved", N_("Resolved")
    PARTLY = "partly", N_("Partly resolved")
    NOT_RESOLVED = "not_resolved", N_("Not resolved")
class IssueChannel(Labelled):
    """How an issue reached the partnership: online is the resident's own form; the others were
    recorded by a coordinator on the resident's behalf (assisted digital)."""

    ONLINE = "online", "Online form"
    PHONE = "phone", "By phone"
    PACT_MEETING = "pact_meeting", "At a PACT meeting"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By e-mail"

    @property
    def in_a_sentence(self) -> str:
        """The label inside a sentence: "by phone", "at a PACT meeting"."""
        return self.label[0].lower() + self.label[1:]


class Role(Labelled):
    COORDINATOR = "coordinator", "PACT coordinator"
    ANALYST = "analyst", "Analyst"
    ADMIN = "admin", "Administrator"


class PanelExit(Labelled):
    """How an address left the Voicebox panel."""

    LINK = "stop_inviting_link", "Used the \"stop inviting me\" link"
    ERASURE = "erased_on_request", "Erased on request"


LABELLED: tuple[type[Labelled], ...] = (IssueStatus, MeetingStatus, PriorityStatus, Role, FollowUpAnswer,
                                        IssueChannel, PanelExit, IssueCategory)
_BY_VALUE: dict[str, Labelled] = {member.value: member for enum in LABELLED for member in enum}


def label(value: str | None) -> str:
    """The label of a stored value of any of the sets ('' for None); an unknown string as it is."""
    if value is None:
        return ""
    member = _BY_VALUE.get(str(value))
    return member.label if member is not None else str(value)


class StoredEnum(TypeDecorator):
    """A `Labelled` enum stored as its string (VARCHAR(`length`)); reads give the member back."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[Labelled], length: int):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        # Passed as it is: a filter on an unknown value finds nothing; writing one, the CHECK refuses.
        return None if value is None else str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum(value)


def one_of(column: str, enum: type[Labelled]) -> CheckConstraint:
    """CHECK (`column` IN the enum's values), named `column` (so `ck_<table>_<column>`)."""
    values = ", ".join(f"'{value}'" for value in enum.values())
    return CheckConstraint(f"{column} IN ({values})", name=column)


class CharterKind(Labelled):
    """What a resident writes to the partnership under the Service Charter."""

    COMPLAINT = "complaint", N_("Complaint")
    ENQUIRY = "enquiry", N_("Enquiry")
    # Asked for from the accessibility statement: another format, or a problem using the site.
    ACCESSIBILITY = "accessibility", N_("Accessibility request")


class AgendaOutcome(Labelled):
    """A meeting against the Service Charter's "agenda published at least 5 working days before the
    meeting" (`portal.pact.agendas.agenda_outcome`); worked out, never stored. Not in `LABELLED`."""

    MET = "met", "Met"
    MISSED = "missed", "Missed"
    PENDING = "pending", "Pending (due today)"
    NOT_YET_DUE = "not_yet_due", "Not yet due"


class CharterStatus(Labelled):
    """Where a complaint or enquiry stands against the Charter's clocks. Not in `LABELLED`: its
    values share words with the issue statuses, so templates use the member's own `label`."""

    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ANSWERED = "answered", "Answered"


class MailStatus(Labelled):
    """Where a message in the outbox stands (`portal.core.mail`). Not in `LABELLED`."""

    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"  # claimed by one process; `sent_at` is the claim time
    RECORDED = "recorded", "Recorded only (no mail server)"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, to be tried again"  # `next_attempt_at` says when
    DEAD = "dead", "Given up after repeated failures"  # admins see these and may retry them


class FileImportStatus(Labelled):
    """A large file imported by a background job (the national postcode lookup). Not in `LABELLED`."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Reading the file"
    DONE = "done", "Loaded"
    FAILED = "failed", "Not loaded"


class CovariateLevel(Labelled):
    """The areas a loaded covariate's file gives values for (`portal.areas.covariates`). Not in
    `LABELLED`."""

    LSOA = "lsoa", "LSOA"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"


class CovariateFile(Labelled):
    """The layouts an area covariate is read from (`portal.areas.covariate_files`); never stored.
    Not in `LABELLED`."""

    IOD = "iod", "English Indices of Deprivation (File 7)"
    WIMD = "wimd", "Welsh Index of Multiple Deprivation"
    TABLE = "table", "Another table of LSOAs or neighbourhoods"


class ReportRunStatus(Labelled):
    """A batch of report PDFs (`portal.reports`). Not in `LABELLED`."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AlertFrequency(Labelled):
    """How often a resident following a neighbourhood is e-mailed. Not in `LABELLED`."""

    WEEKLY = "weekly", "Weekly digest"
    IMMEDIATE = "immediate", "As it happens"


class ResponseMode(Labelled):
    """How a survey response was given. Not in `LABELLED`."""

    ONLINE = "online", "Online"
    PAPER = "paper", "Paper"
    PHONE = "phone", "Telephone"


class WaveDesign(Labelled):
    """How a wave's sample was drawn, which its standard errors follow (`analysis.report.DESIGNS`).
    Not in `LABELLED`."""

    SIMPLE = "simple", "One sample of the whole area"
    STRATIFIED = "stratified", "A separate sample in each neighbourhood"


class WaveState(Labelled):
    """Where a survey wave's fieldwork stands on a day (`Wave.state_on`); worked out, never stored.
    The values are the open-data API's words for it. Not in `LABELLED`."""

    UPCOMING = "upcoming", "Not open yet"
    IN_FIELD = "in_field", "Open"
    CLOSED = "closed", "Closed"


class ComplianceStatus(Labelled):
    """The accessibility statement's compliance status with WCAG 2.2 AA, in the words of the
    model statement (`portal.accessibility`). Not in `LABELLED`."""

    FULLY = "fully", "fully compliant"
    PARTIALLY = "partially", "partially compliant"
    NOT = "not", "not compliant"


class CaseReviewStatus(Labelled):
    """Where an ASB Case Review application stands (`portal.casereviews.cases`). Not in `LABELLED`."""

    RECEIVED = "received", "Received: threshold to decide"
    NOT_MET = "not_met", "Threshold not met"
    MET = "met", "Threshold met: review to hold"
    REVIEWED = "reviewed", "Review held: outcome to send"
    CLOSED = "closed", "Outcome sent"


class CaseReviewChannel(Labelled):
    """How an application arrived. Not in `LABELLED`."""

    ONLINE = "online", "Online form"
    PHONE = "phone", "Telephone"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"


class ReportSource(Labelled):
    """Where a report counted towards the threshold came from. Not in `LABELLED`."""

    PACT = "pact", "PACT issue (linked, confirmed by staff)"
    STAFF = "staff", "Added by staff"
    IMPORT = "import", "Imported from an agency's file"
