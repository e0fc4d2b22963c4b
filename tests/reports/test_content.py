"""What the report says: counts through the disclosure rule, numbering, and the change since a baseline."""

import datetime

from django.utils import translation

from audits.models import Audit
from audits.roadmap import services as roadmap
from reports import content
from tests.factories import StaffFactory
from tests.roadmap.builders import action, finding, recommendation, team_audit


def test_people_counts_go_through_the_disclosure_rule(complete):
    with translation.override("en"):
        report = content.build(complete.audit)
    participants = report.sources.participants
    assert participants["total"].value == 27 and not participants["total"].suppressed
    assert report.sources.interviews.suppressed is False and report.sources.interviews.value == 0
    drivers = next(row for row in report.staff["headcount"] if row["label"] == "Drivers")
    assert drivers["female"].suppressed and drivers["female"].value is None
    professional = next(row for row in report.staff["categories"] if row["category"] == "Professional")
    assert professional["total"] != "<5"
    assert [item.number for item in report.recommendations] == ["R1", "R2"]
    assert [row.number for row in report.actions] == ["A1", "A2", "A3"]
    assert report.recommendations[1].answers == ["F2"] and report.recommendations[1].actions == ["A2", "A3"]


def test_a_small_workshop_group_is_hidden_with_a_second_cell(methodology):
    team = team_audit(phase="reporting")
    finding(team, "KA08", women=2, men=9)
    with translation.override("en"):
        sources = content.build(team.audit).sources
    assert sources.participants["women"].suppressed
    assert sources.participants["other"].value == 0
    assert sources.participants["men"].suppressed or sources.participants["total"].suppressed


def test_the_report_shows_the_change_since_the_baseline(complete):
    earlier = team_audit(phase="follow_up", organization=complete.audit.organization)
    finding(earlier, "KA08", "gap")
    finding(earlier, "KA08", "gap")
    action(earlier, recommendation(earlier, "KA08"))
    Audit.objects.filter(pk=earlier.audit.pk).update(
        created_at=complete.audit.created_at - datetime.timedelta(days=400)
    )
    roadmap.baseline_set(
        actor=StaffFactory(), audit=complete.audit, baseline=Audit.objects.get(pk=earlier.audit.pk)
    )
    with translation.override("en"):
        report = content.build(complete.audit)
    assert report.baseline is not None and report.baseline.audit.pk == earlier.audit.pk
    rows = next(rows for key_area, rows in report.baseline.key_areas if key_area.code == "KA08")
    gaps = next(row for row in rows if row.label == "Gaps")
    assert (gaps.before, gaps.after, gaps.change) == ("2", "1", "−1")
    share = next(row for row in report.baseline.indicators if row.label == "Share of women in the staff")
    assert share.before == "–" and share.after.endswith("%")
    done = next(row for row in report.baseline.indicators if row.label == "Roadmap actions done")
    assert done.before == done.after == "0\u00a0%"
