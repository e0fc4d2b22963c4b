"""Web pages: facilitators build, run and read the survey; respondents answer through their link."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.disclosure import footnote
from audits.surveys import charts, export_jobs, exports, links, selectors, services
from audits.surveys.api import SURVEY_LINKS, export_file_response, import_document, xlsx_response
from audits.surveys.forms import (
    ImportForm,
    InvitationsForm,
    OpenForm,
    PopulationForm,
    PrepareForm,
    QuestionForm,
    SectionForm,
    SkipForm,
)
from audits.surveys.instruments import instrument_document, ordered_questions
from audits.surveys.models import ExportStatus, InvitationMode, QuestionType, SurveyExport, SurveyStatus
from audits.surveys.xlsform import export_xlsform
from config.errors import DomainError
from config.i18n import translated
from config.pages import show_refusal


def _home(audit_pk: int):
    return redirect("surveys:home", audit_pk=audit_pk)


def _steering(request, audit_pk) -> selectors.SurveyAccess:
    access = selectors.survey_access(request.user, audit_pk)
    if not access.can_steer:
        raise PermissionDenied(_("Only the people steering this audit can change its survey."))
    return access


def shared_link(request, survey) -> str:
    """The shared link, in the audit's language."""
    with translation.override(survey.audit.language):
        return request.build_absolute_uri(reverse("surveys:respond", args=[survey.shared_token]))


# Facilitators ------------------------------------------------------------------------------------


@login_required
def home(request, audit_pk):
    access = selectors.survey_access(request.user, audit_pk)
    survey, audit = access.survey, access.audit
    context = {"access": access, "audit": audit, "survey": survey, "footnote": footnote(audit.min_group_size)}
    if survey is None or survey.status == SurveyStatus.DRAFT:
        methodology = audit.methodology
        context["prepare_form"] = PrepareForm(instruments=selectors.library_instruments(methodology))
        context["import_form"] = ImportForm()
        context["skip_form"] = SkipForm()
    if survey is not None and survey.status == SurveyStatus.DRAFT and survey.instrument_id:
        context["open_form"] = OpenForm(initial={"mode": InvitationMode.SINGLE_USE})
    if survey is not None and survey.instrument_id and survey.status != SurveyStatus.DRAFT:
        participation = selectors.survey_participation(survey)
        context["participation"] = participation
        if participation.shown and any(
            r.in_scope for r in participation.representativeness.get("gender", [])
        ):
            context["gender_chart"] = charts.representativeness_chart(
                participation.representativeness["gender"], _("Respondents and people in scope by gender")
            )
        context["invitations"] = selectors.invitation_summary(survey)
        if survey.accepting and survey.mode == InvitationMode.SHARED:
            context["shared_link"] = shared_link(request, survey)
    return render(request, "surveys/home.html", context)


