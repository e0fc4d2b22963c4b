"""The evidence board gathers every kind of evidence for one key area, and nothing identifying."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.evidence import services, sources
from audits.models import Audit
from tests.evidence.conftest import balanced_staff, client_for, named, staff_csv
from tests.evidence.helpers import a_review, a_statement, a_workshop, an_excerpt, an_interview

pytestmark = pytest.mark.django_db


def board_keys(world, code: str, user=None) -> dict[str, list[str]]:
    audit = Audit.objects.get(pk=world.audit.pk)
    key_area = audit.methodology.key_areas.get(code=code)
    return {
        source.code: [item.key for item in items]
        for source, items in sources.board(audit, key_area, user or world.people["lead"])
    }


def test_the_board_gathers_each_kind_for_its_key_area_only(world):
    lead = world.people["lead"]
    excerpt = an_excerpt(world.audit, lead, key_areas=["KA08"])
    both = an_excerpt(world.audit, lead, key_areas=["KA08", "KA09"], text="Nobody owns gender here.")
    statement = a_statement(world.audit, lead, key_area="KA08")
    a_statement(world.audit, lead, key_area="KA08", promoted=False, text="Not yet evidence")
    review = a_review(world.audit, lead, key_area="KA08")
    services.staff_file_upload(actor=lead, audit=world.audit, upload=named(balanced_staff(), "staff.csv"))
    an_excerpt(world.other, world.people["other_lead"], key_areas=["KA08"], text="Another audit's words")

    ka08 = board_keys(world, "KA08")
    assert ka08["excerpts"] == [f"excerpt:{excerpt.pk}", f"excerpt:{both.pk}"]
    assert ka08["workshops"] == [f"workshop_statement:{statement.pk}"]
    assert ka08["documents"] == [f"document_review:{review.pk}"]
    assert ka08["staff"][:3] == [
        "staff_indicator:female_share",
        "staff_indicator:mean_gap_pct",
        "staff_indicator:median_gap_pct",
    ]
    ka09 = board_keys(world, "KA09")
    assert ka09["excerpts"] == [f"excerpt:{both.pk}"]
    assert ka09["workshops"] == ka09["documents"] == ka09["staff"] == []

    page = client_for(lead).get(f"/audits/{world.audit.pk}/key-areas/KA08/board/").content.decode()
    for text in (
        "Promotions go to those who stay late.",
        "Flexible hours help parents.",
        "Parental leave for mothers only.",
        "Mean hourly pay gap",
    ):
        assert text in page
    assert "Not yet evidence" not in page and "Another audit" not in page


def test_an_unknown_key_area_board_is_404(world):
    assert (
        client_for(world.people["lead"]).get(f"/audits/{world.audit.pk}/key-areas/KA99/board/").status_code
        == 404
    )


def _profile_staff() -> bytes:
    """30 women and 30 men; grade P5 has 2 women and 10 men; grade D2 has 3 men only."""
    rows, n = [], 0
    for grade, women, men in (("G4", 28, 17), ("P5", 2, 10), ("D2", 0, 3)):
        for gender, count in (("F", women), ("M", men)):
            for _ in range(count):
                n += 1
                rows.append(f"{n},{gender},{grade},1000,40000,0,{grade}")
    return staff_csv(*rows, header="employee_id,gender,category,annual_hours,base_pay,variable_pay,grade")


@pytest.mark.parametrize(
    ("gender", "grade", "shown"),
    [
        ("woman", "G4", "Interview, women, grade G4"),  # 28 women in G4
        ("woman", "P5", "Interview, women"),  # 2 women in P5: the grade would single them out
        ("man", "P5", "Interview, men, grade P5"),  # 10 men in P5
        ("man", "D2", "Interview, men"),  # 3 in D2: no grade
        ("undisclosed", "D2", "Interview"),  # nothing safe to say
        ("mixed", "p5", "Interview, grade p5"),  # 12 people in P5, any gender; matched ignoring case
    ],
)
def test_an_excerpt_carries_no_name_and_no_attribute_of_a_small_group(world, gender, grade, shown):
    lead = world.people["lead"]
    services.staff_file_upload(actor=lead, audit=world.audit, upload=named(_profile_staff(), "staff.csv"))
    kind = "group" if gender == "mixed" else "individual"
    interview = an_interview(
        world.audit,
        lead,
        kind=kind,
        participants=4 if kind == "group" else 1,
        gender=gender,
        grade=grade,
        role="management",
        name_consent=True,
        interviewee_name="Oksana Petrenko",
    )
    an_excerpt(world.audit, lead, interview=interview)
    key_area = world.audit.methodology.key_areas.get(code="KA08")
    (item,) = sources.interview_excerpts(Audit.objects.get(pk=world.audit.pk), key_area, lead)
    expected = shown.replace("Interview", "Group interview") if kind == "group" else shown
    assert item.source == expected
    assert "Petrenko" not in item.citation and "Management" not in item.citation


def test_without_staff_data_no_profile_is_shown(world):
    lead = world.people["lead"]
    interview = an_interview(world.audit, lead, gender="woman", grade="G4", role="support")
    an_excerpt(world.audit, lead, interview=interview)
    key_area = world.audit.methodology.key_areas.get(code="KA08")
    (item,) = sources.interview_excerpts(world.audit, key_area, lead)
    assert item.source == "Interview"


def _fill(audit, actor, times: int) -> None:
    workshop = a_workshop(audit, actor)
    interview = an_interview(audit, actor)
    for n in range(times):
        an_excerpt(audit, actor, interview=interview, text=f"Quote {n}")
        a_statement(audit, actor, workshop=workshop, text=f"Statement {n}")
        a_review(audit, actor, notes=f"Review {n}")
    finding = services.finding_create(
        actor=actor,
        audit=audit,
        key_area="KA08",
        kind="gap",
        statement=f"Finding {times}",
        evidence=[f"excerpt:{audit.interviews.first().excerpts.first().pk}"],
    )
    assert finding.pk


def _board_queries(world) -> int:
    client = client_for(world.people["lead"])
    url = f"/audits/{world.audit.pk}/key-areas/KA08/board/"
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_board_runs_a_constant_number_of_queries(world):
    lead = world.people["lead"]
    services.staff_file_upload(actor=lead, audit=world.audit, upload=named(balanced_staff(), "staff.csv"))
    _fill(world.audit, lead, 1)
    few = _board_queries(world)
    _fill(world.audit, lead, 6)
    assert _board_queries(world) == few
