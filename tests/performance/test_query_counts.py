"""Every list endpoint and page makes the same number of queries for 2 rows as for 12 (5 for the
certification walks, which are slow to build).

Each case grows one listed thing (with the related rows that would be fetched one by one: team
members, key areas, citations, comments, history) and counts the queries of one request at both
sizes. The coverage tests make a new URL fail until it is either a case here or said not to list rows.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.performance.scene import Scene, set_phase

SMALL, LARGE = 2, 12
# A certification walks through training, practice and evaluations: 5 of them show an N+1 as well
# as 12 would, in a fraction of the time.
FEW = 5


@dataclass(frozen=True)
class Case:
    name: str  # the URL pattern's name, with its namespace
    user: str  # the Scene attribute of the person who reads it
    grow: Callable[[Scene, int], None]
    url: Callable[[Scene], str]
    setup: Callable[[Scene], None] = lambda scene: None
    variant: str = ""
    large: int = LARGE

    @property
    def id(self) -> str:
        return f"{self.name}{'[' + self.variant + ']' if self.variant else ''}"


def audit_url(url_name: str, key: str = "pk", **extra) -> Callable[[Scene], str]:
    return lambda scene: reverse(url_name, kwargs={key: scene.audit.pk, **extra})


def api(url_name: str, **extra) -> Callable[[Scene], str]:
    return audit_url(url_name, "audit_pk", **extra)


def geosa_url(name: str) -> Callable[[Scene], str]:
    return lambda scene: reverse(name, kwargs={"pk": scene.geosa().pk})


def grow(method: str) -> Callable[[Scene, int], None]:
    return lambda scene, count: getattr(scene, method)(count)


def in_phase(phase: str) -> Callable[[Scene], None]:
    def setup(scene: Scene) -> None:
        scene.audit = set_phase(scene.audit, phase)

    return setup


def grow_in_feedback(method: str, phase: str) -> Callable[[Scene, int], None]:
    """Grow while the audit is open, then read it in a later phase."""

    def grower(scene: Scene, count: int) -> None:
        scene.audit = set_phase(scene.audit, "feedback")
        getattr(scene, method)(count)
        scene.audit = set_phase(scene.audit, phase)

    return grower


def grow_excerpts(scene: Scene, count: int) -> None:
    """More excerpts on one interview."""
    from audits.evidence import services

    if not scene.audit.interviews.exists():
        scene.add_interviews(1)
    interview = scene.audit.interviews.order_by("pk").first()
    for _ in range(count):
        services.excerpt_add(
            actor=scene.lead,
            interview=interview,
            kind="quotation",
            text="Late.",
            code="gap",
            key_areas=["KA04"],
        )


def grow_statements(scene: Scene, count: int) -> None:
    from audits.evidence import services

    if not scene.audit.workshops.exists():
        scene.add_workshops(1)
    workshop = scene.audit.workshops.order_by("pk").first()
    for _ in range(count):
        services.statement_add(
            actor=scene.lead, workshop=workshop, key_area="KA08", kind="works", text="Yes.", promoted=True
        )


def detail(name: str, related: str, key: str = "pk") -> Callable[[Scene], str]:
    def url(scene: Scene) -> str:
        row = getattr(scene.audit, related).order_by("pk").first()
        return reverse(name, kwargs={"audit_pk": scene.audit.pk, key: row.pk})

    return url


def grow_key_areas(scene: Scene, count: int) -> None:
    """Select more of the methodology's key areas."""
    from audits import services

    phase = scene.audit.phase
    scene.audit = set_phase(scene.audit, "request")
    chosen = scene.audit.key_areas.count()
    codes = list(scene.methodology.key_areas.order_by("order").values_list("code", flat=True))
    services.audit_set_key_areas(actor=scene.staff, audit=scene.audit, codes=codes[: chosen + count])
    scene.audit = set_phase(scene.audit, phase)


