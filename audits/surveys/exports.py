"""CSV and XLSX exports of a survey: anonymised responses, and (XLSX) the analysis as it is shown."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from audits.disclosure import breakdown_allowed, footnote
from audits.surveys import selectors
from audits.surveys.models import Survey
from config.errors import DomainError


def _require_enough(survey: Survey) -> None:
    k = survey.audit.min_group_size
    if not breakdown_allowed(selectors.response_count(survey), k):
        raise DomainError(_("Responses can be exported once at least %(k)d people have answered.") % {"k": k})


def responses_csv(survey: Survey) -> bytes:
    """One row per response; UTF-8 with a byte-order mark so spreadsheet programs read accents."""
    _require_enough(survey)
    return selectors.anonymised_responses(survey).to_csv(index=False).encode("utf-8-sig")


def responses_xlsx(survey: Survey) -> bytes:
    """The anonymised responses, the figures per key area and question, and the disclosure note."""
    _require_enough(survey)
    frame = selectors.anonymised_responses(survey)
    analysis = selectors.survey_analysis(survey)
    workbook = Workbook(write_only=True)
    responses = workbook.create_sheet(_("responses"))
    responses.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        responses.append([None if value is None or value != value else value for value in row])
    figures = workbook.create_sheet(_("figures"))
    figures.append(
        [_("item"), _("label"), _("answers"), _("mean score"), _("share agreeing"), _("share don't know")]
    )
    for item in [*analysis.key_areas, *analysis.questions]:
        figures.append(
            [
                item.code,
                item.label,
                item.answers.display(),
                item.mean.display(".2f") if item.mean else "",
                item.agree.display(".1%") if item.agree else "",
                item.dont_know.display(".1%") if item.dont_know else "",
            ]
        )
    if analysis.gaps:
        gaps = workbook.create_sheet(_("gaps"))
        # xgettext:no-python-format
        interval = _("95 % interval")
        gaps.append([_("item"), _("women"), _("men"), _("gap"), interval])
        for gap in analysis.gaps:
            interval = f"{gap.low:+.2f} … {gap.high:+.2f}" if gap.low is not None else ""
            gaps.append(
                [
                    gap.code,
                    gap.women.display(".2f"),
                    gap.men.display(".2f"),
                    gap.gap.display("+.2f"),
                    interval,
                ]
            )
    notes = workbook.create_sheet(_("notes"))
    notes.append([footnote(survey.audit.min_group_size)])
    notes.append([_("Open answers are not exported; profile values shared by too few responses are hidden.")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
