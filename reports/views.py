"""Web pages for the report: its renders with live progress, issuing, downloads and exports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits import workflow
from config.errors import DomainError
from config.pages import show_refusal
from reports import api, selectors, services
from reports.forms import ReportTextForm
from reports.models import RenderKind


def report_url(audit) -> str:
    return reverse("reports:report", args=[audit.pk])


@login_required
def report_page(request, pk):
    audit = selectors.report_audit_get(request.user, pk)
    state = api.report_state(request.user, audit)
    can_request = state["can_request"]
    return render(
        request,
        "reports/pages/report.html",
        {
            "audit": audit,
            "state": state,
            "report_title": RenderKind(state["kind"]).label,
            "state_json": api.ReportStateSerializer(state).data,
            "can_request": can_request and workflow.is_open(audit),
            "can_issue": state["can_issue"] and services.can_issue_now(audit),
            "can_progress": can_request and audit.phase in services.PROGRESS_PHASES,
            "text_form": ReportTextForm(
                initial={"executive_summary": selectors.report_text(audit).executive_summary}
            )
            if can_request and state["kind"] == RenderKind.REPORT  # the GEOSA report has no summary
            else None,
            "report_languages": settings.LANGUAGES,
            "exports": list(api.EXPORTS),
        },
    )


@login_required
@require_POST
def report_request(request, pk):
    audit = selectors.report_audit_get(request.user, pk)
    kind = request.POST.get("kind") or None
    try:
        services.report_request(
            actor=request.user, audit=audit, kind=kind, language=request.POST.get("language")
        )
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The report is queued; this page shows its progress."))
    return redirect(report_url(audit))


@login_required
@require_POST
def render_retry(request, pk, render_pk):
    audit = selectors.report_audit_get(request.user, pk)
    try:
        services.render_retry(actor=request.user, render=selectors.render_get(audit, render_pk))
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The render is queued again."))
    return redirect(report_url(audit))


@login_required
@require_POST
def report_issue(request, pk):
    audit = selectors.report_audit_get(request.user, pk)
    try:
        services.report_issue(actor=request.user, audit=audit, language=request.POST.get("language"))
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("The final report is being rendered; it is issued as soon as it is ready.")
        )
    return redirect(report_url(audit))


@login_required
@require_POST
def report_text(request, pk):
    audit = selectors.report_audit_get(request.user, pk)
    form = ReportTextForm(request.POST)
    if form.is_valid():
        try:
            services.report_text_update(actor=request.user, audit=audit, **form.cleaned_data)
        except DomainError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The executive summary is saved; render the report to see it."))
    return redirect(report_url(audit) + "#summary")


@login_required
def render_download(request, pk, render_pk):
    audit = selectors.report_audit_get(request.user, pk)
    render_row, data = selectors.render_pdf(audit, render_pk)
    return api.pdf_response(data, f"audit-{audit.pk}-{render_row.kind}-{render_row.pk}.pdf")


@login_required
def snapshot_download(request, pk, version):
    audit = selectors.report_audit_get(request.user, pk)
    snapshot = selectors.snapshot_get(audit, version)
    response = api.pdf_response(bytes(snapshot.pdf), f"audit-{audit.pk}-report-v{snapshot.version}.pdf")
    response["X-Content-SHA256"] = snapshot.sha256
    return response


@login_required
def export(request, pk, name):
    audit = selectors.report_audit_get(request.user, pk)
    if name not in api.EXPORTS:
        raise Http404("No such export.")
    try:
        return api.export_response(audit, name)
    except DomainError as error:
        show_refusal(request, error)
        return redirect(report_url(audit))