def grow_updates(scene: Scene, count: int) -> None:
    """More progress updates on one action in follow-up."""
    from audits.roadmap import services

    if not scene.audit.roadmap_actions.exists():
        scene.add_progress(1)
    action = scene.audit.roadmap_actions.order_by("pk").first()
    for _ in range(count):
        services.action_progress(actor=scene.lead, action=action, status="in_progress", value=30)


def grow_everything(scene: Scene, count: int) -> None:
    """Every kind of evidence on the key area's board, cited by findings."""
    scene.add_documents(count)
    scene.add_interviews(count)
    scene.add_workshops(count)
    scene.add_findings(count)


def geosa_request_url(scene: Scene) -> str:
    return reverse("selfassessment:requests")


def certification_of_candidate(name: str) -> Callable[[Scene], str]:
    def url(scene: Scene) -> str:
        from facilitators.models import Certification

        return reverse(name, kwargs={"pk": Certification.objects.get(facilitator__user=scene.candidate).pk})

    return url


def grow_history(scene: Scene, count: int) -> None:
    """One candidate's certification with more transitions, documents and contributions."""
    from facilitators import services
    from facilitators.models import Certification

    if not hasattr(scene, "candidate"):
        scene.add_practice(0)
    certification = Certification.objects.get(facilitator__user=scene.candidate)
    for index in range(count):
        services.contribution_record(
            actor=scene.cert_staff,
            user=scene.candidate,
            kind="case_study",
            title=f"Case study {index}",
            contributed_on=datetime.date(2026, 2, 1),
        )
        services.certification_transition(
            actor=scene.cert_staff, certification_id=certification.pk, target="suspended", reason="Paused."
        )
        services.certification_transition(
            actor=scene.cert_staff, certification_id=certification.pk, target="in_practice"
        )
    scene.add_practice(count)


def survey_ready(scene: Scene) -> None:
    scene.open_survey()


def survey_answered(scene: Scene) -> None:
    """An open survey that already has k responses, so its analysis and exports are shown at both sizes."""
    scene.open_survey()
    scene.add_responses(scene.audit.min_group_size)


def survey_prepared(scene: Scene) -> None:
    scene.prepare_survey()


