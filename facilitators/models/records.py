"""The records a certification is decided on: portfolio, training, practice, evaluations.

Practice records belong to the person (they count toward certification and renewal alike) and
keep the audit as plain data: facilitators sits below audits and never imports it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from facilitators.models.certification import Certification, FacilitatorProfile
from facilitators.models.programme import (
    CertificationProgramme,
    Competence,
    PortfolioRequirement,
    PracticeRole,
    TrainingComponent,
)


def portfolio_upload_path(document: PortfolioDocument, filename: str) -> str:
    return f"portfolio/{document.certification_id}/{document.requirement.code}/{filename}"


class DocumentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class PortfolioDocument(models.Model):
    """One document of the application portfolio, as submitted and as reviewed by staff."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="portfolio_documents"
    )
    requirement = models.ForeignKey(
        PortfolioRequirement, on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    file = models.FileField(_("file"), upload_to=portfolio_upload_path, blank=True)
    note = models.TextField(
        _("note"), blank=True, help_text=_("What the document is, or where staff can find it.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.SUBMITTED
    )
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("portfolio document")
        ordering = ["certification", "requirement__order"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "requirement"], name="portfolio_document_once"),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.REJECTED) | ~Q(review_comment=""),
                name="portfolio_rejection_has_reason",
                violation_error_message=_("Say why the document is rejected."),
            ),
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(note=""),
                name="portfolio_document_not_empty",
                violation_error_message=_("Attach a file or describe the document."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.requirement)


class TrainingResult(models.Model):
    """Attendance and result of one training component."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="training_results"
    )
    component = models.ForeignKey(
        TrainingComponent, on_delete=models.PROTECT, related_name="+", verbose_name=_("component")
    )
    hours_attended = models.DecimalField(
        _("hours attended"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    score = models.PositiveSmallIntegerField(_("score (out of 100)"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training result")
        ordering = ["certification", "component__order"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "component"], name="training_result_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="training_score_at_most_100",
                violation_error_message=_("A score is out of 100."),
            ),
            models.CheckConstraint(
                condition=Q(hours_attended__isnull=True) | Q(hours_attended__gte=0),
                name="training_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.certification.facilitator}"

    @property
    def passed(self) -> bool:
        component = self.component
        if component.hours and (self.hours_attended or 0) < component.hours:
            return False
        return component.pass_mark is None or (self.score is not None and self.score >= component.pass_mark)


class PracticeSource(models.TextChoices):
    AUDIT = "audit", _("Recorded when the audit moved to follow-up")
    MANUAL = "manual", _("Recorded by certification staff")


class PracticeRecord(models.Model):
    """A person's service on one audit. The audit is kept as plain data (audits sit above us)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="practice_records",
        verbose_name=_("facilitator"),
    )
    audit_reference = models.PositiveIntegerField(
        _("audit reference"), null=True, blank=True, help_text=_("The audit's id in this system.")
    )
    audit_title = models.CharField(_("audit"), max_length=200)
    modality_code = models.SlugField(_("modality"), max_length=40)
    role = models.CharField(_("role"), max_length=24, choices=PracticeRole.choices)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_practice",
        verbose_name=_("supervisor"),
    )
    source = models.CharField(max_length=10, choices=PracticeSource.choices, default=PracticeSource.AUDIT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("practice record")
        ordering = ["user", "-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "audit_reference"],
                condition=Q(audit_reference__isnull=False),
                name="practice_record_once_per_audit",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="practice_dates_ordered",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(supervisor__isnull=True) | ~Q(supervisor=F("user")),
                name="practice_not_self_supervised",
                violation_error_message=_("Nobody supervises their own practice."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit_title} ({self.get_role_display()})"

    @property
    def practised_on(self) -> date:
        """The date that places this practice in a validity period."""
        return self.ended_on or self.started_on or self.created_at.date()


class Evaluation(models.Model):
    """The supervisor's evaluation of one practice audit, scored per competence on the rubric."""

    practice_record = models.OneToOneField(
        PracticeRecord, on_delete=models.PROTECT, related_name="evaluation"
    )
    programme = models.ForeignKey(CertificationProgramme, on_delete=models.PROTECT, related_name="+")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comments = models.TextField(_("comments"))
    satisfactory = models.BooleanField(
        _("satisfactory"), help_text=_("Every competence reached the rubric's satisfactory level.")
    )
    evaluated_on = models.DateField(_("evaluated on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        ordering = ["-evaluated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.practice_record} — {self.evaluator}"


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("evaluation score")
        ordering = ["evaluation", "competence__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "competence"], name="evaluation_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.competence}: {self.score}"


class CommunityContribution(models.Model):
    """Something a certified facilitator gave back to the community of practice (for renewal)."""

    facilitator = models.ForeignKey(
        FacilitatorProfile, on_delete=models.CASCADE, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    contributed_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contribution to the community of practice")
        verbose_name_plural = _("contributions to the community of practice")
        ordering = ["facilitator", "-contributed_on"]

    def __str__(self) -> str:
        return self.title
