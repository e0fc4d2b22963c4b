"""Reads scoped to what the asking person may see, and the public roster and verification.

Certification staff see every certification; a facilitator sees their own; a supervisor sees the
practice records they supervise; the public sees the roster (consented fields only) and the result
of checking a certificate code. 404 for everything else, so existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitators import workflow
from facilitators.guards import (
    documents_by_requirement,
    evaluation_of,
    practice_records,
    required_documents,
    results_by_component,
)
from facilitators.models import (
    ACTIVE_STATES,
    CANDIDATE_STATES,
    HOLDING_STATES,
    Certificate,
    CertificateStatus,
    Certification,
    CertificationProgramme,
    CertificationState,
    FacilitatorProfile,
    PracticeRecord,
)

CERTIFICATION_STAFF_GROUP = "Certification staff"


# Orders a person's certifications so that the open one comes before any withdrawn one.
WITHDRAWN_LAST = Case(When(state=CertificationState.WITHDRAWN, then=Value(1)), default=Value(0))


def is_certification_staff(user) -> bool:
    """Staff administrators and members of the "Certification staff" group (cached per request)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if not hasattr(user, "_certification_staff"):
        user._certification_staff = user.groups.filter(name=CERTIFICATION_STAFF_GROUP).exists()
    return user._certification_staff


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def current_programme(code: str | None = None) -> CertificationProgramme | None:
    """The most recently loaded programme version, which new applicants follow."""
    programmes = CertificationProgramme.objects.order_by("-loaded_at", "-pk")
    if code:
        programmes = programmes.filter(code=code)
    return programmes.first()


def practice_records_with_evaluations() -> QuerySet[PracticeRecord]:
    return PracticeRecord.objects.select_related("supervisor", "evaluation__evaluator").prefetch_related(
        "evaluation__scores__competence"
    )


def certifications_with_records() -> QuerySet[Certification]:
    """Certifications with everything their guards read, in a fixed number of queries."""
    return Certification.objects.select_related("facilitator__user", "programme").prefetch_related(
        "programme__portfolio_requirements",
        "programme__training_components",
        "programme__competences",
        "portfolio_documents__requirement",
        "training_results__component",
        Prefetch("facilitator__user__practice_records", queryset=practice_records_with_evaluations()),
        "facilitator__contributions",
        "decisions",
        "certificates",
    )


def certifications_for(user) -> QuerySet[Certification]:
    certifications = certifications_with_records()
    if is_certification_staff(user):
        return certifications
    if not user.is_authenticated:
        return certifications.none()
    return certifications.filter(facilitator__user=user)


def certification_get(user, certification_id) -> Certification:
    """The certification if the user may see it; 404 otherwise, so its existence is not revealed."""
    try:
        return certifications_for(user).get(pk=certification_id)
    except (Certification.DoesNotExist, ValueError, TypeError):
        raise Http404("No such certification.") from None


def certification_of(user) -> Certification | None:
    """The person's open certification, else their latest one."""
    if not user.is_authenticated:
        return None
    return (
        certifications_with_records()
        .filter(facilitator__user=user)
        .order_by(WITHDRAWN_LAST, "-created_at")
        .first()
    )


def profiles_for(user) -> QuerySet[FacilitatorProfile]:
    profiles = FacilitatorProfile.objects.select_related("user")
    if is_certification_staff(user):
        return profiles
    if not user.is_authenticated:
        return profiles.none()
    return profiles.filter(user=user)


def practice_records_for(user) -> QuerySet[PracticeRecord]:
    """Staff see all; a person sees their own practice and the practice they supervise."""
    records = practice_records_with_evaluations().select_related("user")
    if is_certification_staff(user):
        return records
    if not user.is_authenticated:
        return records.none()
    return records.filter(Q(user=user) | Q(supervisor=user))


def practice_record_get(user, record_id) -> PracticeRecord:
    try:
        return practice_records_for(user).get(pk=record_id)
    except (PracticeRecord.DoesNotExist, ValueError, TypeError):
        raise Http404("No such practice record.") from None


