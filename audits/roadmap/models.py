"""The audit's answer to its findings: recommendations, the roadmap of actions and its follow-up.

Recommendations answer findings of a key area; actions serve a recommendation and carry an owner
(a role in the organization), dates, a priority, an indicator with baseline and target, and a
status. The organization's coordinator comments on the draft findings and recommendations during
feedback and records progress during follow-up. An audit may name an earlier one as its baseline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.evidence.models import Finding
from audits.models import Audit, KeyArea, MethodologyVersion
from config.i18n import translated


class ActionTemplate(models.Model):
    """A typical action of the methodology library that facilitators pick and adapt."""

    methodology = models.ForeignKey(
        MethodologyVersion, on_delete=models.PROTECT, related_name="action_templates"
    )
    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="action_templates")
    code = models.SlugField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField()
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    indicator = models.JSONField(_("indicator"), default=dict, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    owner = models.JSONField(_("suggested owner"), default=dict, blank=True)
    months = models.PositiveSmallIntegerField(_("typical duration in months"), null=True, blank=True)

    class Meta:
        verbose_name = _("action template")
        ordering = ["methodology", "key_area__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="action_template_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key_area.code} {self.name}"

    @property
    def name(self) -> str:
        return translated(self.title)

    @property
    def summary(self) -> str:
        return translated(self.description)

    @property
    def indicator_text(self) -> str:
        return translated(self.indicator)

    @property
    def owner_text(self) -> str:
        return translated(self.owner)


class Recommendation(models.Model):
    """What the team recommends for a key area, tied to the findings it answers."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="recommendations")
    key_area = models.ForeignKey(
        KeyArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("key area")
    )
    text = models.TextField(_("recommendation"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="recommendations", verbose_name=_("findings it answers")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recommendation")
        ordering = ["audit", "key_area__order", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.key_area.code}: {self.text[:60]}"


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("action status", "Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    """One step of the roadmap; its key area is the key area of the recommendation it serves."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="roadmap_actions")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions", verbose_name=_("recommendation")
    )
    template = models.ForeignKey(
        ActionTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    title = models.CharField(_("action"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(
        _("owner"), max_length=200, help_text=_("A role in the organization, e.g. Head of Human Resources.")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    priority = models.CharField(
        _("priority"), max_length=6, choices=Priority.choices, default=Priority.MEDIUM
    )
    indicator = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. %, people, policies"))
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    current = models.DecimalField(
        _("latest value"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("roadmap action")
        ordering = ["audit", "start", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="action_dates_ordered",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(drop_reason=""),
                name="action_dropped_has_reason",
                violation_error_message=_("Say why the action is dropped."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def key_area(self) -> KeyArea:
        return self.recommendation.key_area


class ActionUpdate(models.Model):
    """A progress record of the follow-up: the status and indicator value on a day, and by whom."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices)
    value = models.DecimalField(_("indicator value"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("action update")
        ordering = ["action", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_status_display()}"


class FeedbackShare(models.Model):
    """The draft findings and recommendations were shared with the organization's coordinator."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="feedback_share")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback share")

    def __str__(self) -> str:
        return f"{self.audit} ({self.shared_at:%Y-%m-%d})"


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    CORRECTION = "correction", _("Correction of facts")


class FeedbackComment(models.Model):
    """The coordinator's comment or correction on one draft finding or recommendation."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="feedback_comments")
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback_comments"
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback_comments"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=CommentKind.choices, default=CommentKind.COMMENT
    )
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feedback comment")
        ordering = ["audit", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(finding__isnull=False) & Q(recommendation__isnull=True))
                | (Q(finding__isnull=True) & Q(recommendation__isnull=False)),
                name="feedback_comment_one_item",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="feedback_comment_resolution_given",
                violation_error_message=_("Say how the comment was resolved."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


class AuditBaseline(models.Model):
    """An earlier audit of the same organization that this audit is compared with."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="baseline_link")
    baseline = models.ForeignKey(
        Audit, on_delete=models.PROTECT, related_name="followed_by", verbose_name=_("baseline audit")
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("baseline")
        constraints = [
            models.CheckConstraint(
                condition=~Q(audit=models.F("baseline")),
                name="baseline_not_itself",
                violation_error_message=_("An audit cannot be its own baseline."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.audit} ← {self.baseline}"
