"""Every write on staff surveys: instruments, the survey's life, invitations and responses.

Each service is one transaction, checks the actor's permission (respondents need none: their link is
their permission) and raises a DomainError whose message tells the person what to do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from audits import workflow
from audits.models import Audit
from audits.selectors import can_steer
from audits.surveys import links, selectors
from audits.surveys.instruments import (
    choices_problems,
    create_instrument,
    document_problems,
    instrument_document,
    with_content,
)
from audits.surveys.models import (
    DONT_KNOW,
    LIKERT_VALUES,
    PROFILE_FIELDS,
    Draft,
    Instrument,
    Invitation,
    InvitationMode,
    Question,
    QuestionType,
    Response,
    Section,
    Survey,
    SurveyStatus,
)
from config.errors import Conflict, DomainError, Forbidden

MAX_TEXT_ANSWER = 4000
MAX_INVITATIONS = 2000


def require_steering(actor, audit: Audit) -> None:
    if not can_steer(actor, audit):
        raise Forbidden(_("Only the people steering this audit can prepare, open or close its survey."))


def _locked_survey(audit: Audit) -> Survey:
    survey = Survey.objects.select_for_update().filter(audit=audit).first()
    if survey is None:
        raise DomainError(_("This audit has no staff survey yet; prepare one first."))
    return survey


def _editable_survey(actor, audit: Audit) -> Survey:
    require_steering(actor, audit)
    survey = _locked_survey(audit)
    if not survey.editable or survey.instrument_id is None:
        raise Conflict(
            _("The questionnaire is frozen once the survey has opened (it is %(status)s).")
            % {"status": survey.get_status_display().lower()}
        )
    return survey


def _key_area_codes(audit: Audit) -> list[str]:
    return list(audit.methodology.key_areas.values_list("code", flat=True))


# Instruments -------------------------------------------------------------------------------------


def survey_prepare(
    *, actor, audit: Audit, instrument: Instrument, restrict_to_key_areas: bool = True
) -> Survey:
    """Copy a library instrument for the audit (optionally only its key areas' questions)."""
    require_steering(actor, audit)
    if instrument.audit_id is not None or instrument.methodology_id != audit.modality.methodology_id:
        raise DomainError(_("Choose a questionnaire from the audit's methodology library."))
    document = instrument_document(with_content(Instrument.objects.all()).get(pk=instrument.pk))
    if restrict_to_key_areas:
        document = _restricted(document, set(audit.key_areas.values_list("code", flat=True)))
    return _replace_instrument(actor=actor, audit=audit, document=document, origin=instrument)


def survey_import(*, actor, audit: Audit, document: dict) -> Survey:
    """Use an instrument read from a file (XLSForm) for the audit's survey."""
    require_steering(actor, audit)
    problems = document_problems(document, _key_area_codes(audit))
    if problems:
        raise DomainError(_("The questionnaire cannot be used as it is."), details=problems)
    return _replace_instrument(actor=actor, audit=audit, document=document, origin=None)


def _replace_instrument(*, actor, audit: Audit, document: dict, origin: Instrument | None) -> Survey:
    with transaction.atomic():
        Audit.objects.select_for_update(of=("self",)).get(pk=audit.pk)
        survey = Survey.objects.select_for_update().filter(audit=audit).first()
        if survey is not None and survey.status != SurveyStatus.DRAFT:
            raise Conflict(_("The survey has already opened (or was skipped); its questionnaire is fixed."))
        if not document["sections"]:
            raise DomainError(
                _("No question of this questionnaire covers the audit's key areas; choose them first.")
            )
        instrument = create_instrument(document, audit=audit, origin=origin)
        previous = survey.instrument if survey else None
        if survey is None:
            survey = Survey.objects.create(audit=audit, instrument=instrument)
        else:
            survey.instrument = instrument
            survey.save(update_fields=["instrument"])
        if previous is not None:
            previous.delete()
    return survey


def _restricted(document: dict, key_areas: set[str]) -> dict:
    sections = []
    for section in document["sections"]:
        questions = [q for q in section["questions"] if set(q["key_areas"]) & key_areas]
        if questions:
            sections.append({**section, "questions": questions})
    return {**document, "sections": sections}


def instrument_restrict(*, actor, audit: Audit) -> int:
    """Remove the questions on none of the audit's key areas; returns how many were removed."""
    with transaction.atomic():
        survey = _editable_survey(actor, audit)
        chosen = set(audit.key_areas.values_list("code", flat=True))
        questions = list(survey.instrument.questions.all())
        outside = [q.pk for q in questions if not set(q.key_areas) & chosen]
        if len(outside) == len(questions):
            raise DomainError(
                _("Every question lies outside the audit's key areas; choose the key areas first.")
            )
        Question.objects.filter(pk__in=outside).delete()
        survey.instrument.sections.filter(questions__isnull=True).delete()
    return len(outside)


@dataclass(frozen=True)
class QuestionInput:
    section: str
    type: str
    text: dict
    key_areas: list[str]
    choices: list[str]
    required: bool = False
    help: dict | None = None


def _choices_for(kind: str, labels: list[str], language: str, template: Instrument) -> list[dict]:
    """Likert and yes/no questions reuse the instrument's scale; other choices are typed in."""
    if kind in (QuestionType.LIKERT, QuestionType.YES_NO):
        existing = template.questions.filter(type=kind).first()
        if existing is not None:
            return existing.choices
        codes = [*LIKERT_VALUES, DONT_KNOW] if kind == QuestionType.LIKERT else ["yes", "no", DONT_KNOW]
        return [{"code": code, "label": {language: code}} for code in codes]
    if kind == QuestionType.TEXT:
        return []
    codes, choices = set(), []
    for label in labels:
        code = slugify(label).replace("-", "_")[:40] or f"choice_{len(choices) + 1}"
        while code in codes:
            code = f"{code}_{len(choices) + 1}"
        codes.add(code)
        choices.append({"code": code, "label": {language: label}})
    return choices


def _check_question(audit: Audit, where: str, kind: str, text: dict, areas: list[str], choices: list) -> None:
    problems = []
    if kind not in QuestionType.values:
        problems.append(_("Unknown question type."))
    if not any(value.strip() for value in text.values()):
        problems.append(_("Write the question."))
    if not areas:
        problems.append(_("Link the question to at least one key area."))
    unknown = sorted(set(areas) - set(_key_area_codes(audit)))
    if unknown:
        problems.append(_("Unknown key areas: %(codes)s.") % {"codes": ", ".join(unknown)})
    problems += choices_problems(where, kind, choices)
    if problems:
        raise DomainError(_("The question cannot be saved."), details=problems)


def question_add(*, actor, audit: Audit, data: QuestionInput) -> Question:
    with transaction.atomic():
        survey = _editable_survey(actor, audit)
        instrument = survey.instrument
        section = instrument.sections.filter(code=data.section).first()
        if section is None:
            raise DomainError(_("Unknown section %(code)s.") % {"code": data.section})
        choices = _choices_for(data.type, data.choices, audit.language, instrument)
        _check_question(audit, _("New question"), data.type, data.text, data.key_areas, choices)
        taken = set(instrument.questions.values_list("code", flat=True))
        number = len(taken) + 1
        while f"q{number:02d}" in taken:
            number += 1
        return Question.objects.create(
            instrument=instrument,
            section=section,
            code=f"q{number:02d}",
            order=(section.questions.order_by("-order").values_list("order", flat=True).first() or 0) + 1,
            type=data.type,
            text={language: value.strip() for language, value in data.text.items() if value.strip()},
            help=data.help or {},
            key_areas=data.key_areas,
            choices=choices,
            required=data.required,
        )


def question_update(
    *, actor, audit: Audit, code: str, text: dict, key_areas: list[str], required: bool
) -> Question:
    """Reword a question (per language), relink it to key areas or change whether it is required."""
    with transaction.atomic():
        survey = _editable_survey(actor, audit)
        question = survey.instrument.questions.filter(code=code).first()
        if question is None:
            raise DomainError(_("Unknown question %(code)s.") % {"code": code})
        merged = {**question.text, **{lang: value.strip() for lang, value in text.items()}}
        merged = {lang: value for lang, value in merged.items() if value}
        _check_question(audit, question.code, question.type, merged, key_areas, question.choices)
        question.text, question.key_areas, question.required = merged, key_areas, required
        question.save(update_fields=["text", "key_areas", "required"])
    return question


def question_remove(*, actor, audit: Audit, code: str) -> None:
    with transaction.atomic():
        survey = _editable_survey(actor, audit)
        question = survey.instrument.questions.filter(code=code).first()
        if question is None:
            raise DomainError(_("Unknown question %(code)s.") % {"code": code})
        if survey.instrument.questions.count() == 1:
            raise DomainError(_("A questionnaire needs at least one question."))
        section = question.section
        question.delete()
        if not section.questions.exists():
            section.delete()


def section_add(*, actor, audit: Audit, title: str) -> Section:
    with transaction.atomic():
        survey = _editable_survey(actor, audit)
        if not title.strip():
            raise DomainError(_("Give the section a title."))
        instrument = survey.instrument
        taken = set(instrument.sections.values_list("code", flat=True))
        code = slugify(title).replace("-", "_")[:50] or "section"
        base, number = code, 2
        while code in taken:
            code, number = f"{base}_{number}", number + 1
        order = (instrument.sections.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        return Section.objects.create(
            instrument=instrument, code=code, order=order, title={audit.language: title}
        )


# The survey's life -------------------------------------------------------------------------------


def survey_open(*, actor, audit: Audit, closes_on: datetime.date, mode: str) -> Survey:
    """Open the survey until the end of `closes_on`; a shared link is created for the shared mode."""
    if mode not in InvitationMode.values:
        raise DomainError(_("Choose how people are invited."))
    with transaction.atomic():
        require_steering(actor, audit)
        survey = _locked_survey(audit)
        if not workflow.is_open(audit):
            raise DomainError(_("The audit is not running; the survey can open only while it is."))
        closes_at = timezone.make_aware(datetime.datetime.combine(closes_on, datetime.time.max))
        if closes_at <= timezone.now():
            raise DomainError(_("The closing date must be in the future."))
        if survey.instrument_id is None:
            raise DomainError(_("Prepare the questionnaire first."))
        try:
            survey.open(
                closes_at=closes_at,
                mode=mode,
                shared_token=links.new_shared_token() if mode == InvitationMode.SHARED else "",
            )
        except TransitionNotAllowed:
            raise Conflict(
                _("The survey is %(status)s; only a survey being prepared can open.")
                % {"status": survey.get_status_display().lower()}
            ) from None
        survey.save()
    return survey


def survey_close(*, actor, audit: Audit) -> Survey:
    """Close the survey: links stop working, drafts are deleted and invitees' e-mails erased.

    Its key-area scores are then stored in the background, as its answers no longer change.
    """
    with transaction.atomic():
        require_steering(actor, audit)
        survey = _locked_survey(audit)
        try:
            survey.close()
        except TransitionNotAllowed:
            raise Conflict(_("Only an open survey can be closed.")) from None
        survey.save()
        Draft.objects.filter(survey=survey).delete()
        Invitation.objects.filter(survey=survey).update(email="")
        from audits.surveys.tasks import store_key_area_scores

        transaction.on_commit(lambda: store_key_area_scores.enqueue(survey.pk))
    return survey


def survey_skip(*, actor, audit: Audit, reason: str) -> Survey:
    """Record the decision not to run a survey (with its reason), so fieldwork can end without one."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Say why the audit does without a staff survey."))
    with transaction.atomic():
        require_steering(actor, audit)
        Audit.objects.select_for_update(of=("self",)).get(pk=audit.pk)
        survey = Survey.objects.select_for_update().filter(audit=audit).first() or Survey(audit=audit)
        try:
            survey.skip(reason=reason, actor=actor)
        except TransitionNotAllowed:
            raise Conflict(_("Only a survey that has not opened can be skipped; close it instead.")) from None
        survey.save()
    return survey


def survey_set_population(*, actor, audit: Audit, population: dict[str, dict[str, int]]) -> Survey:
    """The people in scope by gender and by staff category, for the representativeness check."""
    with transaction.atomic():
        require_steering(actor, audit)
        survey = _locked_survey(audit)
        cleaned = {}
        for field in ("gender", "staff_category"):
            counts = population.get(field) or {}
            if any(not isinstance(n, int) or n < 0 for n in counts.values()):
                raise DomainError(_("People in scope are counted in whole numbers of 0 or more."))
            cleaned[field] = {group: n for group, n in counts.items() if n}
        survey.population = cleaned
        survey.save(update_fields=["population"])
    return survey


# Invitations -------------------------------------------------------------------------------------


def invitations_add(*, actor, audit: Audit, emails: list[str], base_url: str) -> list[int]:
    """Create single-use links for new addresses and send them (in the background); returns their ids.

    base_url is the site's address (scheme and host) that the e-mailed links start with.
    """
    addresses = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    bad = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise DomainError(_("These are not e-mail addresses:"), details=bad)
    if not addresses:
        raise DomainError(_("Give at least one e-mail address."))
    with transaction.atomic():
        require_steering(actor, audit)
        survey = _locked_survey(audit)
        if not (survey.accepting and survey.mode == InvitationMode.SINGLE_USE):
            raise Conflict(_("Invitations go out while a survey with single-use links is open."))
        known = set(survey.invitations.values_list("email", flat=True))
        if survey.invitations.count() + len(addresses) > MAX_INVITATIONS:
            raise DomainError(_("A survey has at most %(n)d invitations.") % {"n": MAX_INVITATIONS})
        created = []
        for address in addresses:
            if address in known:
                continue
            nonce = links.new_nonce()
            created.append(
                Invitation(
                    survey=survey,
                    email=address,
                    nonce=nonce,
                    token_hash=links.digest(links.invitation_token(nonce)),
                )
            )
        Invitation.objects.bulk_create(created)
        ids = list(
            Invitation.objects.filter(survey=survey, email__in=[i.email for i in created]).values_list(
                "pk", flat=True
            )
        )
        if ids:
            from audits.surveys.tasks import send_invitations

            transaction.on_commit(lambda: send_invitations.enqueue(ids, False, base_url))
    return ids


def reminders_send(*, actor, audit: Audit, base_url: str) -> int:
    """Remind everyone invited who has not answered yet; returns how many are reminded."""
    with transaction.atomic():
        require_steering(actor, audit)
        survey = _locked_survey(audit)
        if not survey.accepting:
            raise Conflict(_("Reminders go out only while the survey is open."))
        ids = list(
            survey.invitations.filter(used_at__isnull=True).exclude(email="").values_list("pk", flat=True)
        )
        if ids:
            from audits.surveys.tasks import send_invitations

            transaction.on_commit(lambda: send_invitations.enqueue(ids, True, base_url))
    return len(ids)


# Respondents -------------------------------------------------------------------------------------


def clean_answers(survey: Survey, answers: dict, profile: dict) -> tuple[dict, dict, list[str]]:
    """Keep valid answers only; return (answers, profile, questions that are required but empty)."""
    questionnaire = selectors.frozen_questionnaire(survey)
    questions = questionnaire.questions
    kept: dict = {}
    for code, value in (answers or {}).items():
        question = questions.get(code)
        if question is None or value in (None, "", []):
            continue
        codes = set(question.choice_codes())
        if question.type == QuestionType.TEXT and isinstance(value, str):
            kept[code] = value.strip()[:MAX_TEXT_ANSWER]
        elif question.type == QuestionType.MULTIPLE and isinstance(value, list):
            chosen = [item for item in dict.fromkeys(value) if item in codes]
            if chosen:
                kept[code] = chosen
        elif isinstance(value, str) and value in codes:
            kept[code] = value
    kept = {code: value for code, value in kept.items() if value not in ("", [])}
    fields = {field["code"]: field for field in questionnaire.instrument.profile_fields}
    kept_profile = {
        name: value
        for name, value in (profile or {}).items()
        if name in fields and name in PROFILE_FIELDS and value in {c["code"] for c in fields[name]["choices"]}
    }
    missing = [q.label for code, q in questions.items() if q.required and code not in kept]
    return kept, kept_profile, missing


def draft_save(*, link: links.RespondentLink, key: str, answers: dict, profile: dict, section: int) -> Draft:
    """Keep what the respondent has typed so far, so the same link (or browser) can resume."""
    if not link.usable or not key:
        raise Conflict(_("This link no longer accepts answers."))
    survey = link.survey
    kept, kept_profile, _missing = clean_answers(survey, answers, profile)
    section = max(0, min(section, 1000))
    with transaction.atomic():
        first = {"answers": kept, "profile": kept_profile, "section": section}
        draft, created = Draft.objects.select_for_update().get_or_create(
            survey=survey, key_hash=key, defaults=first
        )
        if not created:
            draft.answers = {**{c: v for c, v in draft.answers.items() if c not in answers}, **kept}
            draft.profile = {**{c: v for c, v in draft.profile.items() if c not in profile}, **kept_profile}
            draft.section = section
            draft.save(update_fields=["answers", "profile", "section", "updated_at"])
    return draft


def _submission_key(submission_id: str) -> str:
    return links.digest(f"submission:{submission_id.strip()}")


def submission_stored(submission_id: str) -> bool:
    """Whether a response with this form's submission id is already stored (a retried submit)."""
    return (
        bool(submission_id)
        and Response.objects.filter(submission_key=_submission_key(submission_id)).exists()
    )


def _accepting_under_lock(survey_id: int) -> bool:
    """The survey's state, re-read under a shared lock of its row until the submit commits.

    On PostgreSQL the lock is FOR SHARE: submits hold it side by side instead of queueing behind each
    other's commit, while a close (FOR UPDATE, in _locked_survey) waits for the submits in flight, and
    a submit that comes after a close has locked the row waits for it and then reads it closed. On
    SQLite the IMMEDIATE transaction already holds the database's single write lock.
    """
    lock = " FOR SHARE" if connection.vendor == "postgresql" else ""
    table = connection.ops.quote_name(Survey._meta.db_table)
    sql = f"SELECT id, status, closes_at FROM {table} WHERE id = %s{lock}"
    survey = next(iter(Survey.objects.raw(sql, [survey_id])), None)
    return survey is not None and survey.accepting


def response_submit(
    *, link: links.RespondentLink, key: str, submission_id: str, answers: dict, profile: dict
) -> bool:
    """Store the response once: True when stored now, False when this submission was already stored.

    The response gets a random id and no timestamp; the invitation only learns that it was used, and
    the draft is deleted, so nothing joins the response back to the link. A retry is recognised by the
    unique submission key (or, when something now refuses it, by looking for it), so a first submit
    costs no look-up.
    """
    submission_id = (submission_id or "").strip()
    if not 16 <= len(submission_id) <= 100:
        raise DomainError(_("The form was incomplete; reload the page and submit again."))
    try:
        _store_response(link, key, _submission_key(submission_id), answers, profile)
    except (DomainError, IntegrityError):
        if submission_stored(submission_id):  # the link used, the draft gone or the survey closed since
            return False
        raise
    return True


def _store_response(link: links.RespondentLink, key: str, submission_key: str, answers: dict, profile: dict):
    if not link.usable:
        raise Conflict(_("This link no longer accepts answers."))
    survey = link.survey
    kept, kept_profile, missing = clean_answers(survey, answers, profile)
    if missing:
        raise DomainError(_("Please answer the required questions."), details=missing)
    with transaction.atomic():
        if not _accepting_under_lock(survey.pk):
            raise Conflict(_("The survey is closed; it no longer accepts answers."))
        if link.invitation is not None:
            unused = Invitation.objects.filter(pk=link.invitation.pk, used_at__isnull=True)
            if not unused.update(used_at=timezone.now()):
                raise Conflict(_("This link has already been used to answer."))
        Response.objects.create(
            survey=survey,
            submission_key=submission_key,
            answers=kept,
            **{name: kept_profile.get(name, "") for name in PROFILE_FIELDS},
        )
        if key:
            Draft.objects.filter(survey=survey, key_hash=key).delete()