CASES = [
    # audits
    Case("audits:dashboard", "lead", grow("add_audits"), lambda scene: reverse("audits:dashboard")),
    Case("audit-list", "lead", grow("add_audits"), lambda scene: reverse("audit-list")),
    Case("organization-list", "staff", grow("add_organizations"), lambda scene: reverse("organization-list")),
    Case("audits:detail", "lead", grow("add_team"), audit_url("audits:detail"), variant="team"),
    Case("audits:detail", "lead", grow("add_history"), audit_url("audits:detail"), variant="history"),
    Case("audits:team", "lead", grow("add_team"), audit_url("audits:team")),
    Case("audit-team", "lead", grow("add_team"), audit_url("audit-team")),
    Case("audit-history", "lead", grow("add_history"), audit_url("audit-history")),
    Case("audits:key-areas", "lead", grow_key_areas, audit_url("audits:key-areas")),
    Case("audit-key-areas", "lead", grow_key_areas, audit_url("audit-key-areas")),
    # surveys
    Case("surveys:instrument", "lead", grow("add_questions"), api("surveys:instrument"), survey_prepared),
    Case(
        "survey-instrument-of-audit",
        "lead",
        grow("add_questions"),
        api("survey-instrument-of-audit"),
        survey_prepared,
    ),
    Case("surveys:invitations", "lead", grow("add_invitations"), api("surveys:invitations"), survey_ready),
    Case("survey-invitations", "lead", grow("add_invitations"), api("survey-invitations"), survey_ready),
    Case("surveys:home", "lead", grow("add_responses"), api("surveys:home"), survey_answered),
    Case("survey-participation", "lead", grow("add_responses"), api("survey-participation"), survey_answered),
    Case("surveys:analysis", "lead", grow("add_responses"), api("surveys:analysis"), survey_answered),
    Case("survey-analysis", "lead", grow("add_responses"), api("survey-analysis"), survey_answered),
    Case("survey-open-answers", "lead", grow("add_responses"), api("survey-open-answers"), survey_answered),
    Case(
        "surveys:export",
        "lead",
        grow("add_responses"),
        api("surveys:export", kind="csv"),
        survey_answered,
        "csv",
    ),
    Case(
        "survey-export",
        "lead",
        grow("add_responses"),
        api("survey-export", kind="csv"),
        survey_answered,
        "csv",
    ),
    # evidence
    Case("evidence:overview", "lead", grow_everything, api("evidence:overview")),
    Case("evidence:documents", "lead", grow("add_documents"), api("evidence:documents")),
    Case("evidence-api:documents", "lead", grow("add_documents"), api("evidence-api:documents")),
    Case("evidence:interviews", "lead", grow("add_interviews"), api("evidence:interviews")),
    Case("evidence-api:interviews", "lead", grow("add_interviews"), api("evidence-api:interviews")),
    Case("evidence:interview", "lead", grow_excerpts, detail("evidence:interview", "interviews")),
    Case("evidence:workshops", "lead", grow("add_workshops"), api("evidence:workshops")),
    Case("evidence-api:workshops", "lead", grow("add_workshops"), api("evidence-api:workshops")),
    Case("evidence:workshop", "lead", grow_statements, detail("evidence:workshop", "workshops")),
    Case("evidence:board", "lead", grow_everything, api("evidence:board", code="KA04")),
    Case("evidence-api:board", "lead", grow_everything, api("evidence-api:board", code="KA04")),
    Case("evidence-api:findings", "lead", grow("add_findings"), api("evidence-api:findings")),
    # roadmap
    Case(
        "roadmap:roadmap",
        "lead",
        grow("add_recommendations"),
        audit_url("roadmap:roadmap"),
        variant="recommendations",
    ),
    Case("roadmap:roadmap", "lead", grow("add_actions"), audit_url("roadmap:roadmap"), variant="actions"),
    Case("roadmap-recommendations", "lead", grow("add_recommendations"), api("roadmap-recommendations")),
    Case("roadmap-actions", "lead", grow("add_actions"), api("roadmap-actions")),
    Case("roadmap:feedback", "coordinator", grow("add_recommendations"), audit_url("roadmap:feedback")),
    Case("roadmap-comments", "lead", grow("add_recommendations"), api("roadmap-comments")),
    Case("roadmap:follow-up", "coordinator", grow("add_progress"), audit_url("roadmap:follow-up")),
    Case("roadmap-progress", "lead", grow_updates, detail("roadmap-progress", "roadmap_actions")),
    Case("roadmap:library", "lead", grow_key_areas, audit_url("roadmap:library")),
    Case("roadmap-library", "lead", grow_key_areas, api("roadmap-library")),
    # reports
    Case(
        "reports:report",
        "lead",
        grow("add_renders"),
        audit_url("reports:report"),
        in_phase("reporting"),
        "renders",
    ),
    Case(
        "reports:report",
        "lead",
        grow("add_snapshots"),
        audit_url("reports:report"),
        in_phase("reporting"),
        "snapshots",
    ),
    Case(
        "reports:report",
        "lead",
        grow_in_feedback("add_actions", "reporting"),
        audit_url("reports:report"),
        variant="actions",
    ),
    Case("reports-api:renders", "lead", grow("add_renders"), api("reports-api:renders")),
    Case("reports-api:snapshots", "lead", grow("add_snapshots"), api("reports-api:snapshots")),
    Case("reports-api:state", "lead", grow("add_snapshots"), api("reports-api:state")),
]
for export in ("roadmap.xlsx", "roadmap.csv", "findings.xlsx", "findings.csv", "data-package.zip"):
    CASES += [
        Case(
            "reports:export",
            "lead",
            grow("add_actions"),
            audit_url("reports:export", name=export),
            variant=export,
        ),
        Case(
            "reports-api:export",
            "lead",
            grow("add_actions"),
            api("reports-api:export", name=export),
            variant=export,
        ),
    ]
