"""The certification programme as loaded from the library: requirements, training, competences."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from config.i18n import translated


def add_years(start: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


class PracticeRole(models.TextChoices):
    """The audit team roles a practice record can hold (the coordinator never facilitates)."""

    LEAD = "lead_facilitator", _("Lead facilitator")
    CO_FACILITATOR = "co_facilitator", _("Co-facilitator")
    EXPERT = "expert", _("Expert")
    TRAINEE = "trainee_facilitator", _("Trainee facilitator")


class CertificationProgramme(models.Model):
    """One loaded version of the certification programme; never changed once loaded."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    validity_years = models.PositiveSmallIntegerField(_("validity in years"))
    expiry_warning_days = models.PositiveSmallIntegerField(_("expiry warning (days)"), default=90)
    reminder_days = models.JSONField(_("reminder windows (days before expiry)"), default=list, blank=True)
    applicant_types = models.JSONField(_("applicant types"), default=list)
    practice_audits_required = models.PositiveSmallIntegerField(_("supervised audits required"))
    practice_roles = models.JSONField(_("roles that count as practice"), default=list)
    evaluation_required = models.BooleanField(_("satisfactory evaluation required"), default=True)
    rubric_min = models.PositiveSmallIntegerField(_("lowest score"))
    rubric_max = models.PositiveSmallIntegerField(_("highest score"))
    rubric_satisfactory = models.PositiveSmallIntegerField(_("satisfactory score"))
    rubric_levels = models.JSONField(_("rubric levels"), default=list)
    renewal_practice_audits_required = models.PositiveSmallIntegerField(_("audits required for renewal"))
    renewal_practice_roles = models.JSONField(_("roles that count for renewal"), default=list)
    renewal_contributions_required = models.PositiveSmallIntegerField(_("contributions required for renewal"))
    contribution_kinds = models.JSONField(_("kinds of contribution"), default=list)
    checksum = models.CharField(max_length=64, editable=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certification programme")
        ordering = ["code", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="programme_version_unique"),
            models.CheckConstraint(condition=Q(validity_years__gte=1), name="programme_validity_positive"),
            models.CheckConstraint(
                condition=Q(rubric_min__lt=F("rubric_max"))
                & Q(rubric_satisfactory__gte=F("rubric_min"))
                & Q(rubric_satisfactory__lte=F("rubric_max")),
                name="programme_rubric_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{translated(self.title) or self.code} {self.version}"

    @property
    def name(self) -> str:
        return translated(self.title)

    @property
    def summary(self) -> str:
        return translated(self.description)

    def applicant_type_label(self, code: str) -> str:
        return _label(self.applicant_types, code)

    def contribution_kind_label(self, code: str) -> str:
        return _label(self.contribution_kinds, code)

    def rubric_label(self, score: int) -> str:
        return next(
            (translated(level["title"]) for level in self.rubric_levels if level["score"] == score),
            str(score),
        )


def _label(items: list[dict], code: str) -> str:
    return next((translated(item["title"]) for item in items if item["code"] == code), code)


class ProgrammeItem(models.Model):
    """A coded, ordered, translated part of a programme."""

    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField()
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["programme", "order"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self.title)

    @property
    def summary(self) -> str:
        return translated(self.description)


class PortfolioRequirement(ProgrammeItem):
    """A document the application portfolio must hold, for some or all applicant types."""

    programme = models.ForeignKey(
        CertificationProgramme, on_delete=models.CASCADE, related_name="portfolio_requirements"
    )
    applicant_types = models.JSONField(
        _("applicant types"), default=list, blank=True, help_text=_("Empty: every applicant.")
    )

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("portfolio requirement")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="portfolio_requirement_code_unique")
        ]

    def applies_to(self, applicant_type: str) -> bool:
        return not self.applicant_types or applicant_type in self.applicant_types


class TrainingKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("Online preliminary work")
    COURSE = "course", _("Training course")
    ASSIGNMENT = "assignment", _("Assignments")
    EXAM = "exam", _("Final exam")


class TrainingComponent(ProgrammeItem):
    """A part of the training: attended for `hours`, or passed with `pass_mark` out of 100."""

    programme = models.ForeignKey(
        CertificationProgramme, on_delete=models.CASCADE, related_name="training_components"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), null=True, blank=True)

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("training component")
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="training_component_code_unique"),
            models.CheckConstraint(
                condition=Q(pass_mark__isnull=True) | Q(pass_mark__lte=100),
                name="training_pass_mark_at_most_100",
            ),
        ]


class Competence(ProgrammeItem):
    """A competence the supervisor scores on the rubric and the committee attests."""

    programme = models.ForeignKey(
        CertificationProgramme, on_delete=models.CASCADE, related_name="competences"
    )

    class Meta(ProgrammeItem.Meta):
        verbose_name = _("competence")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="competence_code_unique")]
