"""The workspace card for the audit page, and the server-side charts."""

import pytest
from django.template import Context, Template

from audits.disclosure import Cell
from audits.evidence import charts
from tests.evidence.helpers import an_excerpt

pytestmark = pytest.mark.django_db

CARD = Template("{% load evidence_tags %}{% evidence_workspace_card audit user %}")


def test_the_workspace_card_counts_and_links_for_the_team(world):
    an_excerpt(world.audit, world.people["lead"], key_areas=["KA09"])
    html = CARD.render(Context({"audit": world.audit, "user": world.people["trainee"]}))
    assert "1 interview" in html and "0 documents" in html and "0 findings" in html
    assert f'href="/audits/{world.audit.pk}/key-areas/KA08/board/"' in html
    assert f'href="/audits/{world.audit.pk}/key-areas/KA09/board/"' in html
    assert f'href="/audits/{world.audit.pk}/staff/"' in html
    ka08 = html[html.index("KA08") : html.index("KA09")]
    assert "no evidence yet" in ka08


@pytest.mark.parametrize("who", ["coordinator", "other_co_facilitator", "staff"])
def test_the_workspace_card_is_empty_for_others(world, who):
    assert CARD.render(Context({"audit": world.audit, "user": world.people[who]})).strip() == ""


def test_charts_escape_labels_and_draw_no_bar_for_hidden_shares():
    rows = [
        {"label": "<script>alert(1)</script>", "female_pct": Cell(40.0, 20, False, 5)},
        {"label": "D1", "female_pct": Cell(None, 3, True, 5)},
        {"label": "All staff", "total": True, "female_pct": Cell(38.5, 23, False, 5)},
    ]
    svg = str(charts.share_of_women_chart(rows, k=5, title="Share & more"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Share &amp; more" in svg
    assert svg.count('fill="#5b2c83"') == 1  # one bar for a shown grade; none for D1
    assert "&lt;5" in svg and "40.0 %" in svg
    quartiles = [
        {"band": 1, "female_pct": 60.0, "male_pct": 40.0},
        {"band": 2, "female_pct": None, "male_pct": None},
    ]
    svg = str(charts.quartile_chart(quartiles, k=5))
    assert "women 60.0 %, men 40.0 %" in svg and "&lt;5" in svg


def test_the_admin_lists_evidence_without_its_confidential_text(world):
    from audits.evidence import services
    from tests.evidence.conftest import client_for
    from tests.evidence.helpers import an_interview

    lead = world.people["lead"]
    interview = an_interview(
        world.audit, lead, notes="Confidential remark", name_consent=True, interviewee_name="Oksana Petrenko"
    )
    services.excerpt_add(
        actor=lead, interview=interview, kind="quotation", text="Secret quote", code="gap", key_areas=["KA08"]
    )
    admin = client_for(world.people["staff"])
    for url in (
        "/admin/evidence/interview/",
        f"/admin/evidence/interview/{interview.pk}/change/",
        "/admin/evidence/excerpt/",
        f"/admin/evidence/excerpt/{interview.excerpts.get().pk}/change/",
    ):
        response = admin.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Confidential remark" not in body and "Petrenko" not in body and "Secret quote" not in body
