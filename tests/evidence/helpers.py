"""Builders for evidence of each kind, through the services as people would create it."""

import datetime

from audits.evidence import services
from tests.evidence.conftest import PDF_BYTES, named

WHEN = datetime.datetime(2027, 3, 12, 8, 0, tzinfo=datetime.UTC)


def an_interview(audit, actor, **fields):
    defaults = {
        "kind": "individual",
        "scheduled_at": WHEN,
        "time_zone": "UTC",
        "mode": "phone",
        "consent": True,
    }
    return services.interview_create(actor=actor, audit=audit, **{**defaults, **fields})


def an_excerpt(
    audit, actor, key_areas=("KA08",), text="Promotions go to those who stay late.", interview=None
):
    interview = interview or an_interview(audit, actor)
    return services.excerpt_add(
        actor=actor, interview=interview, kind="quotation", text=text, code="gap", key_areas=list(key_areas)
    )


def a_workshop(audit, actor):
    return services.workshop_create(
        actor=actor,
        audit=audit,
        title="Workshop",
        date=datetime.date(2027, 3, 15),
        delivery="online",
        women=9,
        men=8,
        exercises=["Gender web"],
    )


def a_statement(
    audit, actor, key_area="KA08", promoted=True, text="Flexible hours help parents.", workshop=None
):
    workshop = workshop or a_workshop(audit, actor)
    return services.statement_add(
        actor=actor, workshop=workshop, key_area=key_area, kind="works", text=text, promoted=promoted
    )


def a_review(audit, actor, key_area="KA08", rating="partly", notes="Parental leave for mothers only."):
    document = services.document_add(
        actor=actor,
        audit=audit,
        title="HR manual",
        doc_type="hr_rule",
        key_areas=[key_area],
        upload=named(PDF_BYTES, "hr.pdf"),
    )
    area = audit.methodology.key_areas.get(code=key_area)
    (assessment,) = services.document_assess(
        actor=actor, document=document, assessments=[(area, 1, rating, notes)]
    )
    return assessment
