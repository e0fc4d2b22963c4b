"""The misuse tests' world: two organizations, every role on organization A only; and its objects' table.

Organization A is the demo data set (`loaddemo`); organization B is built by the same demo builders
with other people, then its audits are renamed so that its name and titles all carry `B_MARKER`:
a page or an API answer that shows that word to someone of organization A leaks. conftest.py builds it once
for the package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Gender
from audits import demo as audits_demo
from audits import services
from audits.library import load_library
from audits.models import Audit, Organization
from audits.surveys import services as surveys
from audits.surveys.models import SurveyExport
from audits.surveys.selectors import library_instruments
from facilitators import demo as facilitators_demo
from facilitators.models import Certification, PracticeRecord
from reports import demo as reports_demo
from selfassessment import demo as geosa_demo
from selfassessment.models import AdviserComment, AdviserRequest
from tests.factories import StaffFactory, UserFactory

B_MARKER = "Borealis"
B_ORGANIZATION = f"{B_MARKER} Water Authority"

# Every role the matrix signs in as; all but "outsider" and "anonymous" work on organization A only.
ROLES = [
    "anonymous",
    "outsider",
    "admin",
    "certstaff",
    "lead",
    "cofacilitator",
    "expert",
    "trainee",
    "coordinator",
    "focalpoint",
    "candidate",
]

# Settings tests/conftest.py applies per test, needed while the world is built (before any test).
BUILD_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "STORAGES": {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "LANGUAGE_CODE": "en",
    "SECURE_SSL_REDIRECT": False,
}


@dataclass
class Side:
    """The objects of one organization that URL keyword arguments are filled from."""

    organization: Organization
    audit: Audit  # the completed selective PGA: survey, evidence, findings, roadmap, issued report
    geosa: Audit  # the GEOSA in self-assessment, with ratings, an adviser and an adviser's comment
    fieldwork: Audit  # the comprehensive PGA in fieldwork
    preparation: Audit  # the selective PGA in preparation
    certification: Certification  # a candidate in supervised practice
    practice: PracticeRecord  # the candidate's practice waiting for the supervisor's evaluation
    certificate_code: str  # the certified lead's certificate
    adviser_request: AdviserRequest
    geosa_comment: AdviserComment
    survey_token: str  # the shared link of the fieldwork audit's open survey
    people: dict  # the demo's people of this organization, by key ("lead", "certstaff"...)

    @property
    def audits(self) -> list[Audit]:
        return [self.audit, self.geosa, self.fieldwork, self.preparation]


@dataclass
class World:
    users: dict  # role -> user (None for anonymous)
    a: Side
    b: Side
    tokens: dict = field(default_factory=dict)  # role -> DRF token key
    sessions: dict = field(default_factory=dict)  # role -> session key, signed in once for the package

    def hidden(self, side: Side) -> list[str]:
        """What someone without a role must not see: B's name and titles, or A's completed audit."""
        if side is self.b:
            return [self.b.organization.name, *(audit.title for audit in self.b.audits)]
        return [side.audit.title]


def _side(organization: Organization, users: dict) -> Side:
    audits = Audit.objects.filter(organization=organization)
    geosa = audits.get(modality__code="geosa")
    certification = Certification.objects.get(facilitator__user=users["candidate"])
    request = AdviserRequest.objects.filter(audit=geosa).first()
    rating = geosa.geosa_ratings.order_by("key_area__code").first()
    comment = AdviserComment.objects.create(
        rating=rating, kind="question", text="Which document shows this?", author=users["lead"]
    )
    fieldwork = audits.get(modality__code="comprehensive")
    surveys.survey_prepare(
        actor=users["lead"], audit=fieldwork, instrument=library_instruments(fieldwork.methodology).first()
    )
    _attach_files(audits.get(phase="follow_up"), certification)
    SurveyExport.objects.create(survey=audits.get(phase="follow_up").survey, language="en")  # for its URLs
    closes_on = timezone.localdate() + timedelta(days=9)
    survey = surveys.survey_open(actor=users["lead"], audit=fieldwork, closes_on=closes_on, mode="shared")
    return Side(
        organization=organization,
        audit=audits.get(phase="follow_up"),
        geosa=geosa,
        fieldwork=fieldwork,
        preparation=audits.get(modality__code="selective", phase="preparation"),
        certification=certification,
        practice=PracticeRecord.objects.get(user=users["candidate"], evaluation__isnull=True),
        certificate_code=Certification.objects.get(facilitator__user=users["lead"]).certificates.get().code,
        adviser_request=request,
        geosa_comment=comment,
        survey_token=survey.shared_token,
        people=users,
    )


def _attach_files(audit: Audit, certification: Certification) -> None:
    """The demo keeps links and notes; the download URLs need a stored file to point at."""
    document = audit.documents.order_by("pk").first()
    document.link, document.original_name, document.content_type = "", "handbook.pdf", "application/pdf"
    document.size = len(PLACEHOLDER_PDF[0])
    document.file.save("handbook.pdf", ContentFile(PLACEHOLDER_PDF[0]))
    portfolio = certification.portfolio_documents.order_by("pk").first()
    portfolio.file.save("diploma.pdf", ContentFile(PLACEHOLDER_PDF[0]))


def _organization_b() -> Side:
    """The demo builders again, for other people and another organization; B's strings renamed."""
    facilitators = audits_demo.facilitators_group()
    people = {}
    for key, (first, _last, gender, staff) in audits_demo.PEOPLE.items():
        factory = StaffFactory if staff else UserFactory
        people[key] = factory(username=f"b-{key}", first_name=first, last_name="Other", gender=gender)
    for key in ("lead", "cofacilitator", "expert", "trainee"):
        people[key].groups.add(facilitators)
    experts = [UserFactory(username=f"b-expert{index}", gender=Gender.MAN) for index in range(1, 6)]
    facilitators_demo.load_demo(
        {"lead": people["lead"], "candidate": people["candidate"], "certification_staff": people["certstaff"]}
    )
    organization = services.organization_create(
        actor=people["lead"],
        name=B_ORGANIZATION,
        country="Norway",
        units=["Department of Family Policy", "Regional office, Lviv", "Human Resources"],
    )
    audits_demo._selective_in_preparation(organization, people)
    audits_demo._comprehensive_in_fieldwork(organization, people, experts)
    audits_demo._geosa_in_self_assessment(organization, people)
    geosa_demo.load_demo(people)  # finds the only GEOSA so far: B's
    reports_demo._completed_audit(organization, people)
    for audit in Audit.objects.filter(organization=organization):
        Audit.objects.filter(pk=audit.pk).update(title=f"{B_MARKER} {audit.modality.code} {audit.phase}")
    return _side(organization, people)