def evaluations_due(user) -> list[PracticeRecord]:
    """Practice this person supervised that a candidate needs evaluated for their certification.

    A supervisor is not asked about experts or already certified colleagues: only about people
    working toward certification, in a role their programme counts as practice.
    """
    if not user.is_authenticated:
        return []
    records = (
        PracticeRecord.objects.filter(
            supervisor=user,
            evaluation__isnull=True,
            user__facilitator_profile__certifications__state__in=CANDIDATE_STATES,
        )
        .distinct()
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__facilitator_profile__certifications",
                queryset=Certification.objects.filter(state__in=CANDIDATE_STATES).select_related("programme"),
                to_attr="open_certifications",
            )
        )
        .order_by("ended_on", "pk")
    )
    return [
        record
        for record in records
        if any(
            record.role in certification.programme.practice_roles
            for certification in record.user.facilitator_profile.open_certifications
        )
    ]


def programme_for_evaluation(record: PracticeRecord) -> CertificationProgramme | None:
    """The programme the person follows (their open certification), else the current one."""
    certification = (
        Certification.objects.filter(facilitator__user_id=record.user_id)
        .exclude(state=CertificationState.WITHDRAWN)
        .select_related("programme")
        .first()
    )
    return certification.programme if certification else current_programme()


def review_evidence(certification: Certification) -> dict:
    """What the committee reviews, as plain data: it is also stored with the decision as taken."""
    programme = certification.programme
    documents = documents_by_requirement(certification)
    results = results_by_component(certification)
    competences = list(programme.competences.all())
    by_competence: dict[str, list[int]] = {competence.code: [] for competence in competences}
    practice = []
    for record in practice_records(certification):
        evaluation = evaluation_of(record)
        scores = (
            {score.competence.code: score.score for score in evaluation.scores.all()} if (evaluation) else {}
        )
        for code, score in scores.items():
            by_competence.setdefault(code, []).append(score)
        practice.append(
            {
                "audit": record.audit_title,
                "audit_reference": record.audit_reference,
                "modality": record.modality_code,
                "role": record.role,
                "role_label": str(record.get_role_display()),
                "started_on": record.started_on.isoformat() if record.started_on else None,
                "ended_on": record.ended_on.isoformat() if record.ended_on else None,
                "supervisor": display_name(record.supervisor) if record.supervisor else None,
                "evaluated": evaluation is not None,
                "satisfactory": evaluation.satisfactory if evaluation else None,
                "scores": scores,
                "comments": evaluation.comments if evaluation else "",
            }
        )
    return {
        "portfolio": [
            {
                "document": requirement.name,
                "status": documents[requirement.pk].status if requirement.pk in documents else None,
            }
            for requirement in required_documents(certification)
        ],
        "training": [
            {
                "component": component.name,
                "hours_required": component.hours,
                "pass_mark": component.pass_mark,
                "hours_attended": float(result.hours_attended)
                if result and result.hours_attended is not None
                else None,
                "score": result.score if result else None,
                "passed": bool(result and result.passed),
            }
            for component in programme.training_components.all()
            for result in [results.get(component.pk)]
        ],
        "practice": practice,
        "competences": [
            {
                "code": competence.code,
                "competence": competence.name,
                "scores": by_competence[competence.code],
                "lowest": min(by_competence[competence.code], default=None),
            }
            for competence in competences
        ],
        "rubric": {
            "min": programme.rubric_min,
            "max": programme.rubric_max,
            "satisfactory": programme.rubric_satisfactory,
        },
    }


# The staff pipeline ------------------------------------------------------------------------------


@dataclass
class PipelineRow:
    certification: Certification
    state: str
    state_label: str
    next_step: workflow.TransitionOption | None

    @property
    def blocked_on(self) -> list[str]:
        if self.next_step is None or self.state not in WORK_STATES:
            return []
        return [check.message for check in self.next_step.blocking]

    @property
    def ready(self) -> bool:
        """Nothing blocks the next step: staff can take it now."""
        return self.next_step is not None and self.state in WORK_STATES and not self.blocked_on

    @property
    def expires_on(self) -> date | None:
        return self.certification.expires_on


