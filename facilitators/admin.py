from django.contrib import admin

from facilitators.models import (
    Certificate,
    Certification,
    CertificationProgramme,
    CertificationTransition,
    CommitteeDecision,
    CommunityContribution,
    Competence,
    Evaluation,
    EvaluationScore,
    ExpiryReminder,
    FacilitatorProfile,
    PortfolioDocument,
    PortfolioRequirement,
    PracticeRecord,
    TrainingComponent,
    TrainingResult,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Loaded programmes, history, decisions and certificates are viewable, never editable."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PortfolioRequirementInline(ReadOnlyInline):
    model = PortfolioRequirement
    fields = ("order", "code", "title", "applicant_types")
    readonly_fields = fields


class TrainingComponentInline(ReadOnlyInline):
    model = TrainingComponent
    fields = ("order", "code", "kind", "title", "hours", "pass_mark")
    readonly_fields = fields


class CompetenceInline(ReadOnlyInline):
    model = Competence
    fields = ("order", "code", "title")
    readonly_fields = fields


@admin.register(CertificationProgramme)
class CertificationProgrammeAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "validity_years", "practice_audits_required", "loaded_at")
    inlines = [PortfolioRequirementInline, TrainingComponentInline, CompetenceInline]


@admin.register(PortfolioRequirement)
class PortfolioRequirementAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "programme")
    list_filter = ("programme",)


@admin.register(TrainingComponent)
class TrainingComponentAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "hours", "pass_mark", "programme")
    list_filter = ("programme", "kind")


@admin.register(Competence)
class CompetenceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "programme")
    list_filter = ("programme",)


@admin.register(FacilitatorProfile)
class FacilitatorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "languages", "regions", "publish_on_roster")
    list_filter = ("publish_on_roster",)
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email")
    autocomplete_fields = ("user",)


class TransitionInline(ReadOnlyInline):
    model = CertificationTransition
    fields = ("at", "action", "from_state", "to_state", "actor", "comment")
    readonly_fields = fields


class PortfolioDocumentInline(admin.TabularInline):
    model = PortfolioDocument
    fields = ("requirement", "status", "file", "note", "review_comment")
    readonly_fields = ("requirement",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TrainingResultInline(admin.TabularInline):
    model = TrainingResult
    fields = ("component", "hours_attended", "score", "completed_on", "note")
    readonly_fields = ("component",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CertificateInline(ReadOnlyInline):
    model = Certificate
    fields = ("code", "kind", "issued_on", "expires_on")
    readonly_fields = fields


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    """The state changes only through the workflow (the pages or the API), never by editing."""

    list_display = ("facilitator", "programme", "state", "certified_on", "expires_on")
    list_filter = ("state", "programme")
    search_fields = ("facilitator__user__username", "facilitator__user__last_name")
    readonly_fields = (
        "facilitator",
        "programme",
        "state",
        "review_round",
        "applied_on",
        "admitted_on",
        "training_started_on",
        "trained_on",
        "practice_started_on",
        "submitted_on",
        "certified_on",
        "renewed_on",
        "expires_on",
        "suspended_on",
        "suspension_reason",
        "withdrawn_on",
        "withdrawal_reason",
        "created_by",
    )
    inlines = [PortfolioDocumentInline, TrainingResultInline, CertificateInline, TransitionInline]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CertificationTransition)
class CertificationTransitionAdmin(ReadOnlyAdmin):
    list_display = ("certification", "action", "from_state", "to_state", "actor", "at")
    list_filter = ("action", "to_state")


@admin.register(PortfolioDocument)
class PortfolioDocumentAdmin(admin.ModelAdmin):
    list_display = ("requirement", "certification", "status", "submitted_on", "reviewed_on")
    list_filter = ("status",)
    readonly_fields = ("certification", "requirement", "submitted_by", "reviewed_by")


@admin.register(TrainingResult)
class TrainingResultAdmin(admin.ModelAdmin):
    list_display = ("component", "certification", "hours_attended", "score", "completed_on")
    readonly_fields = ("certification", "component", "recorded_by")


@admin.register(PracticeRecord)
class PracticeRecordAdmin(admin.ModelAdmin):
    list_display = ("user", "audit_title", "role", "modality_code", "ended_on", "supervisor")
    list_filter = ("role", "source", "modality_code")
    search_fields = ("user__username", "user__last_name", "audit_title")
    autocomplete_fields = ("user", "supervisor")
    readonly_fields = ("audit_reference", "source", "recorded_by")


class EvaluationScoreInline(ReadOnlyInline):
    model = EvaluationScore
    fields = ("competence", "score", "comment")
    readonly_fields = fields


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("practice_record", "evaluator", "satisfactory", "evaluated_on")
    list_filter = ("satisfactory",)
    inlines = [EvaluationScoreInline]


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(ReadOnlyAdmin):
    list_display = ("evaluation", "competence", "score")


@admin.register(CommunityContribution)
class CommunityContributionAdmin(admin.ModelAdmin):
    list_display = ("facilitator", "kind", "title", "contributed_on")
    list_filter = ("kind",)
    readonly_fields = ("recorded_by",)


@admin.register(CommitteeDecision)
class CommitteeDecisionAdmin(ReadOnlyAdmin):
    list_display = ("certification", "review_round", "decision", "decided_on")
    list_filter = ("decision",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("display_code", "certification", "kind", "issued_on", "expires_on")
    search_fields = ("code",)


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(ReadOnlyAdmin):
    list_display = ("certification", "expires_on", "days_before", "recipient", "sent_at")