# The issued reports keep their render records and snapshots; WeasyPrint's layout (seconds each) is skipped.
PLACEHOLDER_PDF = (b"%PDF-1.4\n%placeholder for the misuse tests\n%%EOF\n", 1)


def build_world() -> World:
    load_library(settings.METHODOLOGY_LIBRARY / "pga" / "2026.1")
    with mock.patch("reports.rendering.html_to_pdf", return_value=PLACEHOLDER_PDF):
        b = _organization_b()
        users = audits_demo.load_demo()
        geosa_demo.load_demo(users)
        reports_demo.load_demo(users)
    a = _side(Organization.objects.get(name=audits_demo.ORGANIZATION), users)
    roles = {role: users.get(role) for role in ROLES}
    roles["anonymous"] = None
    roles["outsider"] = UserFactory(username="outsider", gender=Gender.MAN)
    assert set(roles) == set(ROLES) and all(roles[role] for role in ROLES if role != "anonymous")
    tokens = {role: Token.objects.create(user=user).key for role, user in roles.items() if user}
    sessions = {}
    for role, user in roles.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(users=roles, a=a, b=b, tokens=tokens, sessions=sessions)


def _first(queryset):
    found = queryset.order_by("pk").first()
    assert found is not None, f"the world has no {queryset.model.__name__} to point at"
    return found.pk


def _interview(side: Side):
    return side.audit.interviews.filter(excerpts__isnull=False).order_by("pk").first()


def _workshop(side: Side):
    return side.audit.workshops.filter(statements__isnull=False).order_by("pk").first()


