from django.contrib import admin

from selfassessment.models import (
    AdviserComment,
    AdviserRequest,
    GeosaParameters,
    InternalTeamMember,
    MaturityLevel,
    Rating,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Library data: loaded by loadmethodology, never edited by hand (publish a new version)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GeosaParameters)
class GeosaParametersAdmin(ReadOnlyAdmin):
    list_display = ["methodology", "min_trained_team"]


@admin.register(MaturityLevel)
class MaturityLevelAdmin(ReadOnlyAdmin):
    list_display = ["key_area", "level", "name"]
    list_filter = ["key_area__methodology", "level"]


@admin.register(AdviserRequest)
class AdviserRequestAdmin(admin.ModelAdmin):
    list_display = ["audit", "adviser", "status", "requested_at", "answered_at"]
    list_filter = ["status"]
    readonly_fields = ["audit", "adviser", "requested_by", "requested_at", "answered_at"]


@admin.register(InternalTeamMember)
class InternalTeamMemberAdmin(admin.ModelAdmin):
    list_display = ["audit", "name", "position", "trained_on"]
    raw_id_fields = ["user"]


class CommentInline(admin.TabularInline):
    model = AdviserComment
    extra = 0
    readonly_fields = [
        "kind",
        "text",
        "suggested_level",
        "author",
        "created_at",
        "answer",
        "answered_by",
        "answered_at",
    ]
    can_delete = False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["audit", "key_area", "level", "updated_at"]
    readonly_fields = ["audit", "key_area", "rated_by", "updated_at"]
    inlines = [CommentInline]
