"""Web pages for certification: thin views over facilitators.selectors and facilitators.services."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import DomainError
from config.pages import show_refusal
from facilitators import documents, selectors, services, workflow
from facilitators.api import CERTIFICATE_CODES
from facilitators.forms import (
    ApplyForm,
    CandidateCreateForm,
    ContributionForm,
    DecisionForm,
    DocumentReviewForm,
    EvaluationForm,
    PortfolioDocumentForm,
    PracticeRecordForm,
    ProfileForm,
    RosterSearchForm,
    TrainingResultForm,
    TransitionForm,
    VerifyForm,
)
from facilitators.guards import required_documents
from facilitators.models import CertificationState, FacilitatorProfile, PortfolioDocument


def _require_staff(request) -> None:
    if not selectors.is_certification_staff(request.user):
        raise Http404("No such page.")


def _staff_certification(request, pk):
    _require_staff(request)
    return selectors.certification_get(request.user, pk)


def candidate_url(certification) -> str:
    return reverse("facilitators:candidate", args=[certification.pk])


def _form_page(request, form, title, *, certification=None, intro="", template=None):
    return render(
        request,
        template or "facilitators/form_page.html",
        {"form": form, "title": title, "certification": certification, "intro": intro},
    )


# Certification staff ------------------------------------------------------------------------------


def _pipeline(request):
    params = request.GET
    return selectors.pipeline(
        request.user,
        state=params.get("state", "") if params.get("state") in CertificationState.values else "",
        programme=params.get("programme", "")[:40],
        search=params.get("q", "")[:100],
        blocked_only=params.get("blocked") == "1",
    )


@login_required
def dashboard(request):
    _require_staff(request)
    return render(
        request,
        "facilitators/dashboard.html",
        {
            "pipeline": _pipeline(request),
            "states": selectors.STATE_LABELS.items(),
            "query": request.GET.urlencode(),
        },
    )


CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(CSV_DANGEROUS) else text


@login_required
def export_csv(request):
    _require_staff(request)
    pipeline = _pipeline(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="certification-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("E-mail"),
            _("Stage"),
            _("Programme"),
            _("Applicant type"),
            _("Applied on"),
            _("Admitted on"),
            _("Trained on"),
            _("Certified on"),
            _("Expires on"),
            _("Next step"),
            _("Blocked on"),
        ]
    )
    for row in pipeline.rows:
        certification = row.certification
        user = certification.facilitator.user
        writer.writerow(
            _cell(value)
            for value in (
                certification.facilitator.display_name,
                user.email,
                row.state_label,
                f"{certification.programme.code} {certification.programme.version}",
                certification.programme.applicant_type_label(certification.applicant_type),
                certification.applied_on,
                certification.admitted_on,
                certification.trained_on,
                certification.certified_on,
                certification.expires_on,
                row.next_step.label if row.ready or row.blocked_on else "",
                " | ".join(row.blocked_on),
            )
        )
    return response


@login_required
def candidate_create(request):
    _require_staff(request)
    programme = selectors.current_programme()
    if programme is None:
        messages.error(request, _("No programme is loaded yet; run manage.py loadcertification."))
        return redirect("facilitators:dashboard")
    form = CandidateCreateForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            certification = services.certification_apply(
                actor=request.user,
                user=form.cleaned_data["person"],
                applicant_type=form.cleaned_data["applicant_type"],
                programme=programme,
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The application is open."))
            return redirect(candidate_url(certification))
    return _form_page(request, form, _("New applicant"))


@login_required
def candidate_detail(request, pk):
    certification = selectors.certification_get(request.user, pk)
    if not selectors.is_certification_staff(request.user):
        return redirect("facilitators:progress")
    return render(
        request,
        "facilitators/candidate_detail.html",
        {
            "certification": certification,
            "progress": selectors.progress_of(certification),
            "options": workflow.transition_options(certification, permitted=True),
            "history": selectors.history_of(certification),
            "decisions": certification.decisions.all(),
            "applicant_type": certification.programme.applicant_type_label(certification.applicant_type),
            "contributions": [
                (item, certification.programme.contribution_kind_label(item.kind))
                for item in certification.facilitator.contributions.all()
            ],
            "evidence": selectors.review_evidence(certification)
            if certification.state == CertificationState.UNDER_REVIEW
            else None,
            "state_labels": selectors.STATE_LABELS,
        },
    )


@login_required
@require_POST
def transition(request, pk):
    certification = _staff_certification(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was incomplete; please try again."))
        return redirect(candidate_url(certification))
    try:
        record = services.certification_transition(
            actor=request.user, certification_id=certification.pk, **form.cleaned_data
        )
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The certification is now: %(state)s.") % {"state": selectors.STATE_LABELS[record.to_state]},
        )
    return redirect(candidate_url(certification))


@login_required
@require_POST
def document_review(request, pk):
    _require_staff(request)
    document = get_object_or_404(PortfolioDocument.objects.select_related("certification"), pk=pk)
    form = DocumentReviewForm(request.POST)
    if form.is_valid():
        try:
            services.portfolio_document_review(
                actor=request.user,
                document_id=document.pk,
                accept=form.cleaned_data["accept"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The review is saved."))
    return redirect(candidate_url(document.certification))


@login_required
def training_result(request, pk):
    certification = _staff_certification(request, pk)
    form = TrainingResultForm(
        request.POST or None,
        components=certification.programme.training_components.all(),
        initial={"component": request.GET.get("component")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.training_result_record(
                actor=request.user,
                certification_id=certification.pk,
                component_code=data["component"],
                hours_attended=data["hours_attended"],
                score=data["score"],
                completed_on=data["completed_on"],
                note=data["note"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The training result is recorded."))
            return redirect(candidate_url(certification))
    return _form_page(request, form, _("Record a training result"), certification=certification)


@login_required
def practice_add(request, pk):
    certification = _staff_certification(request, pk)
    form = PracticeRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.practice_record_add(actor=request.user, user=certification.facilitator.user, **data)
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The practice is recorded."))
            return redirect(candidate_url(certification))
    intro = _(
        "Audits run in this system are recorded automatically when they move to follow-up; "
        "record here only practice on audits run elsewhere."
    )
    return _form_page(request, form, _("Record practice"), certification=certification, intro=intro)


@login_required
def contribution_add(request, pk):
    certification = _staff_certification(request, pk)
    form = ContributionForm(request.POST or None, programme=certification.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_record(
                actor=request.user, user=certification.facilitator.user, **form.cleaned_data
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The contribution is recorded."))
            return redirect(candidate_url(certification))
    return _form_page(
        request,
        form,
        _("Record a contribution to the community of practice"),
        certification=certification,
    )


@login_required
def decision(request, pk):
    certification = _staff_certification(request, pk)
    if certification.state != CertificationState.UNDER_REVIEW:
        messages.error(request, _("The committee decides only on a certification under review."))
        return redirect(candidate_url(certification))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_record(
                actor=request.user, certification_id=certification.pk, **form.cleaned_data
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The committee's decision is recorded."))
            return redirect(candidate_url(certification))
    return render(
        request,
        "facilitators/decision.html",
        {
            "form": form,
            "certification": certification,
            "evidence": selectors.review_evidence(certification),
        },
    )


# Facilitators and supervisors ---------------------------------------------------------------------


@login_required
def progress(request):
    certification = selectors.certification_of(request.user)
    programme = selectors.current_programme()
    apply_form = None
    if (certification is None or certification.state == CertificationState.WITHDRAWN) and programme:
        apply_form = ApplyForm(programme=programme)
    return render(
        request,
        "facilitators/progress.html",
        {
            "certification": certification,
            "progress": selectors.progress_of(certification) if certification else None,
            "apply_form": apply_form,
            "programme": programme,
            "profile": FacilitatorProfile.objects.filter(user=request.user).first(),
            "evaluations_due": selectors.evaluations_due(request.user),
            "is_staff": selectors.is_certification_staff(request.user),
        },
    )


@login_required
@require_POST
def apply(request):
    programme = selectors.current_programme()
    if programme is None:
        raise Http404("No programme is loaded.")
    form = ApplyForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            services.certification_apply(
                actor=request.user,
                user=request.user,
                applicant_type=form.cleaned_data["applicant_type"],
                programme=programme,
            )
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Your application is open; submit your portfolio next."))
    else:
        messages.error(request, _("Choose how you apply."))
    return redirect("facilitators:progress")


@login_required
def profile_edit(request):
    profile = FacilitatorProfile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST or None, instance=profile or FacilitatorProfile())
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=request.user,
                user=request.user,
                **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("facilitators:progress")
    intro = _(
        "The public roster lists certified facilitators who agree to it, and shows only the "
        "details you choose to publish."
    )
    return _form_page(request, form, _("My facilitator profile"), intro=intro)


@login_required
def portfolio_submit(request, pk):
    certification = selectors.certification_get(request.user, pk)
    requirements = required_documents(certification)
    form = PortfolioDocumentForm(
        request.POST or None,
        request.FILES or None,
        requirements=requirements,
        initial={"requirement": request.GET.get("requirement")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.portfolio_document_submit(
                actor=request.user,
                certification_id=certification.pk,
                requirement_code=data["requirement"],
                file=data["file"],
                note=data["note"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The document is submitted for review."))
            if selectors.is_certification_staff(request.user):
                return redirect(candidate_url(certification))
            return redirect("facilitators:progress")
    return _form_page(request, form, _("Submit a portfolio document"), certification=certification)


@login_required
def document_file(request, pk):
    document = get_object_or_404(PortfolioDocument, pk=pk)
    selectors.certification_get(request.user, document.certification_id)  # 404 unless allowed
    if not document.file:
        raise Http404("No file.")
    return FileResponse(document.file.open("rb"), as_attachment=True)


@login_required
def evaluate(request, pk):
    record = selectors.practice_record_get(request.user, pk)
    if record.supervisor_id != request.user.pk:
        raise Http404("No evaluation to record here.")
    programme = selectors.programme_for_evaluation(record)
    if programme is None:
        raise Http404("No programme is loaded.")
    form = EvaluationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_record(
                actor=request.user,
                record_id=record.pk,
                scores=form.scores(),
                score_comments=form.score_comments(),
                comments=form.cleaned_data["comments"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Thank you; the evaluation is recorded."))
            return redirect("facilitators:progress")
    return render(
        request,
        "facilitators/evaluation.html",
        {"form": form, "record": record, "programme": programme},
    )


@login_required
def certificate_download(request, code):
    certificate = selectors.certificate_for_holder(request.user, code)
    verify_url = request.build_absolute_uri(
        reverse("facilitators:verify-code", args=[certificate.display_code])
    )
    response = HttpResponse(
        documents.certificate_pdf(certificate, verify_url=verify_url),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@login_required
def attendance_download(request, pk):
    certification = selectors.certification_get(request.user, pk)
    progress = selectors.progress_of(certification)
    if not progress.attended_course:
        raise Http404("No attendance recorded.")
    response = HttpResponse(
        documents.attendance_pdf(certification, training=progress.training),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = 'attachment; filename="certificate-of-attendance.pdf"'
    return response


# The public -------------------------------------------------------------------------------------


def roster(request):
    form = RosterSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return render(
        request,
        "facilitators/roster.html",
        {
            "form": form,
            "entries": selectors.roster(
                language=filters.get("language", ""),
                region=filters.get("region", ""),
                expertise=filters.get("expertise", ""),
            ),
            "choices": selectors.roster_choices(),
            "searched": any(filters.values()),
        },
    )


def verify(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        code = selectors.normalize_code(form.cleaned_data["code"])
        if code:
            return redirect("facilitators:verify-code", code=code)
    return render(request, "facilitators/verify.html", {"form": form})


def verify_code(request, code):
    result = selectors.certificate_verify(code)
    if result is None and CERTIFICATE_CODES.refuse_unknown(request):
        response = render(
            request,
            "facilitators/verify.html",
            {"form": VerifyForm(initial={"code": code}), "throttled": CERTIFICATE_CODES.message()},
            status=429,
        )
        response["Retry-After"] = str(CERTIFICATE_CODES.window)
        return response
    return render(
        request,
        "facilitators/verify.html",
        {"form": VerifyForm(initial={"code": code}), "result": result, "code": code},
        status=200 if result else 404,
    )