# (first path segment, segment just before the keyword, keyword) -> the value, from one side's objects.
# The first segment is taken after "api/"; the same table serves the pages and the API.
KWARGS: dict[tuple[str, str, str], Callable[[Side], object]] = {
    # audits, their teams and evidence
    ("audits", "audits", "pk"): lambda s: s.audit.pk,
    ("audits", "audits", "audit_pk"): lambda s: s.audit.pk,
    ("audits", "team", "member_pk"): lambda s: _first(s.audit.team.order_by("pk")),
    ("audits", "documents", "pk"): lambda s: _first(s.audit.documents.order_by("pk")),
    ("audits", "interviews", "pk"): lambda s: _interview(s).pk,
    ("audits", "excerpts", "excerpt_pk"): lambda s: _first(_interview(s).excerpts.order_by("pk")),
    ("audits", "workshops", "pk"): lambda s: _workshop(s).pk,
    ("audits", "statements", "statement_pk"): lambda s: _first(_workshop(s).statements.order_by("pk")),
    ("audits", "key-areas", "code"): lambda s: s.audit.key_areas.order_by("code").first().code,
    ("audits", "findings", "pk"): lambda s: _first(s.audit.findings.order_by("pk")),
    # survey
    ("audits", "questions", "code"): lambda s: s.audit.survey.instrument.questions.order_by("pk")[0].code,
    ("audits", "export", "kind"): lambda s: "csv",
    ("audits", "exports", "export_pk"): lambda s: _first(s.audit.survey.exports),
    # roadmap and feedback
    ("audits", "recommendations", "pk"): lambda s: _first(s.audit.recommendations),
    ("audits", "recommendations", "recommendation_pk"): lambda s: _first(s.audit.recommendations),
    ("audits", "actions", "pk"): lambda s: _first(s.audit.roadmap_actions.order_by("pk")),
    ("audits", "actions", "action_pk"): lambda s: _first(s.audit.roadmap_actions.order_by("pk")),
    ("audits", "comments", "pk"): lambda s: _first(s.audit.feedback_comments.order_by("pk")),
    ("audits", "comments", "comment_pk"): lambda s: _first(s.audit.feedback_comments.order_by("pk")),
    # report
    ("audits", "renders", "render_pk"): lambda s: _first(s.audit.report_renders.order_by("pk")),
    ("audits", "snapshots", "version"): lambda s: s.audit.report_snapshots.order_by("version")[0].version,
    ("audits", "v", "version"): lambda s: s.audit.report_snapshots.order_by("version")[0].version,
    ("audits", "exports", "name"): lambda s: "roadmap.xlsx",
    # GEOSA
    ("geosa", "geosa", "pk"): lambda s: s.geosa.pk,
    ("geosa", "team", "member_pk"): lambda s: _first(s.geosa.internal_team.order_by("pk")),
    ("geosa", "ratings", "code"): lambda s: s.geosa_comment.rating.key_area.code,
    ("geosa", "comments", "comment_pk"): lambda s: s.geosa_comment.pk,
    ("geosa", "requests", "request_pk"): lambda s: s.adviser_request.pk,
    ("geosa", "adviser-requests", "request_pk"): lambda s: s.adviser_request.pk,
    # organizations
    ("organizations", "organizations", "pk"): lambda s: s.organization.pk,
    # certification: a candidate of B's, supervised by B's lead
    ("certification", "candidates", "pk"): lambda s: s.certification.pk,
    ("certification", "documents", "pk"): lambda s: _first(s.certification.portfolio_documents),
    ("certification", "practice", "pk"): lambda s: s.practice.pk,
    ("certification", "certificates", "code"): lambda s: s.certificate_code,
    ("certifications", "certifications", "pk"): lambda s: s.certification.pk,
    ("facilitators", "facilitators", "pk"): lambda s: s.certification.facilitator_id,
    ("practice-records", "practice-records", "pk"): lambda s: s.practice.pk,
    ("portfolio-documents", "portfolio-documents", "pk"): lambda s: _first(
        s.certification.portfolio_documents
    ),
    # public on purpose (the matrix leaves them out); the fuzzing fills them
    ("respond", "respond", "token"): lambda s: s.survey_token,
    ("certificates", "verify", "code"): lambda s: s.certificate_code,
    # an audit's own copy of a questionnaire is not part of the shared library
    ("survey-instruments", "survey-instruments", "pk"): lambda s: s.audit.survey.instrument_id,
}
# The shared methodology library: everyone signed in reads it, so these are not another's objects.
SHARED_KWARGS: dict[tuple[str, str, str], object] = {
    ("methodology", "methodology", "pk"): lambda w: w.a.audit.methodology.pk,
    ("key-areas", "key-areas", "code"): lambda w: "KA04",
}
