"""The named guards a certification's transitions check, one per programme requirement.

Each guard reads the programme's requirements and the person's records and returns None when the
requirement is met, or a sentence saying what is missing ("1 of 2 supervised audits as
co-facilitator or trainee facilitator."). Guards read related rows through `.all()`, so a queryset
prefetched by `selectors.certifications_with_records()` evaluates many certifications in constant
queries. Date-dependent guards use `workflow.today_for`, which tests and the sweep can set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from facilitators.workflow import GuardCheck, period_start, renewal_opens_on, today_for

if TYPE_CHECKING:
    from facilitators.models import Certification, PracticeRecord


@dataclass(frozen=True)
class Guard:
    code: str
    label: str
    check: Callable[[Certification], str | None]


GUARDS: dict[str, Guard] = {}


def guard(code: str, label: str) -> Callable:
    def register(check: Callable[[Certification], str | None]) -> Callable:
        GUARDS[code] = Guard(code=code, label=label, check=check)
        return check

    return register


def evaluate(code: str, certification: Certification) -> GuardCheck:
    registered = GUARDS[code]
    failure = registered.check(certification)
    return GuardCheck(code=code, label=str(registered.label), passed=failure is None, message=failure or "")


# Helpers over prefetched records ------------------------------------------------------------------


def _names(items) -> str:
    return ", ".join(str(item) for item in items)


def _role_names(codes: list[str]) -> str:
    from facilitators.models import PracticeRole

    labels = dict(PracticeRole.choices)
    return _(" or ").join(str(labels.get(code, code)).lower() for code in codes)


def required_documents(certification: Certification) -> list:
    return [
        requirement
        for requirement in certification.programme.portfolio_requirements.all()
        if requirement.applies_to(certification.applicant_type)
    ]


def documents_by_requirement(certification: Certification) -> dict:
    return {document.requirement_id: document for document in certification.portfolio_documents.all()}


def results_by_component(certification: Certification) -> dict:
    return {result.component_id: result for result in certification.training_results.all()}


def practice_records(certification: Certification) -> list[PracticeRecord]:
    return list(certification.facilitator.user.practice_records.all())


def counting_practice(certification: Certification) -> list[PracticeRecord]:
    """Supervised audits in a role the programme counts toward certification."""
    roles = certification.programme.practice_roles
    return [
        record
        for record in practice_records(certification)
        if record.role in roles and record.supervisor_id is not None
    ]


def evaluation_of(record: PracticeRecord):
    return getattr(record, "evaluation", None)


def current_decision(certification: Certification):
    """The committee's decision on the current review round, if it has decided."""
    return next(
        (
            decision
            for decision in certification.decisions.all()
            if decision.review_round == certification.review_round
        ),
        None,
    )


# Guards -----------------------------------------------------------------------------------------


@guard("portfolio_complete", gettext_lazy("Every portfolio document is submitted"))
def portfolio_complete(certification: Certification) -> str | None:
    required = required_documents(certification)
    submitted = documents_by_requirement(certification)
    missing = [requirement for requirement in required if requirement.pk not in submitted]
    if not missing:
        return None
    return ngettext(
        "%(done)d of %(total)d portfolio document submitted; missing: %(missing)s.",
        "%(done)d of %(total)d portfolio documents submitted; missing: %(missing)s.",
        len(required),
    ) % {"done": len(required) - len(missing), "total": len(required), "missing": _names(missing)}


@guard("portfolio_accepted", gettext_lazy("Staff accepted every document submitted"))
def portfolio_accepted(certification: Certification) -> str | None:
    from facilitators.models import DocumentStatus

    submitted = documents_by_requirement(certification)
    problems = []
    for requirement in required_documents(certification):
        document = submitted.get(requirement.pk)
        if document is None or document.status == DocumentStatus.ACCEPTED:
            continue
        if document.status == DocumentStatus.SUBMITTED:
            problems.append(_("%(document)s awaits review") % {"document": requirement})
        else:
            problems.append(
                _("%(document)s was rejected (%(reason)s); submit it again")
                % {"document": requirement, "reason": document.review_comment}
            )
    return "; ".join(problems) + "." if problems else None


