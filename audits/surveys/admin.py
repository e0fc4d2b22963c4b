from django.contrib import admin

from audits.admin import ReadOnlyAdmin
from audits.surveys.models import (
    Draft,
    Instrument,
    Invitation,
    KeyAreaScore,
    Question,
    Response,
    Section,
    Survey,
    SurveyExport,
)


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("code", "section", "order", "type", "key_areas", "required")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    """Change questionnaires through the survey pages, which freeze them once a survey opens."""

    list_display = ("code", "version", "methodology", "audit", "created_at")
    list_filter = ("methodology",)
    inlines = [QuestionInline]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ("code", "instrument", "order")


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("audit", "status", "mode", "closes_at")
    list_filter = ("status", "mode")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("survey", "sent_at", "reminders", "used_at")
    exclude = ("nonce", "token_hash")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    """Responses are never edited; only their profile is listed, never who gave them."""

    list_display = ("id", "survey", "gender", "staff_category")
    list_filter = ("survey",)


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ("survey", "section", "updated_at")
    exclude = ("key_hash",)


@admin.register(KeyAreaScore)
class KeyAreaScoreAdmin(ReadOnlyAdmin):
    """Computed from a closed survey's answers (manage.py scoresurveys redoes them): read only."""

    list_display = ("survey", "key_area", "group", "respondents", "computed_at")
    list_filter = ("key_area", "group")


@admin.register(SurveyExport)
class SurveyExportAdmin(ReadOnlyAdmin):
    """Built by the worker; a failed one is retried from the analysis page, not edited here."""

    list_display = ("survey", "status", "language", "requested_at", "finished_at", "size")
    list_filter = ("status",)
    exclude = ("file",)
