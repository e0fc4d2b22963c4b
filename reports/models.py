"""Rendered reports: each background render with its progress, and the issued, immutable snapshots.

A render is requested by a person, enqueued on commit and run by the task worker; it records its
stage, progress and error, and keeps the PDF it produced. Issuing renders the final report (no
DRAFT mark) and stores it as a snapshot that is never changed: a later issue is a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import jobs
from reports.programme import Programme  # noqa: F401 (the portfolio's permission)


class RenderKind(models.TextChoices):
    REPORT = "report", _("Roadmap report")
    PROGRESS = "progress", _("Progress report")
    GEOSA = "geosa", _("GEOSA report")


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


IN_FLIGHT = (RenderStatus.QUEUED, RenderStatus.RENDERING)


class ReportText(models.Model):
    """The words the team writes for the report itself (the rest comes from the audit's data)."""

    audit = models.OneToOneField("audits.Audit", on_delete=models.CASCADE, related_name="report_text")
    executive_summary = models.TextField(
        _("executive summary"),
        blank=True,
        help_text=_("A few paragraphs for management; the report adds the key figures after them."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report text")

    def __str__(self) -> str:
        return f"{self.audit}"


class ReportRender(jobs.Job):
    """One requested rendering of a report, from the queue to its PDF or its error."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="report_renders")
    kind = models.CharField(_("kind"), max_length=10, choices=RenderKind.choices, default=RenderKind.REPORT)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    final = models.BooleanField(
        _("final"), default=False, help_text=_("Rendered to be issued: no DRAFT mark, kept as a snapshot.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    pdf = models.BinaryField(null=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    data_version = models.CharField(max_length=64, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    seconds = models.FloatField(_("rendering time in seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("report render")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["audit", "kind", "-requested_at"], name="report_render_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_render_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"


class SnapshotImmutable(Exception):
    """An issued report is never changed or deleted; issue a new version instead."""


class ReportSnapshot(models.Model):
    """An issued report: the PDF, its SHA-256, the data version it was built from, who issued it."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="report_snapshots")
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    data_version = models.CharField(_("data version"), max_length=64, editable=False)
    pages = models.PositiveIntegerField(_("pages"))
    size = models.PositiveIntegerField(_("size in bytes"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    render = models.OneToOneField(
        ReportRender, on_delete=models.PROTECT, null=True, blank=True, related_name="snapshot", editable=False
    )

    class Meta:
        verbose_name = _("issued report")
        ordering = ["audit", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "version"], name="report_snapshot_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.audit} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise SnapshotImmutable("An issued report cannot be changed; issue a new version instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SnapshotImmutable("An issued report cannot be deleted.")