def _training_problems(certification: Certification, kind: str) -> str | None:
    results = results_by_component(certification)
    problems = []
    for component in certification.programme.training_components.all():
        if component.kind != kind:
            continue
        result = results.get(component.pk)
        if result is None:
            problems.append(_("%(component)s: no result recorded yet") % {"component": component})
            continue
        hours = result.hours_attended or 0
        if component.hours and hours < component.hours:
            problems.append(
                _("%(component)s: %(hours)s of %(required)d hours attended")
                % {"component": component, "hours": f"{float(hours):g}", "required": component.hours}
            )
        if component.pass_mark is not None and (result.score is None or result.score < component.pass_mark):
            problems.append(
                _("%(component)s: score %(score)s, pass mark %(mark)d")
                % {
                    "component": component,
                    "score": "—" if result.score is None else result.score,
                    "mark": component.pass_mark,
                }
            )
    return "; ".join(problems) + "." if problems else None


@guard("preliminary_work_done", gettext_lazy("The online preliminary work is done"))
def preliminary_work_done(certification: Certification) -> str | None:
    return _training_problems(certification, "preliminary")


@guard("course_attended", gettext_lazy("The training course is attended"))
def course_attended(certification: Certification) -> str | None:
    return _training_problems(certification, "course")


@guard("assignments_passed", gettext_lazy("The assignments are passed"))
def assignments_passed(certification: Certification) -> str | None:
    return _training_problems(certification, "assignment")


@guard("exam_passed", gettext_lazy("The final exam is passed"))
def exam_passed(certification: Certification) -> str | None:
    return _training_problems(certification, "exam")


@guard("practice_audits_done", gettext_lazy("The supervised practice audits are done"))
def practice_audits_done(certification: Certification) -> str | None:
    programme = certification.programme
    done = len(counting_practice(certification))
    if done >= programme.practice_audits_required:
        return None
    return ngettext(
        "%(done)d of %(required)d supervised audit as %(roles)s.",
        "%(done)d of %(required)d supervised audits as %(roles)s.",
        programme.practice_audits_required,
    ) % {
        "done": done,
        "required": programme.practice_audits_required,
        "roles": _role_names(programme.practice_roles),
    }


@guard("practice_evaluated", gettext_lazy("The supervisors evaluated the practice as satisfactory"))
def practice_evaluated(certification: Certification) -> str | None:
    programme = certification.programme
    if not programme.evaluation_required:
        return None
    records = counting_practice(certification)
    satisfactory = sum(
        1 for record in records if (ev := evaluation_of(record)) is not None and ev.satisfactory
    )
    if satisfactory >= programme.practice_audits_required:
        return None
    problems = []
    for record in records:
        evaluation = evaluation_of(record)
        if evaluation is None:
            problems.append(_pending_evaluation(record))
        elif not evaluation.satisfactory:
            below = [
                score.competence
                for score in evaluation.scores.all()
                if score.score < programme.rubric_satisfactory
            ]
            problems.append(
                _("%(supervisor)s rated “%(audit)s” below satisfactory on %(competences)s")
                % {
                    "supervisor": record.supervisor,
                    "audit": record.audit_title,
                    "competences": _names(below),
                }
            )
    summary = ngettext(
        "%(done)d of %(required)d satisfactory evaluation",
        "%(done)d of %(required)d satisfactory evaluations",
        programme.practice_audits_required,
    ) % {"done": satisfactory, "required": programme.practice_audits_required}
    return f"{summary}; {'; '.join(problems)}." if problems else f"{summary}."


