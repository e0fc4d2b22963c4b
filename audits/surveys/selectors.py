"""Reads for staff surveys: who may see what, and the analyses (responses read in one query)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from audits.disclosure import breakdown_allowed, is_small, marker
from audits.models import FACILITATION_ROLES, Audit, MethodologyVersion
from audits.selectors import audit_get, can_steer, user_roles
from audits.surveys import analysis
from audits.surveys.instruments import instrument_document, ordered_questions, with_content
from audits.surveys.models import (
    PROFILE_FIELDS,
    Instrument,
    Invitation,
    Question,
    QuestionType,
    Response,
    Survey,
    SurveyStatus,
)
from config.errors import Forbidden
from config.i18n import translated


def survey_of(audit: Audit) -> Survey | None:
    return Survey.objects.select_related("instrument").filter(audit=audit).first()


def can_read_analysis(user, audit: Audit) -> bool:
    """The facilitation team (and staff administrators) read the analysis."""
    return user.is_staff or bool(user_roles(user, audit) & set(FACILITATION_ROLES))


def can_read_open_answers(user, audit: Audit) -> bool:
    """Open answers are for the facilitation team only: not coordinators, not administrators."""
    return bool(user_roles(user, audit) & set(FACILITATION_ROLES))


def require_analysis(user, audit: Audit) -> None:
    if not can_read_analysis(user, audit):
        raise Forbidden(_("Only the facilitation team can read the survey's analysis."))


def require_open_answers(user, audit: Audit) -> None:
    if not can_read_open_answers(user, audit):
        raise Forbidden(_("Open answers are visible to the facilitation team only."))


@dataclass(frozen=True)
class SurveyAccess:
    audit: Audit
    survey: Survey | None
    can_steer: bool
    can_read_analysis: bool
    can_read_open_answers: bool


def survey_access(user, audit_id) -> SurveyAccess:
    """The audit (404 if the user may not see it), its survey and what the user may do with it."""
    audit = audit_get(user, audit_id)
    return SurveyAccess(
        audit=audit,
        survey=survey_of(audit),
        can_steer=can_steer(user, audit),
        can_read_analysis=can_read_analysis(user, audit),
        can_read_open_answers=can_read_open_answers(user, audit),
    )


def library_instruments(methodology: MethodologyVersion) -> QuerySet[Instrument]:
    return Instrument.objects.filter(methodology=methodology, audit__isnull=True).order_by("code")


def library_instruments_any() -> QuerySet[Instrument]:
    """Every library questionnaire, of any methodology version."""
    return Instrument.objects.filter(audit__isnull=True)


def instrument_with_content(instrument_id: int) -> Instrument:
    return with_content(Instrument.objects.all()).get(pk=instrument_id)


@dataclass(frozen=True)
class Questionnaire:
    """A survey's questionnaire as respondents meet it; shared between requests, so never mutated."""

    instrument: Instrument  # its sections and their questions are prefetched, in order
    questions: dict[str, Question]  # by code, in page order
    document: dict  # instrument_document(): every language, for the respondent API

    @classmethod
    def read(cls, instrument_id: int) -> Questionnaire:
        instrument = instrument_with_content(instrument_id)
        questions = {question.code: question for question in ordered_questions(instrument)}
        return cls(instrument=instrument, questions=questions, document=instrument_document(instrument))

    @functools.cached_property
    def document_json(self) -> bytes:
        """The document as compact UTF-8 JSON, encoded once per copy: the respondent API serves it
        as it is instead of encoding 10 kB on every request."""
        return json.dumps(self.document, ensure_ascii=False, separators=(",", ":")).encode()


@functools.lru_cache(maxsize=64)
def _frozen(instrument_id: int, opened_at) -> Questionnaire:
    return Questionnaire.read(instrument_id)


def frozen_questionnaire(survey: Survey) -> Questionnaire:
    """The questionnaire, read once per process and opening of the survey (three queries saved on
    every respondent request).

    Once a survey has opened its questionnaire cannot change (services._editable_survey and
    _replace_instrument refuse, the admin is read-only), so the instrument and the opening time key
    the copy; a survey not opened yet is read afresh each time.
    """
    if survey.opened_at is None or survey.status == SurveyStatus.DRAFT:
        return Questionnaire.read(survey.instrument_id)
    return _frozen(survey.instrument_id, survey.opened_at)


def choices_of(field: dict | None) -> list[tuple[str, str]]:
    return [(choice["code"], translated(choice["label"])) for choice in (field or {}).get("choices", [])]


def question_metas(questions: list[Question]) -> list[analysis.QuestionMeta]:
    return [
        analysis.QuestionMeta(
            code=q.code,
            type=q.type,
            label=q.label,
            key_areas=tuple(q.key_areas),
            choices=tuple((c["code"], translated(c["label"])) for c in q.choices),
        )
        for q in questions
    ]


def _key_areas(audit: Audit, questions: list[Question]) -> list[tuple[str, str]]:
    """The key areas the instrument's questions cover, in the methodology's order."""
    used = {code for q in questions for code in q.key_areas}
    areas = audit.methodology.key_areas.filter(code__in=used).order_by("order")
    return [(area.code, area.name) for area in areas]


def _profiles(rows: list[tuple]) -> pd.DataFrame:
    return (
        pd.DataFrame.from_records(rows, columns=list(PROFILE_FIELDS))
        if rows
        else pd.DataFrame(columns=list(PROFILE_FIELDS), dtype=object)
    )