CASES += [
    # GEOSA
    Case("selfassessment:wizard", "focal_point", grow("add_ratings"), geosa_url("selfassessment:wizard")),
    Case("geosa-state", "focal_point", grow("add_ratings"), geosa_url("geosa-state")),
    Case("selfassessment:requests", "adviser", grow("add_adviser_requests"), geosa_request_url),
    # certification
    Case(
        "facilitators:dashboard",
        "cert_staff",
        grow("add_certifications"),
        lambda s: reverse("facilitators:dashboard"),
    ),
    Case(
        "facilitators:export",
        "cert_staff",
        grow("add_certifications"),
        lambda s: reverse("facilitators:export"),
    ),
    Case(
        "certification-list",
        "cert_staff",
        grow("add_certifications"),
        lambda s: reverse("certification-list"),
    ),
    Case("facilitator-list", "cert_staff", grow("add_certifications"), lambda s: reverse("facilitator-list")),
    Case(
        "practice-record-list", "candidate", grow("add_practice"), lambda s: reverse("practice-record-list")
    ),
    Case("facilitators:progress", "candidate", grow_history, lambda s: reverse("facilitators:progress")),
    Case(
        "facilitators:candidate",
        "cert_staff",
        grow_history,
        certification_of_candidate("facilitators:candidate"),
    ),
    Case(
        "certification-detail", "cert_staff", grow_history, certification_of_candidate("certification-detail")
    ),
    Case(
        "certification-history",
        "cert_staff",
        grow_history,
        certification_of_candidate("certification-history"),
    ),
    Case("facilitators:roster", "anonymous", grow("add_roster"), lambda s: reverse("facilitators:roster")),
    Case("roster", "anonymous", grow("add_roster"), lambda s: reverse("roster")),
]
CERTIFICATION_WALKS = {
    "facilitators:dashboard",
    "facilitators:export",
    "certification-list",
    "facilitator-list",
    "practice-record-list",
    "facilitators:progress",
    "facilitators:candidate",
    "certification-detail",
    "certification-history",
}
CASES = [replace(case, large=FEW) if case.name in CERTIFICATION_WALKS else case for case in CASES]


@pytest.fixture
def scene(methodology, cert_staff, settings, tmp_path) -> Scene:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    return Scene(methodology, cert_staff)


@pytest.fixture
def cert_staff(db):
    from django.contrib.auth.models import Group

    from facilitators.selectors import CERTIFICATION_STAFF_GROUP
    from tests.factories import UserFactory

    user = UserFactory(username="certstaff")
    user.groups.add(Group.objects.get_or_create(name=CERTIFICATION_STAFF_GROUP)[0])
    return user


def _queries(client: Client, url: str) -> list[str]:
    cache.clear()  # throttles and cached fragments would differ between the two requests
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    return [query["sql"] for query in captured.captured_queries]


def _shape(sql: str) -> str:
    """A query with its literals taken out, so the same query on another row compares equal."""
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def _explain(small: list[str], large: list[str]) -> str:
    extra = Counter(map(_shape, large)) - Counter(map(_shape, small))
    lines = [f"{count}x {sql[:400]}" for sql, count in extra.most_common(8)]
    return f"{len(small)} queries for {SMALL} rows, {len(large)} for more; repeated:\n" + "\n".join(lines)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_query_count_does_not_grow_with_rows(case: Case, scene: Scene):
    case.setup(scene)
    case.grow(scene, SMALL)
    client = Client()
    user = getattr(scene, case.user, None)
    if user is not None:
        client.force_login(user)
    url = case.url(scene)
    _queries(client, url)  # warm the per-process caches (methodology, content types)
    small = _queries(client, url)
    case.grow(scene, case.large - SMALL)
    large = _queries(client, url)
    print(f"{case.id}: {len(large)} queries")
    assert len(small) == len(large), _explain(small, large)


# Coverage: a new URL fails here until it is a case above or said not to list rows.

