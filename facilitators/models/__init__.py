"""Facilitator certification: the programme (data from the library), the people and their records.

The programme's requirements are loaded from YAML by `manage.py loadcertification`; a certification
keeps the programme version it started with.
"""

from facilitators.models.certification import (
    ACTIVE_STATES,
    CANDIDATE_STATES,
    HOLDING_STATES,
    Certificate,
    CertificateKind,
    CertificateStatus,
    Certification,
    CertificationState,
    CertificationTransition,
    CommitteeDecision,
    Decision,
    ExpiryReminder,
    FacilitatorProfile,
)
from facilitators.models.programme import (
    CertificationProgramme,
    Competence,
    PortfolioRequirement,
    PracticeRole,
    TrainingComponent,
    TrainingKind,
    add_years,
)
from facilitators.models.records import (
    CommunityContribution,
    DocumentStatus,
    Evaluation,
    EvaluationScore,
    PortfolioDocument,
    PracticeRecord,
    PracticeSource,
    TrainingResult,
    portfolio_upload_path,
)

__all__ = [
    "ACTIVE_STATES",
    "CANDIDATE_STATES",
    "HOLDING_STATES",
    "Certificate",
    "CertificateKind",
    "CertificateStatus",
    "Certification",
    "CertificationProgramme",
    "CertificationState",
    "CertificationTransition",
    "CommitteeDecision",
    "CommunityContribution",
    "Competence",
    "Decision",
    "DocumentStatus",
    "Evaluation",
    "EvaluationScore",
    "ExpiryReminder",
    "FacilitatorProfile",
    "PortfolioDocument",
    "PortfolioRequirement",
    "PracticeRecord",
    "PracticeRole",
    "PracticeSource",
    "TrainingComponent",
    "TrainingKind",
    "TrainingResult",
    "add_years",
    "portfolio_upload_path",
]
