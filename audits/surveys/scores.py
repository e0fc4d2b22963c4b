"""The key-area scores a closed survey keeps: per key area and gender group, respondents and score sum.

Stored once when the survey closes (tasks.store_key_area_scores) or by `manage.py scoresurveys` after
a mass import, with `analysis.area_scores`, the survey analysis's own definition of a score. Figures
across many surveys (the programme portfolio) then add a few sums per survey instead of rereading
every answer. These are raw sums about people: whatever shows them passes `audits.disclosure`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from audits.surveys import analysis
from audits.surveys.models import KeyAreaScore, Question, QuestionType, Response, Survey, SurveyStatus

# Women and men apart, everyone else together: the grouping of the survey analysis.
GENDER_GROUPS = ("woman", "man", analysis.NOT_STATED)
# The key area (and group) of the row that holds a survey's response count.
RESPONSES = ""
# Surveys scored per transaction: bounds the answers held in memory during a backfill.
BATCH = 50


def final_surveys() -> QuerySet[Survey]:
    """Surveys whose answers can no longer change: closed, or open past their closing time."""
    return Survey.objects.filter(
        Q(status=SurveyStatus.CLOSED) | Q(status=SurveyStatus.OPEN, closes_at__lte=timezone.now()),
        instrument__isnull=False,
    )


def scored() -> Exists:
    """Whether a survey (the outer query's row) has stored scores."""
    return Exists(KeyAreaScore.objects.filter(survey=OuterRef("pk"), key_area=RESPONSES))


def _questions(survey_ids: list[int]) -> dict[int, list[analysis.QuestionMeta]]:
    questions = defaultdict(list)
    for survey_id, code, key_areas, choices in Question.objects.filter(
        instrument__surveys__in=survey_ids, type=QuestionType.LIKERT
    ).values_list("instrument__surveys", "code", "key_areas", "choices"):
        questions[survey_id].append(
            analysis.QuestionMeta(
                code=code,
                type=QuestionType.LIKERT,
                label=code,
                key_areas=tuple(key_areas),
                choices=tuple((choice["code"], "") for choice in choices),
            )
        )
    return questions


def _scores(survey_ids: list[int]) -> list[KeyAreaScore]:
    """These surveys' scores from their answers: two queries, whatever their number."""
    questions = _questions(survey_ids)
    rows = list(
        Response.objects.filter(survey_id__in=survey_ids)
        .annotate(raw=Cast("answers", TextField()))
        .order_by("survey_id")
        .values_list("survey_id", "raw", "gender")
    )
    answers = json.loads(f"[{','.join(row[1] for row in rows)}]")
    survey_of = np.array([row[0] for row in rows], dtype="int64")
    genders = np.array([row[2] for row in rows], dtype=object)
    groups = np.where(np.isin(genders, GENDER_GROUPS[:2]), genders, analysis.NOT_STATED)
    scores = []
    for survey_id in survey_ids:
        start, end = (int(i) for i in np.searchsorted(survey_of, [survey_id, survey_id + 1]))
        scores.append(KeyAreaScore(survey_id=survey_id, key_area=RESPONSES, respondents=end - start))
        if end == start:
            continue
        metas = questions[survey_id]
        areas = sorted({area for meta in metas for area in meta.key_areas})
        group = groups[start:end]
        for area, score in analysis.area_scores(answers[start:end], metas, areas).items():
            has = ~np.isnan(score)
            for g in GENDER_GROUPS:
                members = has & (group == g)
                if members.any():
                    scores.append(
                        KeyAreaScore(
                            survey_id=survey_id,
                            key_area=area,
                            group=g,
                            respondents=int(members.sum()),
                            score_sum=float(score[members].sum()),
                        )
                    )
    return scores


def survey_scores_store(*, survey_ids: Iterable[int]) -> int:
    """Store (or replace) the scores of those of these surveys whose answers are final.

    Returns how many surveys were scored. Each batch is one transaction with its surveys locked, so
    the close task and a backfill scoring the same survey at once do not collide.
    """
    ids = sorted(final_surveys().filter(pk__in=list(survey_ids)).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        scores = _scores(batch)
        with transaction.atomic():
            list(Survey.objects.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk"))
            KeyAreaScore.objects.filter(survey_id__in=batch).delete()
            KeyAreaScore.objects.bulk_create(scores, batch_size=5000)
    return len(ids)
