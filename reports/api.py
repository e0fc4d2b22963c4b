"""REST API for reports: request and follow renders, retry, issue, download PDFs and exports.

Views validate input and call the same services and selectors as the pages. A render's status is
its effective one: a render stuck longer than reports.selectors.STALE_AFTER is reported as failed.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import named_choice_field
from reports import exports, rendering, selectors, services
from reports.models import RenderKind, RenderStatus, ReportRender, ReportSnapshot

PDF_TYPE = "application/pdf"
PDF = {(200, PDF_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF.")}


ReportKindField = named_choice_field("ReportKind", RenderKind.choices)
ReportLanguageField = named_choice_field("ReportLanguage", settings.LANGUAGES)


class RenderSerializer(serializers.ModelSerializer):
    kind = ReportKindField(read_only=True)
    language = ReportLanguageField(read_only=True)
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    requested_by = serializers.CharField(
        source="requested_by.username", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = ReportRender
        fields = [
            "id",
            "kind",
            "language",
            "final",
            "status",
            "status_label",
            "progress",
            "stage",
            "error",
            "attempts",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "pages",
            "size",
            "sha256",
            "data_version",
            "pdf_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": list(RenderStatus.values)})
    def get_status(self, render: ReportRender) -> str:
        return selectors.effective_status(render)

    def get_status_label(self, render: ReportRender) -> str:
        return str(RenderStatus(selectors.effective_status(render)).label)

    def get_error(self, render: ReportRender) -> str:
        return selectors.effective_error(render)

    def get_pdf_url(self, render: ReportRender) -> str | None:
        if render.status != RenderStatus.READY:
            return None
        return reverse("reports-api:render-pdf", args=[render.audit_id, render.pk])


class SnapshotSerializer(serializers.ModelSerializer):
    language = ReportLanguageField(read_only=True)
    issued_by = serializers.CharField(source="issued_by.username", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportSnapshot
        fields = [
            "version",
            "language",
            "sha256",
            "data_version",
            "pages",
            "size",
            "issued_by",
            "issued_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, snapshot: ReportSnapshot) -> str:
        return reverse("reports-api:snapshot-pdf", args=[snapshot.audit_id, snapshot.version])


class ReportStateSerializer(serializers.Serializer):
    kind = ReportKindField(help_text="The audit's main report: the roadmap report, or the GEOSA report.")
    draft = RenderSerializer(allow_null=True)
    final = RenderSerializer(allow_null=True)
    progress_report = RenderSerializer(allow_null=True)
    snapshots = SnapshotSerializer(many=True)
    can_request = serializers.BooleanField()
    can_issue = serializers.BooleanField()


class RenderRequestSerializer(serializers.Serializer):
    kind = ReportKindField(
        required=False, help_text="Default: the audit's main report (the GEOSA report for a GEOSA)."
    )
    language = ReportLanguageField(required=False)


class IssueRequestSerializer(serializers.Serializer):
    language = ReportLanguageField(required=False)


def report_state(user, audit) -> dict:
    """What the report page and the API show: the latest renders, the issued versions, what one may do."""
    kind = rendering.main_kind(audit)
    return {
        "kind": kind,
        "draft": selectors.shown(selectors.latest_render(audit, kind, final=False)),
        "final": selectors.shown(selectors.latest_render(audit, kind, final=True)),
        "progress_report": selectors.shown(selectors.latest_render(audit, RenderKind.PROGRESS)),
        "snapshots": list(selectors.snapshots_of(audit)),
        "can_request": selectors.can_request(user, audit),
        "can_issue": selectors.can_issue(user, audit),
    }


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReportStateView(APIView):
    @extend_schema(
        summary="The report's renders (with progress) and its issued versions",
        responses=ReportStateSerializer,
    )
    def get(self, request, audit_pk):
        audit = selectors.report_audit_get(request.user, audit_pk)
        return Response(ReportStateSerializer(report_state(request.user, audit)).data)


class RenderListView(APIView):
    @extend_schema(summary="Every render of the report, newest first", responses=RenderSerializer(many=True))
    def get(self, request, audit_pk):
        audit = selectors.report_audit_get(request.user, audit_pk)
        return Response(RenderSerializer(selectors.renders_of(audit)[:50], many=True).data)

    @extend_schema(
        summary="Request a draft render (queued; rendered in the background)",
        request=RenderRequestSerializer,
        responses={202: RenderSerializer},
    )
    def post(self, request, audit_pk):
        audit = selectors.report_audit_get(request.user, audit_pk)
        payload = RenderRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        render = services.report_request(actor=request.user, audit=audit, **payload.validated_data)
        return Response(
            RenderSerializer(selectors.render_get(audit, render.pk)).data, status=status.HTTP_202_ACCEPTED
        )


class RenderDetailView(APIView):
    @extend_schema(summary="A render's status, progress and error", responses=RenderSerializer)
    def get(self, request, audit_pk, render_pk):
        audit = selectors.report_audit_get(request.user, audit_pk)
        return Response(RenderSerializer(selectors.render_get(audit, render_pk)).data)


class RenderRetryView(APIView):
    @extend_schema(summary="Retry a failed render", request=None, responses={202: RenderSerializer})
    def post(self, request, audit_pk, render_pk):
        audit = selectors.report_audit_get(request.user, audit_pk)
        render = services.render_retry(actor=request.user, render=selectors.render_get(audit, render_pk))
        return Response(
            RenderSerializer(selectors.render_get(audit, render.pk)).data, status=status.HTTP_202_ACCEPTED
        )


class RenderPdfView(APIView):
    @extend_schema(summary="A ready render's PDF", responses=PDF)
    def get(self, request, audit_pk, render_pk):
        audit = selectors.report_audit_get(request.user, audit_pk)
        render, data = selectors.render_pdf(audit, render_pk)
        kind = "draft" if not render.final else "final"
        return pdf_response(data, f"audit-{audit.pk}-{render.kind}-{kind}-{render.pk}.pdf")


class ReportIssueView(APIView):
    @extend_schema(
        summary="Issue the final report (rendered in the background, then kept as the next version)",
        request=IssueRequestSerializer,
        responses={202: RenderSerializer},
    )
    def post(self, request, audit_pk):
        audit = selectors.report_audit_get(request.user, audit_pk)
        payload = IssueRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        render = services.report_issue(actor=request.user, audit=audit, **payload.validated_data)
        return Response(
            RenderSerializer(selectors.render_get(audit, render.pk)).data, status=status.HTTP_202_ACCEPTED
        )


class SnapshotListView(APIView):
    @extend_schema(summary="The issued versions of the report", responses=SnapshotSerializer(many=True))
    def get(self, request, audit_pk):
        audit = selectors.report_audit_get(request.user, audit_pk)
        return Response(SnapshotSerializer(selectors.snapshots_of(audit), many=True).data)


class SnapshotPdfView(APIView):
    @extend_schema(summary="An issued version's PDF, unchanged since it was issued", responses=PDF)
    def get(self, request, audit_pk, version):
        audit = selectors.report_audit_get(request.user, audit_pk)
        snapshot = selectors.snapshot_get(audit, version)
        response = pdf_response(bytes(snapshot.pdf), f"audit-{audit.pk}-report-v{snapshot.version}.pdf")
        response["X-Content-SHA256"] = snapshot.sha256
        return response


EXPORTS = {
    "roadmap.xlsx": (lambda audit: exports.roadmap_xlsx(audit), exports.XLSX_TYPE),
    "roadmap.csv": (lambda audit: exports.csv_bytes(exports.roadmap_table(audit)), exports.CSV_TYPE),
    "findings.xlsx": (lambda audit: exports.findings_xlsx(audit), exports.XLSX_TYPE),
    "findings.csv": (lambda audit: exports.csv_bytes(exports.findings_table(audit)), exports.CSV_TYPE),
    "data-package.zip": (lambda audit: exports.data_package(audit), "application/zip"),
}
EXPORT_TYPES = sorted({content_type.partition(";")[0] for _make, content_type in EXPORTS.values()})


def export_response(audit, name: str) -> HttpResponse:
    make, content_type = EXPORTS[name]
    response = HttpResponse(make(audit), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-{audit.pk}-{name}"'
    return response


class ExportView(APIView):
    @extend_schema(
        summary="The roadmap or findings (XLSX, CSV) or the anonymised data package (ZIP of CSV files)",
        responses={(200, *EXPORT_TYPES): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")},
    )
    def get(self, request, audit_pk, name):
        audit = selectors.report_audit_get(request.user, audit_pk)
        return export_response(audit, name)