def _pending_evaluation(record: PracticeRecord) -> str:
    from facilitators.models import PracticeSource

    if record.source == PracticeSource.AUDIT:
        return _("evaluation of “%(audit)s” pending from the lead facilitator, %(supervisor)s") % {
            "audit": record.audit_title,
            "supervisor": record.supervisor,
        }
    return _("evaluation of “%(audit)s” pending from the supervisor, %(supervisor)s") % {
        "audit": record.audit_title,
        "supervisor": record.supervisor,
    }


@guard("committee_certified", gettext_lazy("The certification committee decided to certify"))
def committee_decision_is_certify(certification: Certification) -> str | None:
    decision = current_decision(certification)
    if decision is None:
        return _("The certification committee has not decided on this review yet.")
    if decision.decision == "certify":
        return None
    return _("On %(date)s the committee decided: %(decision)s.") % {
        "date": decision.decided_on.isoformat(),
        "decision": decision.get_decision_display().lower(),
    }


@guard("committee_asked_for_more_practice", gettext_lazy("The committee asked for more practice"))
def committee_decision_is_more_practice(certification: Certification) -> str | None:
    decision = current_decision(certification)
    if decision is not None and decision.decision == "more_practice":
        return None
    return _("The certification committee has not asked for more practice.")


@guard("expiry_warning_due", gettext_lazy("The expiry date is near"))
def expiry_is_near(certification: Certification) -> str | None:
    opens = renewal_opens_on(certification)
    if opens is not None and today_for(certification) >= opens:
        return None
    return _("The certification expires on %(date)s, more than %(days)d days away.") % {
        "date": certification.expires_on.isoformat() if certification.expires_on else "—",
        "days": certification.programme.expiry_warning_days,
    }


@guard("expiry_date_passed", gettext_lazy("The expiry date has passed"))
def expiry_has_passed(certification: Certification) -> str | None:
    if certification.expires_on and today_for(certification) >= certification.expires_on:
        return None
    return _("The certification is valid until its expiry on %(date)s.") % {
        "date": certification.expires_on.isoformat() if certification.expires_on else "—"
    }


@guard("renewal_window_open", gettext_lazy("Renewal is open"))
def renewal_window_open(certification: Certification) -> str | None:
    opens = renewal_opens_on(certification)
    if opens is not None and today_for(certification) >= opens:
        return None
    return _("Renewal opens on %(opens)s, %(days)d days before the expiry on %(expires)s.") % {
        "opens": opens.isoformat() if opens else "—",
        "days": certification.programme.expiry_warning_days,
        "expires": certification.expires_on.isoformat() if certification.expires_on else "—",
    }


@guard("renewal_practice_done", gettext_lazy("Practice within the validity period"))
def renewal_practice_done(certification: Certification) -> str | None:
    programme = certification.programme
    start = period_start(certification)
    done = sum(
        1
        for record in practice_records(certification)
        if record.role in programme.renewal_practice_roles
        and start is not None
        and record.practised_on >= start
    )
    if done >= programme.renewal_practice_audits_required:
        return None
    return ngettext(
        "%(done)d of %(required)d audit as %(roles)s since %(start)s.",
        "%(done)d of %(required)d audits as %(roles)s since %(start)s.",
        programme.renewal_practice_audits_required,
    ) % {
        "done": done,
        "required": programme.renewal_practice_audits_required,
        "roles": _role_names(programme.renewal_practice_roles),
        "start": start.isoformat() if start else "—",
    }


@guard("renewal_contributions_done", gettext_lazy("Contributions to the community of practice"))
def renewal_contributions_done(certification: Certification) -> str | None:
    programme = certification.programme
    start = period_start(certification)
    done = sum(
        1
        for contribution in certification.facilitator.contributions.all()
        if start is not None and contribution.contributed_on >= start
    )
    if done >= programme.renewal_contributions_required:
        return None
    return ngettext(
        "%(done)d of %(required)d contribution to the community of practice since %(start)s.",
        "%(done)d of %(required)d contributions to the community of practice since %(start)s.",
        programme.renewal_contributions_required,
    ) % {
        "done": done,
        "required": programme.renewal_contributions_required,
        "start": start.isoformat() if start else "—",
    }
