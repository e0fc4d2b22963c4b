"""Another sub-app (the surveys) plugs its results into the board, the guard and findings."""

import pytest

from audits import guards
from audits.evidence import services, sources
from audits.evidence.sources import EvidenceItem, evidence_source
from audits.models import Audit
from tests.evidence.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    saved = dict(sources.SOURCES)
    yield sources.SOURCES
    sources.SOURCES.clear()
    sources.SOURCES.update(saved)


def survey_items(audit, key_area, user):
    if key_area.code != "KA09":
        return []
    return [
        EvidenceItem(
            kind="survey_result",
            ref="Q07",
            label="Q07 Culture",
            text="62 % agree (n = 48)",
            source="Staff survey",
        )
    ]


def test_a_registered_source_feeds_the_board_the_guard_and_findings(world, registry):
    evidence_source("survey", label="Survey results", order=10, covers=lambda audit: {"KA09"})(survey_items)
    audit = Audit.objects.get(pk=world.audit.pk)
    assert guards.evaluate("evidence_per_key_area", audit, "block").message.startswith(
        "No evidence yet for KA08;"
    )

    page = client_for(world.people["lead"]).get(f"/audits/{audit.pk}/key-areas/KA09/board/").content.decode()
    assert "Survey results" in page and "62 % agree (n = 48)" in page
    assert page.index("Survey results") < page.index("Interview excerpts")

    finding = services.finding_create(
        actor=world.people["lead"],
        audit=audit,
        key_area="KA09",
        kind="gap",
        statement="Culture lags",
        evidence=["survey_result:Q07"],
    )
    (evidence,) = finding.evidence.all()
    assert (evidence.survey_question_code, evidence.snapshot) == ("Q07", "62 % agree (n = 48) (Staff survey)")


def test_a_source_without_covers_is_asked_for_each_key_area(world, registry):
    asked = []

    def items(audit, key_area, user):
        asked.append((key_area.code, user))
        return survey_items(audit, key_area, user)

    evidence_source("survey", label="Survey results")(items)
    check = guards.evaluate("evidence_per_key_area", Audit.objects.get(pk=world.audit.pk), "block")
    assert check.message.startswith("No evidence yet for KA08;")
    assert sorted(asked) == [("KA08", None), ("KA09", None)]


def test_registered_sources_come_in_their_order(registry):
    evidence_source("survey", label="Survey results", order=10)(survey_items)
    evidence_source("late", label="Late", order=99)(survey_items)
    codes = [source.code for source in sources.registered()]
    mine = ["survey", "excerpts", "workshops", "documents", "staff", "late"]
    assert [code for code in codes if code in mine] == mine
