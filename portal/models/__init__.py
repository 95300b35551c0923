"""Persistence models, one module per domain; import from here."""

from portal.models.accessibility import AccessibilityStatement
from portal.models.alerts import AlertSubscription
from portal.models.area import (
    AREA_CLASSES,
    Agency,
    Neighbourhood,
    PopulationEstimate,
    Postcode,
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
from portal.models.partnership import Partnership
from portal.models.reports import ReportFile, ReportFileContent, ReportRun
from portal.models.scorecard import ScorecardActual
from portal.models.staff import ROLES, StaffUser, coordinator_neighbourhood
from portal.models.statuses import (
    AgendaOutcome,
    AlertFrequency,
    CharterKind,
    CharterStatus,
    ComplianceStatus,
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
    WaveState,
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
    "AccessibilityStatement",
    "Agency",
    "AgendaOutcome",
    "AlertFrequency",
    "AlertSubscription",
    "AuditEvent",
    "Base",
    "CharterCase",
    "CharterKind",
    "CharterStatus",
    "ComplianceStatus",
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
    "Partnership",
    "PopulationEstimate",
    "Postcode",
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
    "WaveState",
    "coordinator_neighbourhood",
    "priority_issue",
]
