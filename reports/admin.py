"""Admin for reports: renders can be inspected; issued reports are read-only, like their model."""

from django.contrib import admin

from reports.models import ReportRender, ReportSnapshot, ReportText


@admin.register(ReportText)
class ReportTextAdmin(admin.ModelAdmin):
    list_display = ["audit", "updated_by", "updated_at"]
    raw_id_fields = ["audit", "updated_by"]


@admin.register(ReportRender)
class ReportRenderAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "audit",
        "kind",
        "language",
        "final",
        "status",
        "progress",
        "attempts",
        "requested_at",
    ]
    list_filter = ["status", "kind", "final"]
    exclude = ["pdf"]
    readonly_fields = [
        "audit",
        "kind",
        "language",
        "final",
        "status",
        "progress",
        "stage",
        "error",
        "attempts",
        "task_id",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "sha256",
        "data_version",
        "pages",
        "size",
        "seconds",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    """Issued reports never change: no add, change or delete here either."""

    list_display = ["audit", "version", "language", "pages", "issued_by", "issued_at", "sha256"]
    exclude = ["pdf"]
    readonly_fields = [
        "audit",
        "version",
        "language",
        "sha256",
        "data_version",
        "pages",
        "size",
        "issued_by",
        "issued_at",
        "render",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
