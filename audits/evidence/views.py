"""Web pages for an audit's evidence: thin views over evidence.selectors and evidence.services.

Every page starts with selectors.evidence_audit_get: anyone outside the facilitation team gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.disclosure import footnote
from audits.evidence import charts, selectors, services, sources
from audits.evidence.forms import (
    AssessmentForm,
    DocumentForm,
    ExcerptForm,
    FindingForm,
    InterviewForm,
    StaffFileForm,
    StatementForm,
    WorkshopForm,
)
from audits.evidence.models import Document
from config.errors import DomainError
from config.pages import show_refusal

SECTIONS = ("document", "interview", "excerpt", "workshop", "statement", "staff")


def _context(request, audit, **extra) -> dict:
    """What every evidence page needs: the audit, the delete permission, the tab to highlight."""
    name = request.resolver_match.url_name if request.resolver_match else ""
    section = next((prefix for prefix in SECTIONS if name.startswith(prefix)), "overview")
    section = {
        "document": "documents",
        "interview": "interviews",
        "excerpt": "interviews",
        "workshop": "workshops",
        "statement": "workshops",
    }.get(section, section)
    return {
        "audit": audit,
        "can_delete": selectors.can_delete(request.user, audit),
        "section": section,
        **extra,
    }


# The evidence overview


@login_required
def overview(request, audit_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    covered = sources.covered_key_areas(audit)
    findings = selectors.finding_counts_by_key_area(audit)
    rows = [
        {"key_area": ka, "covered": ka.code in covered, "findings": findings.get(ka.code, 0)}
        for ka in selectors.selected_key_areas(audit)
    ]
    return render(
        request,
        "evidence/overview.html",
        _context(request, audit, rows=rows, counts=selectors.evidence_counts(audit)),
    )


# Documents


@login_required
def documents(request, audit_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    form = DocumentForm(
        request.POST or None, request.FILES or None, key_areas=selectors.taggable_key_areas(audit)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_add(
                actor=request.user,
                audit=audit,
                title=data["title"],
                doc_type=data["doc_type"],
                date=data["date"],
                key_areas=data["key_areas"],
                upload=data["file"],
                link=data["link"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("%(title)s is added; review it below.") % {"title": document.title})
            return redirect("evidence:document", audit.pk, document.pk)
    return render(
        request,
        "evidence/documents.html",
        _context(request, audit, form=form, documents=selectors.documents_of(audit)),
    )


@login_required
def document_detail(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    document = selectors.document_get(audit, pk)
    assessments = list(selectors.assessments_of(document))
    existing = {(a.key_area_id, a.criterion): a for a in assessments}
    form = AssessmentForm(request.POST or None, key_areas=document.key_areas.all(), existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_assess(actor=request.user, document=document, assessments=form.assessments())
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The review is saved."))
            return redirect("evidence:document", audit.pk, document.pk)
    return render(
        request, "evidence/document_detail.html", _context(request, audit, document=document, form=form)
    )


@login_required
def document_download(request, audit_pk, pk):
    """The stored file, to the facilitation team only, as an attachment the browser will not render."""
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    document = get_object_or_404(Document, audit=audit, pk=pk)
    return document_file_response(document)


def document_file_response(document: Document) -> FileResponse:
    if not document.file:
        raise Http404("This document is a link.")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name or "document",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def document_delete(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    document = get_object_or_404(Document, audit=audit, pk=pk)
    try:
        services.document_delete(actor=request.user, document=document)
    except DomainError as error:
        show_refusal(request, error)
        return redirect("evidence:document", audit.pk, document.pk)
    messages.success(request, _("The document is deleted."))
    return redirect("evidence:documents", audit.pk)


# Interviews


@login_required
def interviews(request, audit_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    return render(
        request,
        "evidence/interviews.html",
        _context(request, audit, interviews=selectors.interviews_of(audit)),
    )


def _interview_fields(data: dict) -> dict:
    return {name: value for name, value in data.items() if name != "interviewers"}


@login_required
def interview_create(request, audit_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    form = InterviewForm(request.POST or None, audit=audit, initial={"interviewers": [request.user]})
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.interview_create(
                actor=request.user,
                audit=audit,
                interviewers=form.cleaned_data["interviewers"],
                **_interview_fields(form.cleaned_data),
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The interview is recorded."))
            return redirect("evidence:interview", audit.pk, interview.pk)
    return render(
        request, "evidence/form_page.html", _context(request, audit, form=form, title=_("New interview"))
    )


@login_required
def interview_edit(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    interview = selectors.interview_get(audit, pk)
    form = InterviewForm(request.POST or None, audit=audit, interview=interview)
    if request.method == "POST" and form.is_valid():
        try:
            services.interview_update(
                actor=request.user,
                interview=interview,
                interviewers=form.cleaned_data["interviewers"],
                **_interview_fields(form.cleaned_data),
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The interview is saved."))
            return redirect("evidence:interview", audit.pk, interview.pk)
    return render(
        request, "evidence/form_page.html", _context(request, audit, form=form, title=_("Edit the interview"))
    )


@login_required
def interview_detail(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    interview = selectors.interview_get(audit, pk)
    form = ExcerptForm(request.POST or None, key_areas=selectors.taggable_key_areas(audit))
    if request.method == "POST" and form.is_valid():
        try:
            services.excerpt_add(actor=request.user, interview=interview, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The excerpt is coded."))
            return redirect("evidence:interview", audit.pk, interview.pk)
    return render(
        request,
        "evidence/interview_detail.html",
        _context(
            request,
            audit,
            interview=interview,
            excerpts=selectors.excerpts_of(interview),
            form=form,
            safe_profile=selectors.safe_profile(interview, audit),
        ),
    )


@login_required
@require_POST
def interview_delete(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    interview = selectors.interview_get(audit, pk)
    try:
        services.interview_delete(actor=request.user, interview=interview)
    except DomainError as error:
        show_refusal(request, error)
        return redirect("evidence:interview", audit.pk, interview.pk)
    messages.success(request, _("The interview and its notes are deleted."))
    return redirect("evidence:interviews", audit.pk)


@login_required
@require_POST
def excerpt_delete(request, audit_pk, pk, excerpt_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    interview = selectors.interview_get(audit, pk)
    excerpt = get_object_or_404(interview.excerpts, pk=excerpt_pk)
    try:
        services.excerpt_delete(actor=request.user, excerpt=excerpt)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The excerpt is deleted."))
    return redirect("evidence:interview", audit.pk, interview.pk)


# Workshops


@login_required
def workshops(request, audit_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workshop = services.workshop_create(actor=request.user, audit=audit, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The workshop is recorded; capture its outputs below."))
            return redirect("evidence:workshop", audit.pk, workshop.pk)
    rows = [
        (workshop, selectors.workshop_participants(workshop, audit.min_group_size))
        for workshop in selectors.workshops_of(audit)
    ]
    return render(
        request,
        "evidence/workshops.html",
        _context(
            request,
            audit,
            form=form,
            rows=rows,
            any_hidden=any(participants.any_hidden for _workshop, participants in rows),
            footnote=footnote(audit.min_group_size),
        ),
    )


@login_required
def workshop_detail(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    workshop = selectors.workshop_get(audit, pk)
    form = StatementForm(
        request.POST or None, key_areas=selectors.taggable_key_areas(audit), exercises=workshop.exercises
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.statement_add(actor=request.user, workshop=workshop, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The statement is captured."))
            return redirect("evidence:workshop", audit.pk, workshop.pk)
    return render(
        request,
        "evidence/workshop_detail.html",
        _context(
            request,
            audit,
            workshop=workshop,
            participants=selectors.workshop_participants(workshop, audit.min_group_size),
            footnote=footnote(audit.min_group_size),
            statements=selectors.statements_of(workshop),
            form=form,
        ),
    )


@login_required
def workshop_edit(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    workshop = selectors.workshop_get(audit, pk)
    form = WorkshopForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_update(actor=request.user, workshop=workshop, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The workshop is saved."))
            return redirect("evidence:workshop", audit.pk, workshop.pk)
    return render(
        request, "evidence/form_page.html", _context(request, audit, form=form, title=_("Edit the workshop"))
    )


@login_required
@require_POST
def workshop_delete(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    workshop = selectors.workshop_get(audit, pk)
    try:
        services.workshop_delete(actor=request.user, workshop=workshop)
    except DomainError as error:
        show_refusal(request, error)
        return redirect("evidence:workshop", audit.pk, workshop.pk)
    messages.success(request, _("The workshop is deleted."))
    return redirect("evidence:workshops", audit.pk)


@login_required
@require_POST
def statement_promote(request, audit_pk, pk, statement_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    workshop = selectors.workshop_get(audit, pk)
    statement = get_object_or_404(workshop.statements, pk=statement_pk)
    promoted = request.POST.get("promoted") == "1"
    try:
        services.statement_promote(actor=request.user, statement=statement, promoted=promoted)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The statement is evidence now.") if promoted else _("The statement is no longer evidence."),
        )
    return redirect("evidence:workshop", audit.pk, workshop.pk)


@login_required
@require_POST
def statement_delete(request, audit_pk, pk, statement_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    workshop = selectors.workshop_get(audit, pk)
    statement = get_object_or_404(workshop.statements, pk=statement_pk)
    try:
        services.statement_delete(actor=request.user, statement=statement)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The statement is deleted."))
    return redirect("evidence:workshop", audit.pk, workshop.pk)


# Staff statistics


@login_required
def staff(request, audit_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    form = StaffFileForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.staff_file_upload(
                actor=request.user, audit=audit, upload=form.cleaned_data["file"]
            )
        except services.StaffFileRejected as error:
            form.add_error(None, error.message)
            problems = error.details
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(
                request,
                _("%(name)s is stored: %(n)d workers.") % {"name": dataset.source_name, "n": dataset.workers},
            )
            return redirect("evidence:staff", audit.pk)
    dataset = selectors.staff_dataset(audit)
    analysis = selectors.staff_analysis(audit, dataset) if dataset is not None else None
    headings = {
        "category": (_("Category"), _("By category")),
        "unit": (_("Unit"), _("By unit")),
        "contract_type": (_("Contract type"), _("By contract type")),
    }
    headcount = (
        [(*headings[column], rows) for column, rows in analysis["headcount"].items()] if analysis else []
    )
    return render(
        request,
        "evidence/staff.html",
        _context(
            request,
            audit,
            form=form,
            problems=problems,
            dataset=dataset,
            analysis=analysis,
            headcount=headcount,
            pipeline_chart=charts.share_of_women_chart(
                analysis["pipeline"]["levels"],
                k=audit.min_group_size,
                title=_("Share of women by grade level"),
            )
            if analysis
            else "",
            quartile_chart=charts.quartile_chart(analysis["pay_gap"]["quartiles"], k=audit.min_group_size)
            if analysis
            else "",
            footnote=footnote(audit.min_group_size),
        ),
    )


@login_required
@require_POST
def staff_delete(request, audit_pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    try:
        services.staff_data_delete(actor=request.user, audit=audit)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The staff data is deleted."))
    return redirect("evidence:staff", audit.pk)


# The evidence board of a key area


@login_required
def board(request, audit_pk, code):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    key_area = selectors.key_area_get(audit, code)
    sections = sources.board(audit, key_area, request.user)
    items = [item for _source, section in sections for item in section]
    form = FindingForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_create(
                actor=request.user,
                audit=audit,
                key_area=key_area,
                kind=form.cleaned_data["kind"],
                statement=form.cleaned_data["statement"],
                evidence=form.cleaned_data["evidence"],
            )
        except DomainError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("The finding is drafted."))
            return redirect("evidence:board", audit.pk, key_area.code)
    cited = set(form["evidence"].value() or []) if form.is_bound else set()
    return render(
        request,
        "evidence/board.html",
        _context(
            request,
            audit,
            key_area=key_area,
            sections=sections,
            item_count=len(items),
            findings=selectors.findings_of(audit, key_area),
            form=form,
            cited=cited,
            selected=selectors.selected_key_areas(audit),
        ),
    )


@login_required
@require_POST
def finding_delete(request, audit_pk, pk):
    audit = selectors.evidence_audit_get(request.user, audit_pk)
    finding = selectors.finding_get(audit, pk)
    try:
        services.finding_delete(actor=request.user, finding=finding)
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The finding is deleted."))
    return redirect("evidence:board", audit.pk, finding.key_area.code)
