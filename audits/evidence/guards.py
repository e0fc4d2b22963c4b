"""Exit guards on the evidence: fieldwork ends with evidence on every key area, feedback with findings.

Registered in audits.guards' registry when the app is ready; the library names them in the
fieldwork and feedback phases' exit_guards.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.evidence import selectors, sources
from audits.guards import guard
from audits.models import Audit


def _missing(audit: Audit, present: set[str]) -> list[str]:
    return [key_area.code for key_area in selectors.selected_key_areas(audit) if key_area.code not in present]


@guard("evidence_per_key_area", gettext_lazy("Every selected key area has evidence"))
def evidence_per_key_area(audit: Audit) -> str | None:
    missing = _missing(audit, sources.covered_key_areas(audit))
    if not missing:
        return None
    return _(
        "No evidence yet for %(codes)s; record an interview excerpt, a workshop statement, "
        "a reviewed document or survey results for each."
    ) % {"codes": ", ".join(missing)}


@guard("finding_per_key_area", gettext_lazy("Every selected key area has a finding"))
def finding_per_key_area(audit: Audit) -> str | None:
    missing = _missing(audit, set(selectors.finding_counts_by_key_area(audit)))
    if not missing:
        return None
    return _(
        "No finding yet for %(codes)s; draft at least one good practice or gap for each "
        "on its evidence board."
    ) % {"codes": ", ".join(missing)}
