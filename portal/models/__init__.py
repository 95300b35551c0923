"""Persistence models, one module per domain; import from here."""

from portal.models.area import (
    AREA_CLASSES,
    Agency,
    Neighbourhood,
    PopulationEstimate,
    PostcodeSector,
)
from portal.models.audit import AuditEvent, OutboundMail, SignInAttempt
from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.crime import CrimeCount, CrimeImport, LsoaNeighbourhood
from portal.models.definitions import EditedDefinition
from portal.models.pact import (
    IssueContact,
    IssueEvent,
    Meeting,
    PactIssue,
    Priority,
    PriorityUpdate,
    priority_issue,
)
from portal.models.reports import REPORT_RUN_STATUSES, ReportFile, ReportRun
from portal.models.scorecard import ScorecardActual
from portal.models.staff import ROLES, StaffUser, coordinator_neighbourhood
from portal.models.survey import (
    RESPONSE_MODES,
    Invitation,
    PanelMember,
    Questionnaire,
    Response,
    SurveyDraft,
    SurveyImport,
    Wave,
)

__all__ = [
    "AREA_CLASSES",
    "REPORT_RUN_STATUSES",
    "RESPONSE_MODES",
    "ROLES",
    "Agency",
    "AuditEvent",
    "Base",
    "CrimeCount",
    "CrimeImport",
    "EditedDefinition",
    "Invitation",
    "IssueContact",
    "IssueEvent",
    "LsoaNeighbourhood",
    "Meeting",
    "Neighbourhood",
    "OutboundMail",
    "PactIssue",
    "PanelMember",
    "PopulationEstimate",
    "PostcodeSector",
    "Priority",
    "PriorityUpdate",
    "Questionnaire",
    "ReportFile",
    "ReportRun",
    "Response",
    "ScorecardActual",
    "SignInAttempt",
    "StaffUser",
    "SurveyDraft",
    "SurveyImport",
    "UTCDateTime",
    "Wave",
    "coordinator_neighbourhood",
    "priority_issue",
    "utcnow",
]