FORM = "a form, or a POST-only action"
ONE = "one object (or a file of one object)"
LIBRARY = "the methodology library: fixed by the loaded version, not by the audit's data"
SELF = "the respondent's own questionnaire"
PORTFOLIO = "the portfolio dashboard, whose query counts tests/reports/test_portfolio.py asserts"
NOT_A_LIST = {
    "set_language": FORM,
    "login": FORM,
    "logout": FORM,
    "api-root": "the API's index",
    "api-schema": "the OpenAPI schema",
    "api-docs": "the Swagger page",
    "audit-team-member": FORM,
    "surveys:export-request": FORM,
    "surveys:export-retry": FORM,
    "surveys:export-job": ONE,
    "surveys:export-download": ONE,
    "survey-exports": FORM,
    "survey-export-retry": FORM,
    "survey-export-job": ONE,
    "survey-export-download": ONE,
    "organization-detail": ONE,
    "audit-detail": ONE,
    "audit-transitions": "the moves open from the current phase, not rows",
    "methodology-list": LIBRARY,
    "methodology-detail": LIBRARY,
    "key-area-list": LIBRARY,
    "key-area-detail": LIBRARY,
    "certificate-verify": ONE,
    "portfolio-document-review": FORM,
    "facilitator-me": ONE,
    "facilitator-detail": ONE,
    "certification-contributions": FORM,
    "certification-decisions": "at most one decision per review round; covered by certification-detail",
    "certification-portfolio": FORM,
    "certification-training-results": FORM,
    "certification-transitions": "the moves open from the current state, not rows",
    "practice-record-detail": ONE,
    "practice-record-evaluation": FORM,
    "survey-instruments": LIBRARY,
    "survey-instrument": LIBRARY,
    "survey": ONE,
    "survey-question": ONE,
    "survey-questions": FORM,
    "survey-restrict": FORM,
    "survey-xlsform": "the questionnaire as a file; covered through survey-instrument-of-audit",
    "survey-open": FORM,
    "survey-close": FORM,
    "survey-skip": FORM,
    "survey-population": FORM,
    "survey-reminders": FORM,
    "survey-respond": SELF,
    "survey-respond-draft": SELF,
    "survey-respond-submit": SELF,
    "evidence-api:document": ONE,
    "evidence-api:document-file": ONE,
    "evidence-api:assessments": "one document's assessments: at most one per criterion of its key areas",
    "evidence-api:interview": ONE,
    "evidence-api:excerpts": FORM,
    "evidence-api:statements": FORM,
    "evidence-api:workshop": ONE,
    "evidence-api:statement": ONE,
    "evidence-api:staff": "the staff file's summary, aggregated in the database",
    "evidence-api:staff-analysis": "aggregates of the staff file, built by pandas from one query",
    "evidence-api:staff-pay-gap": "aggregates of the staff file, built by pandas from one query",
    "evidence-api:finding": ONE,
    "roadmap-recommendation": ONE,
    "roadmap-adopt": FORM,
    "roadmap-action": ONE,
    "roadmap-comment-resolve": FORM,
    "roadmap-share": FORM,
    "roadmap-baseline": ONE,
    "reports-api:render": ONE,
    "reports-api:render-retry": FORM,
    "reports-api:render-pdf": ONE,
    "reports-api:issue": FORM,
    "reports-api:snapshot-pdf": ONE,
    "geosa-rating": FORM,
    "geosa-comment": FORM,
    "geosa-comment-answer": FORM,
    "geosa-adviser-request": FORM,
    "geosa-adviser-answer": FORM,
    "facilitators:candidate-create": FORM,
    "facilitators:transition": FORM,
    "facilitators:portfolio-submit": FORM,
    "facilitators:training": FORM,
    "facilitators:practice-add": FORM,
    "facilitators:contribution-add": FORM,
    "facilitators:decision": FORM,
    "facilitators:attendance-pdf": ONE,
    "facilitators:document-review": FORM,
    "facilitators:document-file": ONE,
    "facilitators:evaluate": FORM,
    "facilitators:apply": FORM,
    "facilitators:profile": FORM,
    "facilitators:certificate-pdf": ONE,
    "facilitators:verify": FORM,
    "facilitators:verify-code": ONE,
    "surveys:prepare": FORM,
    "surveys:import": FORM,
    "surveys:xlsform": "the questionnaire as a file; covered through surveys:instrument",
    "surveys:restrict": FORM,
    "surveys:section-new": FORM,
    "surveys:question-new": FORM,
    "surveys:question-edit": FORM,
    "surveys:question-remove": FORM,
    "surveys:open": FORM,
    "surveys:close": FORM,
    "surveys:skip": FORM,
    "surveys:population": FORM,
    "surveys:remind": FORM,
    "surveys:respond": SELF,
    "surveys:respond-draft": SELF,
    "surveys:respond-done": SELF,
    "evidence:document": ONE,
    "evidence:document-download": ONE,
    "evidence:document-delete": FORM,
    "evidence:interview-create": FORM,
    "evidence:interview-edit": FORM,
    "evidence:interview-delete": FORM,
    "evidence:excerpt-delete": FORM,
    "evidence:workshop-edit": FORM,
    "evidence:workshop-delete": FORM,
    "evidence:statement-promote": FORM,
    "evidence:statement-delete": FORM,
    "evidence:staff": "the staff file's tables, built by pandas from one query",
    "evidence:staff-delete": FORM,
    "evidence:finding-delete": FORM,
    "roadmap:recommendation-create": FORM,
    "roadmap:recommendation-edit": FORM,
    "roadmap:recommendation-delete": FORM,
    "roadmap:action-create": FORM,
    "roadmap:action-edit": FORM,
    "roadmap:action-delete": FORM,
    "roadmap:feedback-share": FORM,
    "roadmap:comment-add": FORM,
    "roadmap:comment-resolve": FORM,
    "roadmap:action-progress": FORM,
    "roadmap:baseline": FORM,
    "reports:request": FORM,
    "reports:issue": FORM,
    "reports:text": FORM,
    "reports:retry": FORM,
    "reports:render-pdf": ONE,
    "reports:snapshot-pdf": ONE,
    "selfassessment:respond": FORM,
    "selfassessment:advance": FORM,
    "selfassessment:adviser-request": FORM,
    "selfassessment:statement": FORM,
    "selfassessment:team-add": FORM,
    "selfassessment:team-trained": FORM,
    "selfassessment:rating": FORM,
    "selfassessment:comment-add": FORM,
    "selfassessment:comment-answer": FORM,
    "selfassessment:adopt": FORM,
    # The portfolio dashboard counts its own queries in tests/reports/test_portfolio.py.
    "reports:portfolio": PORTFOLIO,
    "reports:portfolio-regions": PORTFOLIO,
    "reports:portfolio-expiring": PORTFOLIO,
    "reports-api:portfolio-phases": PORTFOLIO,
    "reports-api:portfolio-regions": PORTFOLIO,
    "reports-api:portfolio-expiring": PORTFOLIO,
    "audits:create": FORM,
    "audits:organization-create": FORM,
    "audits:edit": FORM,
    "audits:transition": FORM,
    "audits:team-role": FORM,
    "audits:team-remove": FORM,
}


def _patterns(patterns=None, namespace: str = ""):
    """(name, view) of every named URL pattern outside the admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name])), pattern.callback


def test_every_router_list_action_is_counted():
    covered = {case.name for case in CASES}
    lists = {
        name for name, view in _patterns() if (getattr(view, "actions", None) or {}).get("get") == "list"
    }
    lists -= {name for name, reason in NOT_A_LIST.items() if reason == LIBRARY}
    assert lists, "the router's list actions were not found"
    assert sorted(lists - covered) == []


def test_every_url_is_counted_or_said_not_to_list_rows():
    covered = {case.name for case in CASES}
    names = {name for name, _view in _patterns()}
    assert sorted(names - covered - set(NOT_A_LIST)) == []
    assert sorted(covered & set(NOT_A_LIST)) == []
