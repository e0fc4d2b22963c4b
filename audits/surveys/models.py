"""Staff survey instruments (versioned data), an audit's survey, its invitations and its responses.

A response carries no link to the link or invitation that produced it: invitations keep only the hash
of their token and when it was used; drafts are keyed by a hash and deleted on submit; responses have
random ids and no timestamp, so neither order nor time can join them back to an invitation.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from audits.models import Audit, MethodologyVersion
from config import jobs
from config.i18n import translated

DONT_KNOW = "dk"
LIKERT_VALUES = ("1", "2", "3", "4", "5")
AGREE_VALUES = ("4", "5", "yes")
# Respondent profile fields: each is a column of Response so breakdowns are plain GROUP BYs.
PROFILE_FIELDS = ("gender", "age_band", "staff_category", "managerial", "years_of_service")
GENDER_CODES = ("woman", "man", "another", "undisclosed")


class QuestionType(models.TextChoices):
    LIKERT = "likert", _("Likert 1–5 with don't know")
    YES_NO = "yes_no", _("Yes / no / don't know")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Open text")


SCORED_TYPES = (QuestionType.LIKERT,)
CLOSED_TYPES = (QuestionType.LIKERT, QuestionType.YES_NO, QuestionType.SINGLE, QuestionType.MULTIPLE)


class Instrument(models.Model):
    """A questionnaire: from the methodology library, or an audit's adapted copy of one."""

    methodology = models.ForeignKey(
        MethodologyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="instruments"
    )
    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, null=True, blank=True, related_name="survey_instruments"
    )
    origin = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", editable=False
    )
    code = models.SlugField(_("code"), max_length=60)
    version = models.CharField(_("version"), max_length=40)
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    profile_title = models.JSONField(_("profile block title"), default=dict, blank=True)
    profile_fields = models.JSONField(
        _("profile fields"),
        default=list,
        blank=True,
        help_text=_('[{"code": "gender", "label": {...}, "choices": [{"code": ..., "label": {...}}]}]'),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey instrument")
        ordering = ["code", "version", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "code"],
                condition=Q(audit__isnull=True),
                name="instrument_library_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(methodology__isnull=False) | Q(audit__isnull=False),
                name="instrument_library_or_audit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def name(self) -> str:
        return translated(self.title) or self.code

    def profile_field(self, code: str) -> dict | None:
        return next((field for field in self.profile_fields if field["code"] == code), None)


class Section(models.Model):
    """One page of the questionnaire."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField()
    title = models.JSONField(_("title"), default=dict)

    class Meta:
        verbose_name = _("survey section")
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="survey_section_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return translated(self.title) or self.code


class Question(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=60)
    order = models.PositiveSmallIntegerField()
    type = models.CharField(_("type"), max_length=10, choices=QuestionType.choices)
    text = models.JSONField(_("text"), default=dict)
    help = models.JSONField(_("help text"), default=dict, blank=True)
    key_areas = models.JSONField(_("key areas"), default=list, help_text=_("Key area codes, e.g. KA08."))
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('[{"code": ..., "label": {...}}]')
    )
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("survey question")
        ordering = ["instrument", "section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="survey_question_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return translated(self.text) or self.code

    @property
    def hint(self) -> str:
        return translated(self.help)

    def choice_codes(self) -> list[str]:
        return [choice["code"] for choice in self.choices]


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", pgettext_lazy("survey status", "Open")
    CLOSED = "closed", _("Closed")
    SKIPPED = "skipped", _("Skipped")


class InvitationMode(models.TextChoices):
    SHARED = "shared", _("One shared link")
    SINGLE_USE = "single_use", _("Single-use links sent by e-mail")


class Survey(models.Model):
    """An audit's staff survey: prepared, open during fieldwork, then closed (or skipped with a reason)."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="survey")
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    status = FSMField(_("status"), default=SurveyStatus.DRAFT, choices=SurveyStatus.choices, protected=True)
    mode = models.CharField(_("invitations"), max_length=12, choices=InvitationMode.choices, blank=True)
    shared_token = models.CharField(max_length=64, blank=True, editable=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    skip_reason = models.TextField(_("reason for skipping"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    population = models.JSONField(
        _("people in scope by group"),
        default=dict,
        blank=True,
        help_text=_('{"gender": {"woman": 20, ...}, "staff_category": {...}}'),
    )

    class Meta:
        verbose_name = _("staff survey")
        constraints = [
            models.UniqueConstraint(
                fields=["shared_token"], condition=~Q(shared_token=""), name="survey_shared_token_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(skip_reason=""),
                name="survey_skip_has_reason",
                violation_error_message=_("Say why the survey is skipped."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit}: {self.get_status_display()}"

    @property
    def accepting(self) -> bool:
        """Open and before its closing time: links work."""
        return self.status == SurveyStatus.OPEN and (
            self.closes_at is None or timezone.now() < self.closes_at
        )

    @property
    def effective_status(self) -> str:
        """An open survey past its closing time counts as closed."""
        if self.status == SurveyStatus.OPEN and not self.accepting:
            return SurveyStatus.CLOSED
        return self.status

    @property
    def editable(self) -> bool:
        """The instrument may change only until the survey opens."""
        return self.status == SurveyStatus.DRAFT

    @transition(field=status, source=SurveyStatus.DRAFT, target=SurveyStatus.OPEN)
    def open(self, *, closes_at, mode: str, shared_token: str = "") -> None:
        self.closes_at, self.mode, self.shared_token = closes_at, mode, shared_token
        self.opened_at = timezone.now()

    @transition(field=status, source=SurveyStatus.OPEN, target=SurveyStatus.CLOSED)
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(field=status, source=SurveyStatus.DRAFT, target=SurveyStatus.SKIPPED)
    def skip(self, *, reason: str, actor) -> None:
        self.skip_reason, self.decided_by, self.decided_at = reason, actor, timezone.now()


class Invitation(models.Model):
    """A single-use link for one person; the token itself is never stored, only its hash."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Erased when the survey closes."))
    nonce = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "email"], condition=~Q(email=""), name="invitation_once_per_email"
            )
        ]

    def __str__(self) -> str:
        return self.email or f"invitation {self.pk}"


class Draft(models.Model):
    """Answers saved on the way, keyed by the hash of the link (or of the browser's key for a shared link)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="drafts")
    key_hash = models.CharField(max_length=64)
    answers = models.JSONField(default=dict)
    profile = models.JSONField(default=dict)
    section = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft response")
        constraints = [models.UniqueConstraint(fields=["survey", "key_hash"], name="draft_once_per_key")]

    def __str__(self) -> str:
        return f"draft {self.pk}"


class Response(models.Model):
    """One submitted questionnaire: answers by question code and the respondent's optional profile."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    submission_key = models.CharField(
        max_length=64, unique=True, editable=False, help_text=_("Hash of the form's submission id.")
    )
    answers = models.JSONField(default=dict)
    gender = models.CharField(_("gender"), max_length=40, blank=True)
    age_band = models.CharField(_("age band"), max_length=40, blank=True)
    staff_category = models.CharField(_("staff category"), max_length=40, blank=True)
    managerial = models.CharField(_("managerial role"), max_length=40, blank=True)
    years_of_service = models.CharField(_("years of service"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("survey response")
        ordering = ["survey", "id"]

    def __str__(self) -> str:
        return f"response {self.pk}"


class KeyAreaScore(models.Model):
    """A closed survey's key-area score for one gender group: how many respondents scored it, and the sum.

    Sums, not means, so figures over many surveys (the programme portfolio) add up exactly. Stored when
    the survey closes, as its answers can no longer change. The row with a blank key area and group
    holds the survey's response count: a survey that has one is scored, even if nobody scored an area.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="key_area_scores")
    key_area = models.CharField(_("key area"), max_length=10, blank=True)
    group = models.CharField(_("gender group"), max_length=20, blank=True)
    respondents = models.PositiveIntegerField(_("respondents"))
    score_sum = models.FloatField(_("sum of scores"), default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("key-area score")
        ordering = ["survey", "key_area", "group"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key_area", "group"], name="key_area_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.key_area or 'responses'} {self.group}"


def export_upload_path(instance: SurveyExport, filename: str) -> str:
    """A random name under the audit's folder: the stored name says nothing about the survey."""
    return f"survey-exports/{instance.survey.audit_id}/{secrets.token_hex(16)}.xlsx"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Preparing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class SurveyExport(jobs.Job):
    """One requested XLSX workbook of a survey, built by the task worker, from the queue to its file.

    The fingerprint names the data it was built from (responses, k, language), so a second request
    for unchanged responses is answered with the finished file instead of a new build.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="exports")
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    fingerprint = models.CharField(max_length=64, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to=export_upload_path, blank=True, max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey export")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["survey", "-requested_at"], name="survey_export_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="survey_export_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} XLSX #{self.pk} ({self.get_status_display()})"
