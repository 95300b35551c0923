"""Persistence models, one module per domain; import from here."""

from portal.models.alerts import AlertSubscription
from portal.models.area import (
    AREA_CLASSES,
    Agency,
    Neighbourhood,
    PopulationEstimate,
    PostcodeSector,
)
from portal.models.audit import AuditEvent, OutboundMail, SignInAttempt
from portal.models.base import Base, UTCDateTime
from portal.models.charter import CharterCase
from portal.models.crime import CrimeCount, CrimeImport, LsoaNeighbourhood
from portal.models.definitions import EditedDefinition
from portal.models.pact import (
    IssueContact,
    IssueEvent,
    Meeting,
    MeetingPaper,
    MeetingPaperContent,
    PactIssue,
    Priority,
    PriorityUpdate,
    priority_issue,
)
from portal.models.reports import ReportFile, ReportFileContent, ReportRun
from portal.models.scorecard import ScorecardActual
from portal.models.staff import ROLES, StaffUser, coordinator_neighbourhood
from portal.models.statuses import (
    AgendaOutcome,
    AlertFrequency,
    CharterKind,
    CharterStatus,
    FollowUpAnswer,
    IssueCategory,
    IssueChannel,
    IssueStatus,
    MailStatus,
    MeetingStatus,
    PanelExit,
    PriorityStatus,
    ReportRunStatus,
    ResponseMode,
    Role,
)
from portal.models.survey import (
    Invitation,
    PanelMember,
    PanelOptOut,
    Questionnaire,
    Response,
    SurveyDraft,
    SurveyImport,
    Wave,
)

__all__ = [
    "AREA_CLASSES",
    "ROLES",
    "Agency",
    "AgendaOutcome",
    "AlertFrequency",
    "AlertSubscription",
    "AuditEvent",
    "Base",
    "CharterCase",
    "CharterKind",
    "CharterStatus",
    "CrimeCount",
    "CrimeImport",
    "EditedDefinition",
    "FollowUpAnswer",
    "Invitation",
    "IssueCategory",
    "IssueChannel",
    "IssueContact",
    "IssueEvent",
    "IssueStatus",
    "LsoaNeighbourhood",
    "MailStatus",
    "Meeting",
    "MeetingPaper",
    "MeetingPaperContent",
    "MeetingStatus",
    "Neighbourhood",
    "OutboundMail",
    "PactIssue",
    "PanelExit",
    "PanelMember",
    "PanelOptOut",
    "PopulationEstimate",
    "PostcodeSector",
    "Priority",
    "PriorityStatus",
    "PriorityUpdate",
    "Questionnaire",
    "ReportFile",
    "ReportFileContent",
    "ReportRun",
    "ReportRunStatus",
    "Response",
    "ResponseMode",
    "Role",
    "ScorecardActual",
    "SignInAttempt",
    "StaffUser",
    "SurveyDraft",
    "SurveyImport",
    "UTCDateTime",
    "Wave",
    "coordinator_neighbourhood",
    "priority_issue",
]