@dataclass
class Pipeline:
    counts: list[tuple[str, str, int]]
    rows: list[PipelineRow]
    blocked: list[PipelineRow]
    expiring: list[PipelineRow]
    total: int
    horizon_days: int
    filters: dict = field(default_factory=dict)


# States in which someone must act before the person can move on.
WORK_STATES = (*CANDIDATE_STATES, CertificationState.EXPIRING_SOON, CertificationState.EXPIRED)
STATE_LABELS = dict(CertificationState.choices)


def pipeline(
    user,
    *,
    state: str = "",
    programme: str = "",
    search: str = "",
    blocked_only: bool = False,
    today: date | None = None,
    horizon_days: int = 90,
) -> Pipeline:
    """Counts by stage (as the dates say), who is blocked on what, and who expires soon.

    One prefetched queryset serves the whole page, so the number of queries does not grow with the
    number of candidates.
    """
    if not is_certification_staff(user):
        raise Http404("No such page.")
    today = today or timezone.localdate()
    certifications = certifications_with_records().order_by(
        "facilitator__user__last_name", "facilitator__user__first_name", "pk"
    )
    if programme:
        certifications = certifications.filter(programme__code=programme)
    if search:
        for word in search.split():
            certifications = certifications.filter(
                Q(facilitator__user__first_name__icontains=word)
                | Q(facilitator__user__last_name__icontains=word)
                | Q(facilitator__user__username__icontains=word)
                | Q(facilitator__user__email__icontains=word)
            )
    rows = []
    for certification in certifications:
        workflow.as_of(certification, today)
        current = workflow.effective_state(certification, today)
        rows.append(
            PipelineRow(
                certification=certification,
                state=current,
                state_label=str(STATE_LABELS[current]),
                next_step=workflow.next_step(certification),
            )
        )
    counted = {code: 0 for code in CertificationState.values}
    for row in rows:
        counted[row.state] += 1
    counts = [(code, str(label), counted[code]) for code, label in CertificationState.choices]
    horizon = today + timedelta(days=horizon_days)
    expiring = sorted(
        (
            row
            for row in rows
            if row.certification.state in HOLDING_STATES
            and row.expires_on
            and today <= row.expires_on <= horizon
        ),
        key=lambda row: row.expires_on,
    )
    if state:
        rows = [row for row in rows if row.state == state]
    if blocked_only:
        rows = [row for row in rows if row.blocked_on]
    return Pipeline(
        counts=counts,
        rows=rows,
        blocked=[row for row in rows if row.blocked_on],
        expiring=expiring,
        total=sum(counted.values()),
        horizon_days=horizon_days,
        filters={
            "state": state,
            "programme": programme,
            "search": search,
            "blocked_only": blocked_only,
        },
    )


# Audits ask these: is the lead facilitator certified on the audit's start date? ----------------


def _certificates_in_force(user) -> QuerySet[Certificate]:
    return Certificate.objects.filter(certification__facilitator__user=user).exclude(
        certification__state__in=[CertificationState.SUSPENDED, CertificationState.WITHDRAWN]
    )


def certification_valid_on(user, on: date) -> bool:
    """True when a certificate of this person is in force on `on` (not suspended or withdrawn)."""
    return _certificates_in_force(user).filter(issued_on__lte=on, expires_on__gt=on).exists()


def certification_problem(user, on: date | None) -> str | None:
    """Why this person cannot lead an audit starting on `on`, as a sentence; None when they can."""
    name = display_name(user)
    if on is None:
        return _(
            "Set the audit's planned start date so that %(name)s's certification can be checked for that day."
        ) % {"name": name}
    if certification_valid_on(user, on):
        return None
    certification = (
        Certification.objects.filter(facilitator__user=user, certificates__isnull=False)
        .order_by(WITHDRAWN_LAST, "-created_at")
        .first()
    )
    if certification is None:
        return _("%(name)s holds no facilitator certification.") % {"name": name}
    if certification.state == CertificationState.SUSPENDED:
        return _("%(name)s's certification is suspended.") % {"name": name}
    if certification.state == CertificationState.WITHDRAWN:
        return _("%(name)s's certification was withdrawn.") % {"name": name}
    certificates = list(certification.certificates.order_by("issued_on"))
    earlier = [certificate for certificate in certificates if certificate.issued_on <= on]
    if not earlier:
        return _("%(name)s is certified only from %(date)s, after this audit starts.") % {
            "name": name,
            "date": certificates[0].issued_on.isoformat(),
        }
    expiry = max(certificate.expires_on for certificate in earlier)
    if expiry <= timezone.localdate():
        return _("%(name)s's certification expired on %(date)s; renew it before this audit starts.") % {
            "name": name,
            "date": expiry.isoformat(),
        }
    return _("%(name)s's certification expires on %(date)s, before this audit starts; renew it first.") % {
        "name": name,
        "date": expiry.isoformat(),
    }