@login_required
@require_POST
def prepare(request, audit_pk):
    access = _steering(request, audit_pk)
    form = PrepareForm(request.POST, instruments=selectors.library_instruments(access.audit.methodology))
    if form.is_valid():
        instrument = selectors.library_instruments_any().get(pk=form.cleaned_data["instrument"])
        try:
            services.survey_prepare(
                actor=request.user,
                audit=access.audit,
                instrument=instrument,
                restrict_to_key_areas=form.cleaned_data["restrict_to_key_areas"],
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(
                request, _("The questionnaire is copied for this audit; adapt it before opening.")
            )
            return redirect("surveys:instrument", audit_pk=audit_pk)
    return _home(audit_pk)


@login_required
@require_POST
def import_xlsform(request, audit_pk):
    access = _steering(request, audit_pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an XLSForm file."))
        return _home(audit_pk)
    try:
        document = import_document(request.user, access, form.cleaned_data["file"])
        services.survey_import(actor=request.user, audit=access.audit, document=document)
    except DomainError as error:
        return render(
            request,
            "surveys/import_errors.html",
            {"audit": access.audit, "error": error},
            status=400,
        )
    messages.success(request, _("The XLSForm is now the audit's questionnaire."))
    return redirect("surveys:instrument", audit_pk=audit_pk)


@login_required
def instrument(request, audit_pk):
    access = selectors.survey_access(request.user, audit_pk)
    survey = access.survey
    if survey is None or survey.instrument_id is None:
        return _home(audit_pk)
    content = selectors.instrument_with_content(survey.instrument_id)
    editable = access.can_steer and survey.editable
    audit_areas = set(access.audit.key_areas.values_list("code", flat=True))
    key_areas = list(access.audit.methodology.key_areas.order_by("order"))
    context = {
        "access": access,
        "audit": access.audit,
        "survey": survey,
        "instrument": content,
        "editable": editable,
        "audit_areas": audit_areas,
        "outside": sum(1 for q in ordered_questions(content) if not set(q.key_areas) & audit_areas),
        "area_names": {area.code: area.name for area in key_areas},
    }
    if editable:
        context["question_form"] = QuestionForm(
            sections=content.sections.all(), key_areas=key_areas, initial={"type": QuestionType.LIKERT}
        )
        context["section_form"] = SectionForm()
    return render(request, "surveys/instrument.html", context)


@login_required
def question_new(request, audit_pk):
    access = _steering(request, audit_pk)
    survey = access.survey
    if survey is None or survey.instrument_id is None:
        raise Http404
    key_areas = list(access.audit.methodology.key_areas.order_by("order"))
    form = QuestionForm(request.POST or None, sections=survey.instrument.sections.all(), key_areas=key_areas)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_add(
                actor=request.user,
                audit=access.audit,
                data=services.QuestionInput(
                    section=form.cleaned_data["section"],
                    type=form.cleaned_data["type"],
                    text=form.texts(),
                    key_areas=form.cleaned_data["key_areas"],
                    choices=form.choice_labels(),
                    required=form.cleaned_data["required"],
                ),
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Question %(code)s is added.") % {"code": question.code})
            return redirect("surveys:instrument", audit_pk=audit_pk)
    return render(
        request,
        "surveys/question_form.html",
        {"audit": access.audit, "form": form, "title": _("Add a question")},
    )


@login_required
def question_edit(request, audit_pk, code):
    access = _steering(request, audit_pk)
    survey = access.survey
    question = (
        survey.instrument.questions.filter(code=code).first() if survey and survey.instrument_id else None
    )
    if question is None:
        raise Http404
    key_areas = list(access.audit.methodology.key_areas.order_by("order"))
    initial = {f"text_{lang}": text for lang, text in question.text.items()}
    initial |= {"key_areas": question.key_areas, "required": question.required}
    form = QuestionForm(request.POST or None, sections=[], key_areas=key_areas, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(
                actor=request.user,
                audit=access.audit,
                code=code,
                text=form.texts(),
                key_areas=form.cleaned_data["key_areas"],
                required=form.cleaned_data["required"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Question %(code)s is saved.") % {"code": code})
            return redirect("surveys:instrument", audit_pk=audit_pk)
    return render(
        request,
        "surveys/question_form.html",
        {"audit": access.audit, "form": form, "title": _("Edit question %(code)s") % {"code": code}},
    )


@login_required
@require_POST
def question_remove(request, audit_pk, code):
    access = _steering(request, audit_pk)
    try:
        services.question_remove(actor=request.user, audit=access.audit, code=code)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Question %(code)s is removed.") % {"code": code})
    return redirect("surveys:instrument", audit_pk=audit_pk)


@login_required
@require_POST
def section_new(request, audit_pk):
    access = _steering(request, audit_pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_add(actor=request.user, audit=access.audit, title=form.cleaned_data["title"])
        except DomainError as error:
            show_refusal(request, error)
    return redirect("surveys:instrument", audit_pk=audit_pk)


@login_required
@require_POST
def restrict(request, audit_pk):
    access = _steering(request, audit_pk)
    try:
        removed = services.instrument_restrict(actor=request.user, audit=access.audit)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("%(n)d questions outside the audit's key areas are removed.") % {"n": removed}
        )
    return redirect("surveys:instrument", audit_pk=audit_pk)


@login_required
def xlsform(request, audit_pk):
    access = selectors.survey_access(request.user, audit_pk)
    if access.survey is None or access.survey.instrument_id is None:
        raise Http404
    document = instrument_document(selectors.instrument_with_content(access.survey.instrument_id))
    return xlsx_response(export_xlsform(document), f"questionnaire-{audit_pk}.xlsx")


@login_required
@require_POST
def open_survey(request, audit_pk):
    access = _steering(request, audit_pk)
    form = OpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a closing date and choose how people are invited."))
        return _home(audit_pk)
    try:
        services.survey_open(actor=request.user, audit=access.audit, **form.cleaned_data)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The survey is open."))
    return _home(audit_pk)


@login_required
@require_POST
def close_survey(request, audit_pk):
    access = _steering(request, audit_pk)
    try:
        services.survey_close(actor=request.user, audit=access.audit)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The survey is closed."))
    return _home(audit_pk)


@login_required
@require_POST
def skip_survey(request, audit_pk):
    access = _steering(request, audit_pk)
    form = SkipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the audit does without a staff survey."))
        return _home(audit_pk)
    try:
        services.survey_skip(actor=request.user, audit=access.audit, reason=form.cleaned_data["reason"])
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The audit does without a staff survey; the reason is recorded."))
    return _home(audit_pk)


@login_required
def population(request, audit_pk):
    access = _steering(request, audit_pk)
    survey = access.survey
    if survey is None or survey.instrument is None:
        return _home(audit_pk)
    instrument = survey.instrument
    form = PopulationForm(
        request.POST or None,
        genders=selectors.choices_of(instrument.profile_field("gender")),
        categories=selectors.choices_of(instrument.profile_field("staff_category")),
        initial_population=survey.population or {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_set_population(
                actor=request.user, audit=access.audit, population=form.population()
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The people in scope by group are saved."))
            return _home(audit_pk)
    return render(request, "surveys/population.html", {"audit": access.audit, "form": form})


@login_required
def invitations(request, audit_pk):
    access = _steering(request, audit_pk)
    survey = access.survey
    if survey is None:
        return _home(audit_pk)
    form = InvitationsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ids = services.invitations_add(
                actor=request.user,
                audit=access.audit,
                emails=form.cleaned_data["emails"],
                base_url=request.build_absolute_uri("/"),
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("%(n)d invitations are being sent.") % {"n": len(ids)})
            return redirect("surveys:invitations", audit_pk=audit_pk)
    return render(
        request,
        "surveys/invitations.html",
        {
            "audit": access.audit,
            "survey": survey,
            "form": form,
            "summary": selectors.invitation_summary(survey),
        },
    )


@login_required
@require_POST
def remind(request, audit_pk):
    access = _steering(request, audit_pk)
    try:
        count = services.reminders_send(
            actor=request.user, audit=access.audit, base_url=request.build_absolute_uri("/")
        )
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("%(n)d reminders are being sent.") % {"n": count})
    return redirect("surveys:invitations", audit_pk=audit_pk)


@login_required
def analysis(request, audit_pk):
    access = selectors.survey_access(request.user, audit_pk)
    if not access.can_read_analysis:
        raise PermissionDenied(_("Only the facilitation team can read the survey's analysis."))
    survey = access.survey
    if survey is None or survey.instrument_id is None:
        return _home(audit_pk)
    result = selectors.survey_analysis(survey)
    context = {
        "access": access,
        "audit": access.audit,
        "survey": survey,
        "result": result,
        "footnote": footnote(result.k),
        "likert_chart": charts.likert_chart(result.questions, _("Answers to the Likert questions")),
        "open_answers": selectors.open_answers(survey) if access.can_read_open_answers else None,
        "export": export_view(exports.latest_export(survey), check_data=True),
    }
    if result.breakdowns_allowed:
        area_gaps = [gap for gap in result.gaps if gap.kind == "key_area"]
        context["gap_chart"] = charts.gap_chart(area_gaps, _("Women's and men's mean score per key area"))
        context["area_codes"] = [item.code for item in result.key_areas]
        context["question_codes"] = [
            item.code for item in result.questions if item.type in ("likert", "yes_no")
        ]
        context["labels"] = {item.code: item.label for item in [*result.key_areas, *result.questions]}
    return render(request, "surveys/analysis.html", context)


def _analysing(request, audit_pk) -> selectors.SurveyAccess:
    access = selectors.survey_access(request.user, audit_pk)
    if not access.can_read_analysis:
        raise PermissionDenied(_("Only the facilitation team can export the survey."))
    if access.survey is None:
        raise Http404
    return access


@login_required
def export(request, audit_pk, kind):
    """The CSV, made at once; the XLSX kind leads to the analysis page, where it is prepared."""
    access = _analysing(request, audit_pk)
    if kind not in ("csv", "xlsx"):
        raise Http404
    if kind == "xlsx":
        messages.info(request, _("The XLSX file is prepared in the background: press “Prepare XLSX”."))
        return redirect(reverse("surveys:analysis", args=[audit_pk]) + "#export")
    try:
        response = HttpResponse(exports.responses_csv(access.survey), content_type="text/csv; charset=utf-8")
    except DomainError as error:
        show_refusal(request, error)
        return redirect("surveys:analysis", audit_pk=audit_pk)
    response["Content-Disposition"] = f'attachment; filename="survey-{audit_pk}.csv"'
    return response


@login_required
@require_POST
def export_request(request, audit_pk):
    access = _analysing(request, audit_pk)
    try:
        export = export_jobs.export_request(
            actor=request.user, audit=access.audit, language=translation.get_language()
        )
    except DomainError as error:
        show_refusal(request, error)
        return redirect("surveys:analysis", audit_pk=audit_pk)
    return redirect("surveys:export-job", audit_pk=audit_pk, export_pk=export.pk)


@login_required
def export_job(request, audit_pk, export_pk):
    """The export's progress; the page reloads itself (meta refresh) until the file is ready or failed."""
    access = _analysing(request, audit_pk)
    export = exports.export_get(access.survey, export_pk)
    context = {"audit": access.audit, "survey": access.survey, "export": export_view(export)}
    return render(request, "surveys/export.html", context)


@login_required
@require_POST
def export_retry(request, audit_pk, export_pk):
    access = _analysing(request, audit_pk)
    export = exports.export_get(access.survey, export_pk)
    try:
        export_jobs.export_retry(actor=request.user, export=export)
    except DomainError as error:
        show_refusal(request, error)
    return redirect("surveys:export-job", audit_pk=audit_pk, export_pk=export.pk)


@login_required
def export_download(request, audit_pk, export_pk):
    access = _analysing(request, audit_pk)
    export = exports.export_get(access.survey, export_pk)
    try:
        return export_file_response(export)
    except DomainError as error:
        show_refusal(request, error)
        return redirect("surveys:export-job", audit_pk=audit_pk, export_pk=export.pk)


@dataclass(frozen=True)
class ExportShown:
    """An export as a page shows it: its status with stale ones read as failed."""

    export: SurveyExport
    status: str
    label: str
    error: str
    outdated: bool = False  # finished, but responses have arrived (or changed) since

    @property
    def in_flight(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)


def export_view(export: SurveyExport | None, *, check_data: bool = False) -> ExportShown | None:
    """check_data: compare a finished file with the responses now (one query over their ids)."""
    if export is None:
        return None
    shown = exports.effective_status(export)
    error = exports.effective_error(export) if shown == ExportStatus.FAILED else ""
    outdated = (
        check_data
        and shown == ExportStatus.DONE
        and export.fingerprint != exports.data_fingerprint(export.survey, export.language)
    )
    return ExportShown(
        export=export, status=shown, label=ExportStatus(shown).label, error=error, outdated=outdated
    )


# Respondents -------------------------------------------------------------------------------------


def _refusal(request, link: links.RespondentLink):
    if link.state == links.LinkState.UNKNOWN and SURVEY_LINKS.refuse_unknown(request):
        response = render(
            request,
            "surveys/respond_closed.html",
            {"state": "throttled", "minutes": SURVEY_LINKS.retry_minutes()},
            status=429,
        )
        response["Retry-After"] = str(SURVEY_LINKS.window)
        return response
    status = {links.LinkState.UNKNOWN: 404, links.LinkState.NOT_OPEN: 403}.get(link.state, 410)
    return render(request, "surveys/respond_closed.html", {"link": link, "state": link.state}, status=status)


def _pages(instrument) -> list[dict]:
    """One page per section, then the optional profile block."""
    pages = [{"kind": "section", "section": section} for section in instrument.sections.all()]
    if instrument.profile_fields:
        pages.append({"kind": "profile"})
    return pages


def _posted_answers(request, page: dict, profile_fields: list[dict]) -> tuple[dict, dict]:
    """The answers on the posted page; a cleared answer is sent as empty so the draft forgets it."""
    if page["kind"] == "profile":
        return {}, {field["code"]: request.POST.get(f"p-{field['code']}", "") for field in profile_fields}
    answers = {}
    for question in page["section"].questions.all():
        field = f"q-{question.code}"
        if question.type == QuestionType.MULTIPLE:
            answers[question.code] = request.POST.getlist(field)
        else:
            answers[question.code] = request.POST.get(field, "")
    return answers, {}


def _browser_key(request) -> str:
    return request.COOKIES.get(links.DRAFT_COOKIE, "")


def _submission_seed(request) -> str:
    seed = request.COOKIES.get(links.SUBMISSION_COOKIE, "")
    return seed if 16 <= len(seed) <= 64 else ""


def _page_index(value, default: int, count: int) -> int:
    try:
        index = int(value if value is not None else default)
    except ValueError:
        index = 0
    return max(0, min(index, count - 1))


def _done(token: str, created: bool):
    """The thank-you page; the browser's submission seed is renewed for whoever answers next."""
    response = redirect(f"{reverse('surveys:respond-done', args=[token])}?stored={int(created)}")
    response.delete_cookie(links.SUBMISSION_COOKIE, samesite="Lax")
    return response


def respond(request, token):
    """One page of the questionnaire; Next and Back save a draft, the last page submits."""
    link = links.resolve(token)
    if not link.usable:
        if request.method == "POST" and services.submission_stored(request.POST.get("submission_id", "")):
            return _done(token, False)
        return _refusal(request, link)
    survey = link.survey
    instrument = selectors.frozen_questionnaire(survey).instrument
    pages = _pages(instrument)
    browser_key = _browser_key(request) or (links.new_browser_key() if link.invitation is None else "")
    key = link.draft_key(browser_key)
    seed = _submission_seed(request) or links.new_browser_key()
    action = request.POST.get("action", "next") if request.method == "POST" else None
    # Next and Back only add to the draft (services.draft_save reads it under lock): no read here.
    draft = survey.drafts.filter(key_hash=key).first() if action in (None, "submit") else None
    answers = dict(draft.answers) if draft else {}
    profile = dict(draft.profile) if draft else {}
    error = None
    index = _page_index(request.GET.get("page"), draft.section if draft else 0, len(pages))
    if action is not None:
        index = _page_index(request.POST.get("page"), index, len(pages))
        posted_answers, posted_profile = _posted_answers(request, pages[index], instrument.profile_fields)
        try:
            if action == "submit":
                created = services.response_submit(
                    link=link,
                    key=key,
                    submission_id=request.POST.get("submission_id", ""),
                    answers={**answers, **posted_answers},
                    profile={**profile, **posted_profile},
                )
                return _done(token, created)
            target = index - 1 if action == "back" else index + 1
            target = max(0, min(target, len(pages) - 1))
            services.draft_save(
                link=link, key=key, answers=posted_answers, profile=posted_profile, section=target
            )
        except DomainError as error_:
            if link.invitation is not None and links.resolve(token).state == links.LinkState.USED:
                return _refusal(request, links.resolve(token))
            error = error_
            if action != "submit":
                draft = survey.drafts.filter(key_hash=key).first()
                answers, profile = (dict(draft.answers), dict(draft.profile)) if draft else ({}, {})
            answers.update(posted_answers)
            profile.update(posted_profile)
        else:
            response = redirect(f"{reverse('surveys:respond', args=[token])}?page={target}")
            _remember(response, link, browser_key, seed)
            return response
    page = pages[index]
    context = {
        "link": link,
        "token": token,
        "survey": survey,
        "instrument": instrument,
        "page": page,
        "index": index,
        "number": index + 1,
        "count": len(pages),
        "percent": round(100 * index / len(pages)),
        "last": index == len(pages) - 1,
        "answers": answers,
        "profile": profile,
        "profile_fields": instrument.profile_fields,
        "submission_id": links.submission_id(seed, token),
        "error": error,
        "respondents": selectors.respondents_shown(survey) if index == 0 else None,
        "fields": _page_fields(page, answers, profile, instrument.profile_fields),
        "page_title": page["section"].name
        if page["kind"] == "section"
        else translated(instrument.profile_title),
        "description": translated(instrument.description),
    }
    response = render(request, "surveys/respond.html", context, status=400 if error else 200)
    _remember(response, link, browser_key, seed)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves in a Referer
    return response


def _page_fields(page: dict, answers: dict, profile: dict, profile_fields: list[dict]) -> list[dict]:
    """What the template draws for each question of the page, with the answers kept so far."""
    if page["kind"] == "profile":
        return [
            {
                "name": f"p-{field['code']}",
                "code": field["code"],
                "label": translated(field["label"]),
                "type": "single",
                "required": False,
                "help": "",
                "choices": [
                    (c["code"], translated(c["label"]), profile.get(field["code"]) == c["code"])
                    for c in field["choices"]
                ],
            }
            for field in profile_fields
        ]
    fields = []
    for question in page["section"].questions.all():
        value = answers.get(question.code, [] if question.type == QuestionType.MULTIPLE else "")
        chosen = set(value) if isinstance(value, list) else {value}
        fields.append(
            {
                "name": f"q-{question.code}",
                "code": question.code,
                "label": question.label,
                "type": question.type,
                "required": question.required,
                "help": question.hint,
                "value": value if isinstance(value, str) else "",
                "choices": [
                    (c["code"], translated(c["label"]), c["code"] in chosen) for c in question.choices
                ],
            }
        )
    return fields


def _remember(response, link: links.RespondentLink, browser_key: str, seed: str) -> None:
    """A shared link's drafts follow the browser: a random key in a cookie (not a tracker: it never
    reaches the stored response). The submission seed keeps the form's submission id the same until a
    submit is acknowledged, so answers sent again after a lost reply are recognised, not stored twice."""
    age = 60 * 60 * 24 * 60
    if link.invitation is None and browser_key:
        response.set_cookie(links.DRAFT_COOKIE, browser_key, max_age=age, httponly=True, samesite="Lax")
    response.set_cookie(links.SUBMISSION_COOKIE, seed, max_age=age, httponly=True, samesite="Lax")


@require_POST
def respond_draft(request, token):
    """Autosave from the page's script: JSON {"answers", "profile", "section"}."""
    link = links.resolve(token)
    if link.state == links.LinkState.UNKNOWN and SURVEY_LINKS.refuse_unknown(request):
        return JsonResponse({"detail": SURVEY_LINKS.message()}, status=429)
    if not link.usable:
        return JsonResponse({"detail": _("This link no longer accepts answers.")}, status=410)
    try:
        payload = json.loads(request.body or b"{}")
        answers, profile = dict(payload.get("answers") or {}), dict(payload.get("profile") or {})
        section = int(payload.get("section") or 0)
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"detail": _("Unreadable draft.")}, status=400)
    key = link.draft_key(_browser_key(request))
    if not key:
        return JsonResponse({"detail": _("Reload the page to keep a draft.")}, status=400)
    try:
        services.draft_save(link=link, key=key, answers=answers, profile=profile, section=section)
    except DomainError as error:
        return JsonResponse({"detail": error.message}, status=error.status)
    return JsonResponse({"saved": True})


def respond_done(request, token):
    """Thank you; the page's script forgets the answers kept on this device."""
    return render(
        request,
        "surveys/respond_done.html",
        {"token": token, "already": request.GET.get("stored") == "0"},
    )
