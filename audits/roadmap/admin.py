"""Admin for the roadmap; the action library is methodology data (read-only), progress is history."""

from django.contrib import admin

from audits.roadmap.models import (
    Action,
    ActionTemplate,
    ActionUpdate,
    AuditBaseline,
    FeedbackComment,
    FeedbackShare,
    Recommendation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionTemplate)
class ActionTemplateAdmin(ReadOnlyAdmin):
    list_display = ["code", "key_area", "methodology", "unit", "months"]
    list_filter = ["methodology", "key_area__code"]
    search_fields = ["code"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "audit", "key_area", "created_at"]
    list_filter = ["key_area__code"]
    search_fields = ["text", "audit__title"]
    raw_id_fields = ["audit", "findings", "created_by"]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    can_delete = False
    readonly_fields = ["status", "value", "note", "actor", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "audit", "owner", "start", "end", "priority", "status"]
    list_filter = ["status", "priority"]
    search_fields = ["title", "owner", "audit__title"]
    raw_id_fields = ["audit", "recommendation", "created_by"]
    inlines = [ActionUpdateInline]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(ReadOnlyAdmin):
    list_display = ["action", "status", "value", "actor", "recorded_at"]
    list_filter = ["status"]


@admin.register(FeedbackShare)
class FeedbackShareAdmin(ReadOnlyAdmin):
    list_display = ["audit", "shared_by", "shared_at"]


@admin.register(FeedbackComment)
class FeedbackCommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "audit", "kind", "author", "created_at", "resolved_at"]
    list_filter = ["kind"]
    readonly_fields = [
        "audit",
        "finding",
        "recommendation",
        "author",
        "created_at",
        "resolved_by",
        "resolved_at",
    ]


@admin.register(AuditBaseline)
class AuditBaselineAdmin(admin.ModelAdmin):
    list_display = ["audit", "baseline", "set_by", "set_at"]
    raw_id_fields = ["audit", "baseline", "set_by"]