# Public: the roster and certificate verification --------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """What the public may see of one certified facilitator: only the fields they publish."""

    name: str
    languages: list[str]
    regions: list[str]
    expertise: list[str]
    contact: str
    certified_until: date


def roster(
    *, language: str = "", region: str = "", expertise: str = "", today: date | None = None
) -> list[RosterEntry]:
    """Certified facilitators who chose to be listed; searches only what each one publishes."""
    today = today or timezone.localdate()
    certifications = (
        Certification.objects.filter(
            state__in=HOLDING_STATES,
            expires_on__gt=today,
            facilitator__publish_on_roster=True,
        )
        .select_related("facilitator__user")
        .order_by("facilitator__user__last_name", "facilitator__user__first_name")
    )
    if language:
        certifications = certifications.filter(
            facilitator__publish_languages=True, facilitator__languages__icontains=language
        )
    if region:
        certifications = certifications.filter(
            facilitator__publish_regions=True, facilitator__regions__icontains=region
        )
    if expertise:
        certifications = certifications.filter(
            facilitator__publish_expertise=True, facilitator__expertise__icontains=expertise
        )
    return [_roster_entry(certification) for certification in certifications]


def _roster_entry(certification: Certification) -> RosterEntry:
    profile = certification.facilitator
    return RosterEntry(
        name=profile.display_name,
        languages=profile.language_list if profile.publish_languages else [],
        regions=profile.region_list if profile.publish_regions else [],
        expertise=profile.expertise_list if profile.publish_expertise else [],
        contact=profile.contact if profile.publish_contact else "",
        certified_until=certification.expires_on,
    )


def roster_choices(today: date | None = None) -> dict[str, list[str]]:
    """The published languages, regions and expertise, to suggest in the roster's search form."""
    entries = roster(today=today)
    return {
        "languages": sorted({item for entry in entries for item in entry.languages}),
        "regions": sorted({item for entry in entries for item in entry.regions}),
        "expertise": sorted({item for entry in entries for item in entry.expertise}),
    }


def normalize_code(code: str) -> str:
    return "".join(character for character in code.upper() if character.isalnum())


@dataclass(frozen=True)
class Verification:
    """What anyone holding a certificate code learns: status, dates, programme, consented name."""

    code: str
    status: str
    status_label: str
    holder: str | None
    programme: str
    programme_code: str
    programme_version: str
    issued_on: date
    expires_on: date


def certificate_verify(code: str, *, today: date | None = None) -> Verification | None:
    """The certificate's status today, or None for an unknown code."""
    certificate = (
        Certificate.objects.select_related("certification__facilitator__user", "certification__programme")
        .filter(code=normalize_code(code))
        .first()
    )
    if certificate is None:
        return None
    status = certificate.status_on(today or timezone.localdate())
    profile = certificate.certification.facilitator
    programme = certificate.certification.programme
    return Verification(
        code=certificate.display_code,
        status=status,
        status_label=str(CertificateStatus(status).label),
        holder=profile.display_name if profile.publish_on_roster else None,
        programme=programme.name,
        programme_code=programme.code,
        programme_version=programme.version,
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
    )


