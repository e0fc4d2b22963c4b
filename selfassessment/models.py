"""GEOSA: the organization-run self-assessment over the same audits, phases and key areas.

A GEOSA is an `audits.Audit` of modality "geosa", steered by the organization's focal point (its
coordinator). This app adds what only the self-assessment has: the maturity rubric of the library,
the technical adviser's request and answer, the internal team and its training, the team's rating of
each key area, and the adviser's comments with the team's answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, KeyArea, MethodologyVersion
from config.i18n import translated

LEVELS = range(1, 6)


class GeosaParameters(models.Model):
    """The GEOSA settings of a methodology version (geosa.yaml): team minimum, level names, help."""

    methodology = models.OneToOneField(
        MethodologyVersion, on_delete=models.PROTECT, related_name="geosa_parameters"
    )
    min_trained_team = models.PositiveSmallIntegerField(_("minimum trained team"))
    level_titles = models.JSONField(_("level titles"), default=dict, help_text=_('{"1": {"en": ...}, ...}'))
    phase_help = models.JSONField(_("help per phase"), default=dict, blank=True)

    class Meta:
        verbose_name = _("GEOSA parameters")
        verbose_name_plural = _("GEOSA parameters")

    def __str__(self) -> str:
        return str(self.methodology)

    def level_title(self, level: int) -> str:
        return translated(self.level_titles.get(str(level), {}))

    def help_for(self, phase_code: str) -> str:
        return translated(self.phase_help.get(phase_code, {}))


class MaturityLevel(models.Model):
    """What one level of the rubric looks like for one key area, in plain words."""

    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="maturity_levels")
    level = models.PositiveSmallIntegerField(_("level"))
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict)

    class Meta:
        verbose_name = _("maturity level")
        ordering = ["key_area__order", "level"]
        constraints = [
            models.UniqueConstraint(fields=["key_area", "level"], name="maturity_level_unique"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=5), name="maturity_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.key_area.code} {self.level} {self.name}"

    @property
    def name(self) -> str:
        return translated(self.title)

    @property
    def summary(self) -> str:
        return translated(self.description)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class AdviserRequest(models.Model):
    """The focal point asks a certified facilitator to be the technical adviser; they accept or decline."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="adviser_requests")
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="adviser_requests"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    message = models.TextField(_("message to the adviser"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(_("note with the answer"), blank=True)
    statement = models.TextField(
        _("adviser's statement"),
        blank=True,
        help_text=_("The adviser's overall view of the self-assessment, printed in the report."),
    )

    class Meta:
        verbose_name = _("adviser request")
        ordering = ["audit", "-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit"],
                condition=Q(status__in=["pending", "accepted"]),
                name="adviser_request_one_open",
                violation_error_message=_("The self-assessment already has an adviser or a pending request."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.audit}: {self.adviser} ({self.get_status_display()})"


class InternalTeamMember(models.Model):
    """A member of the organization's internal team and the training of trainers they completed.

    Recorded here rather than as `audits.TeamMember`: they are the organization's own staff, not
    facilitators, so they must neither count toward a facilitation team nor read the survey's open
    answers. `user` links a member who also has an account, so they cannot be named the adviser.
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="internal_team")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position in the organization"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    trained_on = models.DateField(
        _("training completed on"),
        null=True,
        blank=True,
        help_text=_("Leave empty until the training is completed."),
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal team member")
        ordering = ["audit", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["audit", "name"], name="internal_team_name_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def trained(self) -> bool:
        return self.trained_on is not None


class Rating(models.Model):
    """The internal team's placement of the organization on one key area's rubric, with its reasons."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="geosa_ratings")
    key_area = models.ForeignKey(
        KeyArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("key area")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    justification = models.TextField(_("why this level"))
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_("Documents, figures, survey results that show it, one per line."),
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-rating")
        ordering = ["audit", "key_area__order"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "key_area"], name="rating_once_per_key_area"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5),
                name="rating_level_1_to_5",
                violation_error_message=_("Choose a level from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_area.code}: {self.level}"

    @property
    def evidence_items(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


class CommentKind(models.TextChoices):
    ACCEPT = "accept", _("Accept the rating")
    QUESTION = "question", _("Ask a question")
    SUGGEST = "suggest", _("Suggest another level")


class AdviserComment(models.Model):
    """The adviser's comment on one rating and the team's answer; resolved once accepted or answered."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="comments")
    kind = models.CharField(_("kind"), max_length=10, choices=CommentKind.choices)
    text = models.TextField(_("comment"), blank=True)
    suggested_level = models.PositiveSmallIntegerField(_("suggested level"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("the team's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("adviser comment")
        ordering = ["rating", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="suggest") | (Q(suggested_level__gte=1) & Q(suggested_level__lte=5)),
                name="adviser_comment_suggestion_has_level",
                violation_error_message=_("Suggest a level from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(kind="accept") | ~Q(text=""),
                name="adviser_comment_has_text",
                violation_error_message=_("Write the question or the reason for the suggestion."),
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="adviser_comment_answer_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}: {self.get_kind_display()}"

    @property
    def resolved(self) -> bool:
        return self.kind == CommentKind.ACCEPT or self.answered_at is not None
