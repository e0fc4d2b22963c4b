"""Organizations, audits and the methodology library they follow.

The methodology (key areas, modalities, phases and their guards) is data loaded from YAML by
`manage.py loadmethodology`; an audit keeps the methodology version it started with.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from audits import workflow
from config.i18n import translated


class MethodologyVersion(models.Model):
    """One loaded version of a methodology library; never changed once audits use it."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    title = models.JSONField(_("title"), default=dict)
    checksum = models.CharField(max_length=64, editable=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("methodology version")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="methodology_version_unique")]
        ordering = ["code", "-loaded_at"]

    def __str__(self) -> str:
        return f"{translated(self.title) or self.code} {self.version}"


class KeyArea(models.Model):
    methodology = models.ForeignKey(MethodologyVersion, on_delete=models.PROTECT, related_name="key_areas")
    code = models.CharField(_("code"), max_length=10)
    order = models.PositiveSmallIntegerField()
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    guiding_questions = models.JSONField(_("guiding questions"), default=dict)

    class Meta:
        verbose_name = _("key area")
        ordering = ["methodology", "order"]
        constraints = [models.UniqueConstraint(fields=["methodology", "code"], name="key_area_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return translated(self.title)

    @property
    def summary(self) -> str:
        return translated(self.description)

    @property
    def questions(self) -> list[str]:
        return translated(self.guiding_questions) or []


class Modality(models.Model):
    """Comprehensive, selective or GEOSA: the parameters the workflow's guards check against."""

    methodology = models.ForeignKey(MethodologyVersion, on_delete=models.PROTECT, related_name="modalities")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    facilitated = models.BooleanField(
        _("facilitated"),
        help_text=_("Run by external facilitators rather than by the organization."),
    )
    steering_roles = models.JSONField(
        _("steering roles"),
        default=list,
        help_text=_("Team roles that move the audit through its phases and edit its team."),
    )
    team_min = models.PositiveSmallIntegerField(_("minimum team size"), null=True, blank=True)
    team_max = models.PositiveSmallIntegerField(_("maximum team size"), null=True, blank=True)
    people_in_scope_max = models.PositiveIntegerField(_("maximum people in scope"), null=True, blank=True)
    key_areas_all = models.BooleanField(_("covers all key areas"), default=False)
    key_areas_min = models.PositiveSmallIntegerField(_("minimum key areas"), default=1)
    key_areas_max = models.PositiveSmallIntegerField(_("maximum key areas"), null=True, blank=True)
    duration_months_min = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_months_max = models.PositiveSmallIntegerField(null=True, blank=True)
    on_site_weeks = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("modality")
        verbose_name_plural = _("modalities")
        ordering = ["methodology", "order"]
        constraints = [models.UniqueConstraint(fields=["methodology", "code"], name="modality_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self.title)


class Phase(models.Model):
    """A step of a modality's workflow; `exit_guards` name the predicates checked before leaving."""

    modality = models.ForeignKey(Modality, on_delete=models.CASCADE, related_name="phases")
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField()
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    exit_guards = models.JSONField(
        _("exit guards"),
        default=list,
        help_text=_('[{"code": ..., "severity": "block"|"warning"}]'),
    )
    scope_editable = models.BooleanField(
        _("scope editable"),
        default=False,
        help_text=_("Key areas and people in scope may still change during this phase."),
    )
    final = models.BooleanField(_("final"), default=False)
    on_enter = models.JSONField(
        _("on entering"),
        default=list,
        blank=True,
        help_text=_("Effects run when an audit enters this phase."),
    )

    class Meta:
        verbose_name = _("phase")
        ordering = ["modality", "order"]
        constraints = [
            models.UniqueConstraint(fields=["modality", "code"], name="phase_code_unique"),
            models.UniqueConstraint(fields=["modality", "order"], name="phase_order_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self.title)


class Organization(models.Model):
    """An organization in the register; who registered it may start its first audit."""

    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        # Says no more than that the name is taken: the register is not open to every facilitator.
        error_messages={
            "unique": _(
                "An organization with this name is already registered; ask its coordinator or the "
                "programme staff to add you to its audit."
            )
        },
    )
    country = models.CharField(_("country"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True, db_index=True)
    sector = models.CharField(_("sector"), max_length=100, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A work unit of an organization (department, office, regional administration)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("unit")
        ordering = ["organization", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="unit_name_unique")]

    def __str__(self) -> str:
        return self.name


class Delivery(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ON_SITE = "on_site", _("On site")
    HYBRID = "hybrid", _("Hybrid")


class Audit(ConcurrentTransitionMixin, models.Model):
    """One audit of an organization (or unit), moving through its modality's phases."""

    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name=_("organization"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("unit in scope"),
        help_text=_("Leave empty when the whole organization is in scope."),
    )
    modality = models.ForeignKey(
        Modality, on_delete=models.PROTECT, related_name="audits", verbose_name=_("modality")
    )
    title = models.CharField(_("title"), max_length=200)
    people_in_scope = models.PositiveIntegerField(_("people in scope"), null=True, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.REMOTE
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="en")
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"),
        default=5,
        help_text=_("No figure about fewer people than this is ever shown (3 at least)."),
    )
    key_areas = models.ManyToManyField(
        KeyArea, blank=True, related_name="audits", verbose_name=_("key areas")
    )
    phase = FSMField(_("phase"), max_length=40, protected=True)
    held_phase = models.CharField(max_length=40, blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("audit")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phase"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="audit_planned_dates_ordered",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(min_group_size__gte=3),
                name="audit_min_group_size_at_least_3",
                violation_error_message=_("The minimum group size cannot be below 3."),
            ),
            models.CheckConstraint(
                condition=Q(people_in_scope__isnull=True) | Q(people_in_scope__gte=1),
                name="audit_people_in_scope_positive",
                violation_error_message=_("People in scope must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def methodology(self) -> MethodologyVersion:
        return self.modality.methodology

    # The transitions are thin: which phase comes next and what must hold first is library data,
    # evaluated by audits.workflow. Services call these inside a locked transaction.

    @transition(
        field=phase,
        source="*",
        target=RETURN_VALUE(),
        conditions=[workflow.is_open, workflow.has_next_phase, workflow.exit_guards_pass],
    )
    def advance(self) -> str:
        return workflow.next_phase(self).code

    @transition(field=phase, source="*", target=ON_HOLD, conditions=[workflow.is_open])
    def hold(self) -> None:
        self.held_phase = self.phase

    @transition(field=phase, source=ON_HOLD, target=RETURN_VALUE())
    def resume(self) -> str:
        phase, self.held_phase = self.held_phase, ""
        return phase

    @transition(field=phase, source="*", target=CANCELLED, conditions=[workflow.is_cancellable])
    def cancel(self, reason: str) -> None:
        self.cancel_reason = reason


class TeamRole(models.TextChoices):
    LEAD = "lead_facilitator", _("Lead facilitator")
    CO_FACILITATOR = "co_facilitator", _("Co-facilitator")
    EXPERT = "expert", _("Expert")
    TRAINEE = "trainee_facilitator", _("Trainee facilitator")
    COORDINATOR = "coordinator", _("Coordinator (focal point)")


# Trainees learn and the coordinator represents the organization: neither counts toward team size.
TEAM_SIZE_ROLES = (TeamRole.LEAD, TeamRole.CO_FACILITATOR, TeamRole.EXPERT)
FACILITATION_ROLES = (*TEAM_SIZE_ROLES, TeamRole.TRAINEE)


class TeamMember(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_roles")
    role = models.CharField(_("role"), max_length=24, choices=TeamRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        ordering = ["audit", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "user"], name="team_member_once_per_audit"),
            models.UniqueConstraint(
                fields=["audit"],
                condition=Q(role="lead_facilitator"),
                name="team_one_lead_facilitator",
                violation_error_message=_("An audit has one lead facilitator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class PhaseTransition(models.Model):
    """The audit's history: who moved it, when, from where to where, and why."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_phase = models.CharField(max_length=40)
    to_phase = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True, help_text=_("Why the steering person proceeded despite a warning.")
    )
    overridden_warnings = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("phase transition")
        ordering = ["audit", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.audit}: {self.from_phase} → {self.to_phase}"