def responses_of(survey: Survey, *, ordered: bool = False) -> tuple[list[dict], pd.DataFrame]:
    """Every response's answers and profile, in one query; the answers are decoded in one go.

    `ordered` sorts by the random response id (never by arrival, which is not stored anyway).
    """
    responses = Response.objects.filter(survey=survey).annotate(raw=Cast("answers", TextField()))
    rows = list((responses.order_by("id") if ordered else responses).values_list("raw", *PROFILE_FIELDS))
    answers = json.loads(f"[{','.join(row[0] for row in rows)}]")
    return answers, _profiles([row[1:] for row in rows])


def survey_analysis(survey: Survey) -> analysis.SurveyAnalysis:
    """Every figure of the analysis, through the disclosure rule; a fixed number of queries."""
    instrument = instrument_with_content(survey.instrument_id)
    questions = ordered_questions(instrument)
    answers, profiles = responses_of(survey)
    return analysis.analyse(
        answers,
        profiles,
        question_metas(questions),
        _key_areas(survey.audit, questions),
        k=survey.audit.min_group_size,
        gender_choices=choices_of(instrument.profile_field("gender")),
        category_choices=choices_of(instrument.profile_field("staff_category")),
        not_stated_label=_("Not stated"),
        other_gender_label=_("Another identity, or not stated"),
    )


def survey_participation(survey: Survey) -> analysis.Participation:
    """Responses so far against people in scope, by gender and category (nothing under k)."""
    rows = list(Response.objects.filter(survey=survey).values_list(*PROFILE_FIELDS))
    instrument = survey.instrument
    return analysis.participation(
        _profiles(rows),
        k=survey.audit.min_group_size,
        people_in_scope=survey.audit.people_in_scope,
        population=survey.population or {},
        gender_choices=choices_of(instrument.profile_field("gender") if instrument else None),
        category_choices=choices_of(instrument.profile_field("staff_category") if instrument else None),
        not_stated_label=_("Not stated"),
        other_gender_label=_("Another identity, or not stated"),
    )


def response_count(survey: Survey) -> int:
    """The raw count, for decisions only (never shown without the disclosure rule)."""
    return Response.objects.filter(survey=survey).count()


def respondents_shown(survey: Survey) -> int | None:
    """The number of responses if it may be shown (k or more), else None (one query, on the first
    page every respondent opens)."""
    count, k = (
        Survey.objects.filter(pk=survey.pk)
        .annotate(count=Count("responses"))
        .values_list("count", "audit__min_group_size")
        .get()
    )
    return count if breakdown_allowed(count, k) else None


@dataclass(frozen=True)
class InvitationSummary:
    invited: int
    reminded: int


def invitation_summary(survey: Survey) -> InvitationSummary:
    invitations = Invitation.objects.filter(survey=survey)
    return InvitationSummary(
        invited=invitations.count(), reminded=invitations.filter(reminders__gt=0).count()
    )


@dataclass(frozen=True)
class OpenAnswers:
    question: Question
    answers: list[str]


def open_answers(survey: Survey) -> list[OpenAnswers]:
    """Open answers per question, in random-id order (not the order they came in)."""
    instrument = instrument_with_content(survey.instrument_id)
    questions = [q for q in ordered_questions(instrument) if q.type == QuestionType.TEXT]
    answers = list(Response.objects.filter(survey=survey).order_by("id").values_list("answers", flat=True))
    return [
        OpenAnswers(
            q, [a[q.code].strip() for a in answers if isinstance(a.get(q.code), str) and a[q.code].strip()]
        )
        for q in questions
    ]


def anonymised_responses(survey: Survey) -> pd.DataFrame:
    """One row per response for export: closed answers, and profile values only where k-anonymous.

    Open answers are left out (they are for the facilitation team's eyes, not for files). Profile
    values are blanked (shown as the disclosure marker) field by field, least telling first, until
    every combination of the profile values left in the file is shared by at least k responses; rows
    are in random-id order.
    """
    k = survey.audit.min_group_size
    instrument = instrument_with_content(survey.instrument_id)
    questions = [q for q in ordered_questions(instrument) if q.type != QuestionType.TEXT]
    fields = [field["code"] for field in instrument.profile_fields]
    answers, profiles = responses_of(survey, ordered=True)
    profile = k_anonymous(profiles[fields], k, marker(k))
    codes = [q.code for q in questions]
    values = pd.DataFrame(
        [list(map(answer.get, codes)) for answer in answers], columns=codes, index=profile.index
    )
    for q in questions:
        if q.type == QuestionType.MULTIPLE:
            values[q.code] = values[q.code].map(lambda chosen: ";".join(chosen) if chosen else None)
    return pd.concat([profile, values], axis=1)


def k_anonymous(profile: pd.DataFrame, k: int, hidden: str) -> pd.DataFrame:
    """Hide values (last column first) in rows whose combination of values fewer than k rows share."""
    profile = profile.astype(object).where(profile.notna(), "")
    for column in reversed(list(profile.columns)):
        sizes = profile.groupby(list(profile.columns), sort=False)[column].transform("size")
        small = pd.Series([is_small(n, k) for n in sizes.tolist()], index=profile.index)
        if not small.any():
            break
        profile.loc[small & (profile[column] != ""), column] = hidden
    return profile
