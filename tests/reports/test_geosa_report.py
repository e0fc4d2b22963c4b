"""The GEOSA report goes through the reports app's renderer: background render, DRAFT mark, issuing
as an immutable snapshot, and the change since a baseline assessment."""

import pytest
from django.core.management import call_command

from audits.disclosure import Cell
from audits.models import TeamRole
from audits.roadmap import services as roadmap
from config.errors import DomainError
from reports import rendering, services
from reports.models import RenderKind, RenderStatus, ReportRender, ReportSnapshot
from selfassessment import services as geosa_services
from selfassessment.selectors import AreaComparison, changes_since
from tests.factories import add_member, make_audit
from tests.reports.conftest import flat, pdf_pages
from tests.selfassessment.builders import Geosa

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(methodology) -> Geosa:
    """A GEOSA in action planning: rated, reviewed with a statement, one action on the roadmap."""
    geosa = Geosa(methodology, title="GEOSA of the Lviv office").with_adviser()
    geosa.to("self_assessment")
    geosa.rate_all({"KA04": 2, "KA08": 4, "KA09": 3})
    geosa.to("technical_review")
    geosa_services.adviser_statement_set(
        actor=geosa.adviser, audit=geosa.refresh(), statement="A candid and well-evidenced assessment."
    )
    geosa.to("action_planning")
    geosa.plan_an_action()
    return geosa


def test_a_geosa_has_the_geosa_report_and_a_pga_the_roadmap_report(planned, methodology):
    assert rendering.main_kind(planned.audit) == RenderKind.GEOSA
    assert rendering.main_kind(make_audit("selective")) == RenderKind.REPORT


def test_the_geosa_report_renders_in_the_background_with_a_draft_mark(
    planned, immediate_tasks, run_on_commit, tmp_path
):
    with run_on_commit():
        render = services.report_request(actor=planned.focal_point, audit=planned.refresh())
    render.refresh_from_db()
    assert (render.kind, render.status) == (RenderKind.GEOSA, RenderStatus.READY)
    text = flat(" ".join(pdf_pages(bytes(render.pdf), tmp_path)))
    assert "GEOSA of the Lviv office" in text
    assert "level 4 (Established)" in text
    assert "A candid and well-evidenced assessment." in text
    assert "Draft of" in text and "not for circulation" in text
    assert "Change since the baseline" not in text  # no baseline chosen


def test_a_geosa_cannot_ask_for_the_roadmap_report(planned):
    with pytest.raises(DomainError, match="has the GEOSA report, not the roadmap report"):
        services.report_request(actor=planned.focal_point, audit=planned.refresh(), kind=RenderKind.REPORT)
    assert not ReportRender.objects.exists()


def test_issuing_waits_for_the_action_plan_then_keeps_an_unchanged_snapshot(
    planned, immediate_tasks, run_on_commit, tmp_path
):
    audit = planned.to("technical_review")
    with pytest.raises(DomainError, match="issued during action planning"):
        services.report_issue(actor=planned.focal_point, audit=audit)

    audit = planned.to("action_planning")
    with run_on_commit():
        services.report_issue(actor=planned.focal_point, audit=audit)
    snapshot = ReportSnapshot.objects.get(audit=audit)
    assert snapshot.version == 1 and snapshot.render.kind == RenderKind.GEOSA
    text = flat(" ".join(pdf_pages(bytes(snapshot.pdf), tmp_path)))
    assert "Final report, version 1" in text
    assert "Draft of" not in text

    with pytest.raises(DomainError, match="Nothing changed since version 1"):
        services.report_issue(actor=planned.focal_point, audit=planned.refresh())


def test_the_report_page_offers_the_geosa_report(client, planned):
    client.force_login(planned.focal_point)
    page = client.get(f"/audits/{planned.audit.pk}/report/").content.decode()
    assert '<h1 class="h3">GEOSA report</h1>' in page
    assert 'name="kind" value="geosa"' in page
    assert "Issue the final report" in page
    assert "Save the summary" not in page  # the GEOSA report has no executive summary


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_the_worker_renders_what_the_page_requested(client, planned, django_capture_on_commit_callbacks):
    client.force_login(planned.focal_point)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/audits/{planned.audit.pk}/report/request/", {"kind": "geosa", "language": "fr"}
        )
    assert response.status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    render = ReportRender.objects.get(audit=planned.audit)
    assert (render.kind, render.language, render.status) == ("geosa", "fr", RenderStatus.READY)
    assert bytes(render.pdf).startswith(b"%PDF")


# Change since a baseline


def _area(code, level, mean, n=20, suppressed=False) -> AreaComparison:
    staff = None if mean is None else Cell(None if suppressed else mean, n, suppressed, 5)
    return AreaComparison(code=code, name=code, level=level, staff=staff, women=None, men=None, gap=None)


def test_changes_compare_levels_and_only_shown_means():
    then = [_area("KA04", 2, 2.5), _area("KA08", 4, None, n=3, suppressed=True)]
    now = [_area("KA04", 3, 3.1), _area("KA08", 4, 3.6), _area("KA09", 2, 2.0)]
    changes = {change.code: change for change in changes_since(now, then)}
    assert (changes["KA04"].level_change, changes["KA04"].staff_change) == (1, 0.6)
    assert changes["KA08"].level_change == 0
    assert changes["KA08"].staff_change is None  # hidden then: no subtraction to recover it from
    assert (changes["KA09"].level_then, changes["KA09"].level_change) == (None, None)


def test_a_later_geosa_shows_the_change_since_the_earlier_one(planned, methodology):
    later = Geosa(methodology, organization=planned.organization, title="Second GEOSA")
    later.audit.key_areas.set(planned.audit.key_areas.all())
    later.with_adviser().to("self_assessment")
    later.rate_all({"KA04": 3, "KA08": 4, "KA09": 3})
    roadmap.baseline_set(actor=later.focal_point, audit=later.refresh(), baseline=planned.audit)

    html = flat(rendering.html_with_stamp(later.refresh(), RenderKind.GEOSA))
    assert "Change since the baseline" in html
    assert "earlier assessment “GEOSA of the Lviv office”" in html
    assert "KA04 · " in html and '>2</td> <td class="num">3 (+1)</td>' in html


def test_a_pga_led_by_the_former_adviser_shows_the_geosa_self_ratings(planned, methodology):
    pga = make_audit("selective", organization=planned.organization)
    pga.key_areas.set(planned.audit.key_areas.all())
    add_member(pga, TeamRole.LEAD, user=planned.adviser)
    roadmap.baseline_set(actor=planned.adviser, audit=pga, baseline=planned.audit)

    html = flat(rendering.html_with_stamp(pga, RenderKind.REPORT))
    assert "Self-rated maturity level (1–5)" in html
    assert "GEOSA of the Lviv office" in html
