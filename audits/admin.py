from django.contrib import admin

from audits.models import (
    Audit,
    KeyArea,
    MethodologyVersion,
    Modality,
    Organization,
    Phase,
    PhaseTransition,
    TeamMember,
    Unit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and loaded methodology must not change: they are viewable, never editable."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KeyAreaInline(admin.TabularInline):
    model = KeyArea
    fields = ("code", "order", "title")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MethodologyVersion)
class MethodologyVersionAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "loaded_at", "checksum")
    inlines = [KeyAreaInline]


@admin.register(KeyArea)
class KeyAreaAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "methodology")
    list_filter = ("methodology",)


class PhaseInline(admin.TabularInline):
    model = Phase
    fields = ("order", "code", "title", "exit_guards", "scope_editable", "final")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Modality)
class ModalityAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "methodology", "team_min", "team_max", "people_in_scope_max")
    list_filter = ("methodology",)
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(ReadOnlyAdmin):
    list_display = ("code", "modality", "order", "final")
    list_filter = ("modality__methodology", "modality")


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "region", "sector", "created_at")
    list_filter = ("region",)
    search_fields = ("name",)
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "organization")
    search_fields = ("name", "organization__name")


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ("user",)


class PhaseTransitionInline(admin.TabularInline):
    model = PhaseTransition
    fields = ("at", "action", "from_phase", "to_phase", "actor", "comment", "override_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    """Phases change only through the workflow (the page or the API), never by editing the row."""

    list_display = ("title", "organization", "modality", "phase", "planned_start")
    list_filter = ("phase", "modality__code", "delivery", "language")
    search_fields = ("title", "organization__name")
    readonly_fields = ("phase", "held_phase", "cancel_reason", "created_by", "created_at")
    filter_horizontal = ("key_areas",)
    inlines = [TeamMemberInline, PhaseTransitionInline]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "audit")
    list_filter = ("role",)
    autocomplete_fields = ("user",)


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(ReadOnlyAdmin):
    list_display = ("audit", "from_phase", "to_phase", "actor", "at")
    list_filter = ("action",)
