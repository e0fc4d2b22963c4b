"""The demo's complete audit renders to a PDF whose text has every section, key area, action and page
number, and no figure about a suppressed small group (pdftotext reads the PDF back)."""

import re

import pytest

from reports import services
from reports.models import RenderStatus
from tests.reports.conftest import flat, pdf_pages

pytestmark = pytest.mark.usefixtures("immediate_tasks")

SECTIONS = [
    "Contents",
    "1. Executive summary",
    "2. Context and methodology",
    "3. Findings by key area",
    "4. Staff statistics and pay gap",
    "5. Recommendations",
    "6. Roadmap",
    "Annexes",
    "A. Key areas of analysis",
    "B. Staff survey questions",
    "C. Confidentiality statement",
    "Data sources",
    "Timeline",
]
MARKER = "<5"


def squash(text: str) -> str:
    return re.sub(r"[\s\-]", "", text)


def test_the_demo_audit_is_complete_and_in_follow_up(demo_audit):
    assert demo_audit.phase == "follow_up"
    assert demo_audit.report_snapshots.count() == 1
    assert demo_audit.roadmap_actions.count() >= 8
    assert demo_audit.roadmap_actions.filter(status="done").exists()
    assert not demo_audit.feedback_comments.filter(resolved_at__isnull=True).exists()


def render(audit, run_on_commit, language=None):
    lead = audit.team.get(role="lead_facilitator").user
    with run_on_commit():
        requested = services.report_request(actor=lead, audit=audit, language=language)
    requested.refresh_from_db()
    assert requested.status == RenderStatus.READY, requested.error
    return requested


def test_the_demo_report_has_every_section_key_area_action_and_page_number(
    demo_audit, run_on_commit, tmp_path
):
    rendered = render(demo_audit, run_on_commit)
    pages = pdf_pages(bytes(rendered.pdf), tmp_path)
    assert len(pages) == rendered.pages >= 10
    text = flat(" ".join(pages))
    for section in SECTIONS:
        assert section in text, section
    for key_area in demo_audit.key_areas.all():
        assert f"{key_area.code} {key_area.name}" in text, key_area.code
    for number, row in enumerate(
        demo_audit.roadmap_actions.order_by("recommendation__key_area__order", "start", "order", "pk"),
        start=1,
    ):
        assert f"A{number}" in text
        assert squash(row.title) in squash(text), row.title  # a cell may break a title at its hyphen
    for number, page in enumerate(pages[1:], start=2):  # the cover carries no page number
        assert f"Page {number} of {len(pages)}" in flat(page), number
    assert "Draft of" in text  # the cover's status; the DRAFT mark repeats on every page


def test_a_suppressed_small_group_appears_nowhere(demo_audit, run_on_commit, tmp_path):
    """The drivers' category has 1 woman and 4 men; the workshop had 1 participant of another gender."""
    rendered = render(demo_audit, run_on_commit)
    lines = [
        line for page in pdf_pages(bytes(rendered.pdf), tmp_path, layout=True) for line in page.splitlines()
    ]
    drivers = [line for line in lines if line.strip().startswith("Drivers and maintenance")]
    assert len(drivers) >= 3  # the headcount table, the pay gap table and its chart
    for line in drivers:
        figures = line.split("Drivers and maintenance", 1)[1].split()
        assert figures and all(value in (MARKER, "0") for value in figures), line
    text = flat(" ".join(lines))
    participants = re.search(r"(\S+) participants: (\S+) women, (\S+) men, (\S+) other", text)
    assert participants is not None
    assert participants.group(4) == MARKER  # the one "other" participant
    assert MARKER in (participants.group(2), participants.group(3))  # and one more, against subtraction
    assert "1 other" not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                "Sommaire",
                "1. Résumé analytique",
                "6. Feuille de route",
                "Page 2 sur",
                "Déclaration de confidentialité",
            ],
        ),
        (
            "es",
            [
                "Índice",
                "1. Resumen ejecutivo",
                "6. Hoja de ruta",
                "Página 2 de",
                "Declaración de confidencialidad",
            ],
        ),
    ],
)
def test_french_and_spanish_reports(demo_audit, run_on_commit, tmp_path, language, expected):
    rendered = render(demo_audit, run_on_commit, language=language)
    text = flat(" ".join(pdf_pages(bytes(rendered.pdf), tmp_path)))
    for words in expected:
        assert words in text, words
    assert "Executive summary" not in text
    assert re.search(r"\d,\d\s?%", text), "numbers use a decimal comma"
