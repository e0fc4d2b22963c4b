"""Evidence in the admin: read-only, and without the confidential texts.

Writes go through the pages and the API (services check the rules); interview notes, excerpts and
interviewees' names are for the facilitation team only, so the admin does not show them.
"""

from django.contrib import admin

from audits.evidence.models import (
    Document,
    DocumentAssessment,
    Excerpt,
    Finding,
    FindingEvidence,
    Interview,
    StaffDataset,
    StaffRecord,
    Workshop,
    WorkshopStatement,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "audit", "doc_type", "date", "original_name", "added_at"]
    list_filter = ["doc_type"]
    exclude = ["file"]
    search_fields = ["title"]


@admin.register(DocumentAssessment)
class DocumentAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["document", "key_area", "criterion", "rating", "reviewed_at"]
    list_filter = ["rating"]


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["pk", "audit", "kind", "mode", "scheduled_at", "time_zone", "consent"]
    list_filter = ["kind", "mode", "consent"]
    exclude = ["notes", "interviewee_name", "grade", "gender", "role"]


@admin.register(Excerpt)
class ExcerptAdmin(ReadOnlyAdmin):
    list_display = ["pk", "interview", "kind", "code", "created_at"]
    list_filter = ["kind", "code"]
    exclude = ["text"]


@admin.register(Workshop)
class WorkshopAdmin(ReadOnlyAdmin):
    list_display = ["title", "audit", "date", "delivery"]
    exclude = ["women", "men", "other"]


@admin.register(WorkshopStatement)
class WorkshopStatementAdmin(ReadOnlyAdmin):
    list_display = ["pk", "workshop", "key_area", "kind", "promoted"]
    list_filter = ["kind", "promoted"]


@admin.register(StaffDataset)
class StaffDatasetAdmin(ReadOnlyAdmin):
    list_display = ["audit", "source_name", "uploaded_at"]
    exclude = ["workers"]


@admin.register(StaffRecord)
class StaffRecordAdmin(ReadOnlyAdmin):
    """Pseudonymous rows; pay stays out of the admin, where no disclosure rule applies."""

    list_display = ["dataset", "row", "employee_id"]
    fields = ["dataset", "row", "employee_id"]


class FindingEvidenceInline(admin.TabularInline):
    model = FindingEvidence
    extra = 0
    fields = ["kind", "snapshot"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["pk", "audit", "key_area", "kind", "created_at"]
    list_filter = ["kind"]
    inlines = [FindingEvidenceInline]


@admin.register(FindingEvidence)
class FindingEvidenceAdmin(ReadOnlyAdmin):
    list_display = ["finding", "kind", "reference"]
    fields = ["finding", "kind", "snapshot"]

    @admin.display(description="reference")
    def reference(self, obj) -> str:
        return obj.ref