def certificate_for_holder(user, code: str) -> Certificate:
    """A certificate its holder or certification staff may download; 404 for anyone else."""
    certificates = Certificate.objects.select_related(
        "certification__facilitator__user", "certification__programme"
    )
    if not is_certification_staff(user):
        if not user.is_authenticated:
            raise Http404("No such certificate.")
        certificates = certificates.filter(certification__facilitator__user=user)
    try:
        return certificates.get(code=normalize_code(code))
    except Certificate.DoesNotExist:
        raise Http404("No such certificate.") from None


def open_certification_exists(user) -> bool:
    return Certification.objects.filter(facilitator__user=user, state__in=ACTIVE_STATES).exists()


# A certification as its holder and certification staff read it ----------------------------------

PATH = (
    CertificationState.APPLICANT,
    CertificationState.ADMITTED,
    CertificationState.IN_TRAINING,
    CertificationState.TRAINED,
    CertificationState.IN_PRACTICE,
    CertificationState.UNDER_REVIEW,
    CertificationState.CERTIFIED,
)
# (label, the move that completes the milestone, the state it reaches, the date it records)
MILESTONES = (
    (gettext_lazy("Admission"), "admit", CertificationState.ADMITTED, "admitted_on"),
    (gettext_lazy("Training"), "complete_training", CertificationState.TRAINED, "trained_on"),
    (
        gettext_lazy("Supervised practice"),
        "submit_for_review",
        CertificationState.UNDER_REVIEW,
        "submitted_on",
    ),
    (gettext_lazy("Committee decision"), "certify", CertificationState.CERTIFIED, "certified_on"),
)


@dataclass
class Milestone:
    label: str
    done_on: date | None
    current: bool
    checks: list[workflow.GuardCheck]


@dataclass
class Progress:
    certification: Certification
    state: str
    state_label: str
    timeline: list[tuple[str, str, str]]
    milestones: list[Milestone]
    next_step: workflow.TransitionOption | None
    portfolio: list[tuple]
    training: list[tuple]
    practice: list[PracticeRecord]
    certificates: list[tuple[Certificate, str, str]]
    attended_course: bool


def progress_of(certification: Certification, *, today: date | None = None) -> Progress:
    """What is done and what remains, step by step, from a certification with its records."""
    today = today or timezone.localdate()
    workflow.as_of(certification, today)
    state = workflow.effective_state(certification, today)
    reached = PATH.index(certification.state) if certification.state in PATH else len(PATH) - 1
    if certification.state in (CertificationState.SUSPENDED, CertificationState.WITHDRAWN):
        held = certification.held_state or CertificationState.APPLICANT
        reached = PATH.index(held) if held in PATH else len(PATH) - 1
    timeline = [
        (
            code,
            str(STATE_LABELS[code]),
            "current" if index == reached else ("done" if index < reached else ""),
        )
        for index, code in enumerate(PATH)
    ]
    milestones = []
    for label, action, target, date_field in MILESTONES:
        done_on = getattr(certification, date_field)
        is_current = workflow.FORWARD.get(certification.state) == action
        milestones.append(
            Milestone(
                label=str(label),
                done_on=done_on if PATH.index(target) <= reached else None,
                current=is_current,
                checks=[] if done_on and not is_current else workflow.checks_for(certification, action),
            )
        )
    documents = documents_by_requirement(certification)
    results = results_by_component(certification)
    training = [
        (component, results.get(component.pk))
        for component in certification.programme.training_components.all()
    ]
    return Progress(
        certification=certification,
        state=state,
        state_label=str(STATE_LABELS[state]),
        timeline=timeline,
        milestones=milestones,
        next_step=workflow.next_step(certification),
        portfolio=[
            (requirement, documents.get(requirement.pk)) for requirement in required_documents(certification)
        ],
        training=training,
        practice=practice_records(certification),
        certificates=[
            (certificate, status, str(CertificateStatus(status).label))
            for certificate in certification.certificates.all()
            for status in [certificate.status_on(today)]
        ],
        attended_course=any(
            component.kind == "course" and result is not None and (result.hours_attended or 0) > 0
            for component, result in training
        ),
    )


def history_of(certification: Certification) -> QuerySet:
    return certification.transitions.select_related("actor").order_by("-at", "-pk")
