"""The audit's qualitative evidence and staff statistics, and the findings drawn from them.

Documents reviewed at the desk, interviews with their coded excerpts, workshop outputs, the staff
file's rows, and per key area the findings that cite them. Who may read or change any of it is
decided in audits.evidence.selectors (the facilitation team only); figures about people leave
through audits.disclosure.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.models import Audit, KeyArea


def evidence_upload_path(instance: Document, filename: str) -> str:
    """A random name under the audit's folder: the stored name says nothing about the document."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evidence/{instance.audit_id}/{secrets.token_hex(16)}{suffix}"


class DocumentType(models.TextChoices):
    POLICY = "policy", _("Policy")
    STRATEGY = "strategy", _("Strategy")
    BUDGET = "budget", _("Budget")
    HR_RULE = "hr_rule", _("HR rule")
    REPORT = "report", _("Report")
    PUBLICATION = "publication", _("Publication")
    OTHER = "other", _("Other")


class Document(models.Model):
    """A document collected for the desk review: an uploaded file or a link, never both missing."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    doc_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    key_areas = models.ManyToManyField(KeyArea, blank=True, related_name="+", verbose_name=_("key areas"))
    file = models.FileField(_("file"), upload_to=evidence_upload_path, blank=True, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        ordering = ["audit", "-added_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(link=""),
                name="document_file_or_link",
                violation_error_message=_("Upload a file or give a link."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Rating(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class DocumentAssessment(models.Model):
    """The reviewer's answer to one criterion (a guiding question of a key area) for a document."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="assessments")
    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="+")
    criterion = models.PositiveSmallIntegerField(
        _("criterion"), help_text=_("Position of the guiding question in the key area's list.")
    )
    rating = models.CharField(_("assessment"), max_length=8, choices=Rating.choices)
    notes = models.TextField(_("notes"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document assessment")
        ordering = ["document", "key_area__order", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "key_area", "criterion"], name="document_assessment_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} — {self.key_area.code}.{self.criterion + 1}: {self.get_rating_display()}"

    @property
    def criterion_text(self) -> str:
        questions = self.key_area.questions
        return questions[self.criterion] if self.criterion < len(questions) else f"#{self.criterion + 1}"


class InterviewKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class InterviewMode(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")


class ProfileGender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    MIXED = "mixed", _("Women and men (group)")
    UNDISCLOSED = "undisclosed", _("Not recorded")


class ProfileRole(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    PROFESSIONAL = "professional", _("Professional staff")
    SUPPORT = "support", _("Support staff")
    OTHER = "other", _("Other")


class Interview(models.Model):
    """An individual or group interview; its notes are for the facilitation team's eyes only.

    The interviewee is described by categories (grade, gender, role); a name is kept only with the
    person's consent and never leaves the system (no API field, no board, no report).
    """

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="interviews")
    kind = models.CharField(_("kind"), max_length=12, choices=InterviewKind.choices)
    participants = models.PositiveSmallIntegerField(_("participants"), default=1)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    mode = models.CharField(_("mode"), max_length=12, choices=InterviewMode.choices)
    video_link = models.URLField(_("video call link"), max_length=500, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=100, blank=True)
    gender = models.CharField(
        _("gender"), max_length=12, choices=ProfileGender.choices, default=ProfileGender.UNDISCLOSED
    )
    role = models.CharField(_("role"), max_length=20, choices=ProfileRole.choices, blank=True)
    consent = models.BooleanField(_("consent recorded"), default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    name_consent = models.BooleanField(_("agrees to be named"), default=False)
    interviewee_name = models.CharField(_("interviewee's name"), max_length=200, blank=True)
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("interviewers")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interview")
        ordering = ["audit", "scheduled_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mode="video") | ~Q(video_link=""),
                name="interview_video_has_link",
                violation_error_message=_("A video call needs its link."),
            ),
            models.CheckConstraint(
                condition=Q(interviewee_name="") | Q(name_consent=True),
                name="interview_name_only_with_consent",
                violation_error_message=_("A name is kept only when the person agrees to be named."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="individual") & Q(participants=1))
                | (Q(kind="group") & Q(participants__gte=2)),
                name="interview_participants_fit_kind",
                violation_error_message=_("An individual interview has 1 participant, a group at least 2."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} interview #{self.pk}"


class ExcerptKind(models.TextChoices):
    QUOTATION = "quotation", _("Quotation")
    SUMMARY = "summary", _("Summary")


class EvidenceCode(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    GAP = "gap", pgettext_lazy("finding kind", "Gap")
    IDEA = "idea", _("Recommendation idea")


class Excerpt(models.Model):
    """A quotation or summary from an interview, coded to key areas as strength, gap or idea."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="excerpts")
    kind = models.CharField(_("kind"), max_length=12, choices=ExcerptKind.choices)
    text = models.TextField(_("text"))
    code = models.CharField(_("code"), max_length=10, choices=EvidenceCode.choices)
    key_areas = models.ManyToManyField(KeyArea, related_name="+", verbose_name=_("key areas"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interview excerpt")
        ordering = ["interview", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_code_display()})"


class WorkshopDelivery(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")


class Workshop(models.Model):
    """A participatory workshop session; participants are counted by gender, never named."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    delivery = models.CharField(_("delivery"), max_length=10, choices=WorkshopDelivery.choices)
    women = models.PositiveIntegerField(_("women taking part"), default=0)
    men = models.PositiveIntegerField(_("men taking part"), default=0)
    other = models.PositiveIntegerField(_("others taking part"), default=0)
    exercises = models.JSONField(_("exercises run"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop")
        ordering = ["audit", "date", "pk"]

    def __str__(self) -> str:
        return self.title


class StatementKind(models.TextChoices):
    WORKS = "works", _("What works")
    DOES_NOT_WORK = "does_not_work", _("What does not work")
    IDEA = "idea", _("Idea")


class WorkshopStatement(models.Model):
    """One output of a workshop exercise about a key area; promoted ones count as evidence."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="statements")
    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=StatementKind.choices)
    text = models.TextField(_("statement"))
    exercise = models.CharField(_("exercise"), max_length=200, blank=True)
    promoted = models.BooleanField(_("promoted to evidence"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop statement")
        ordering = ["workshop", "key_area__order", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.key_area.code} {self.get_kind_display()}: {self.text[:60]}"


class StaffDataset(models.Model):
    """The audit's staff file as validated and stored; a new upload replaces it whole."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="staff_dataset")
    source_name = models.CharField(_("file name"), max_length=255)
    workers = models.PositiveIntegerField(_("workers"))
    columns = models.JSONField(_("breakdown columns"), default=list)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff dataset")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.workers})"


class StaffRecord(models.Model):
    """One worker of the staff file: pseudonymous id, the indicators' inputs, the breakdowns.

    Only the columns an analysis uses are kept (data minimisation); other columns are dropped.
    """

    dataset = models.ForeignKey(StaffDataset, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField()
    employee_id = models.CharField(max_length=100)
    gender = models.CharField(max_length=6)
    category = models.CharField(max_length=200)
    annual_hours = models.FloatField()
    base_pay = models.FloatField()
    variable_pay = models.FloatField(default=0)
    grade = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    contract_type = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("staff record")
        ordering = ["dataset", "row"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "employee_id"], name="staff_record_employee_once")
        ]

    def __str__(self) -> str:
        return self.employee_id


class FindingKind(models.TextChoices):
    GOOD_PRACTICE = "good_practice", _("Good practice")
    GAP = "gap", _("Gap or challenge")


class Finding(models.Model):
    """What the team concludes about a key area, grounded in the evidence it cites."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    key_area = models.ForeignKey(KeyArea, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=14, choices=FindingKind.choices)
    statement = models.TextField(_("statement"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("finding")
        ordering = ["audit", "key_area__order", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.key_area.code} {self.get_kind_display()}: {self.statement[:60]}"


class EvidenceKind(models.TextChoices):
    EXCERPT = "excerpt", _("Interview excerpt")
    WORKSHOP_STATEMENT = "workshop_statement", _("Workshop statement")
    DOCUMENT_REVIEW = "document_review", _("Document review")
    STAFF_INDICATOR = "staff_indicator", _("Staff figure")
    SURVEY_RESULT = "survey_result", _("Survey result")


# The FindingEvidence field that holds the reference for each kind of evidence.
REFERENCE_FIELDS = {
    EvidenceKind.EXCERPT: "excerpt",
    EvidenceKind.WORKSHOP_STATEMENT: "workshop_statement",
    EvidenceKind.DOCUMENT_REVIEW: "document_assessment",
    EvidenceKind.STAFF_INDICATOR: "staff_indicator",
    EvidenceKind.SURVEY_RESULT: "survey_question_code",
}


def _exactly_the_reference_of(kind: str) -> Q:
    """The row sets the reference field of its kind and leaves every other one empty."""
    condition = Q(kind=kind)
    for other, name in REFERENCE_FIELDS.items():
        text = name in ("staff_indicator", "survey_question_code")
        empty = Q(**{name: ""}) if text else Q(**{f"{name}__isnull": True})
        condition &= ~empty if other == kind else empty
    return condition


class FindingEvidence(models.Model):
    """One piece of evidence a finding cites.

    Explicit nullable foreign keys for the kinds stored in this app (excerpt, workshop statement,
    document assessment) give referential integrity: evidence that supports a finding cannot be
    deleted from under it (PROTECT). Figures computed on the fly (staff indicators) and results
    owned by another sub-app (survey questions) are cited by a stable text key, so evidence needs no
    import of the surveys app. `snapshot` keeps the text as cited (no name, no small-group
    attribute), which the report can print even if the underlying figure is later recomputed.
    """

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    excerpt = models.ForeignKey(
        Excerpt, on_delete=models.PROTECT, null=True, blank=True, related_name="citations"
    )
    workshop_statement = models.ForeignKey(
        WorkshopStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="citations"
    )
    document_assessment = models.ForeignKey(
        DocumentAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="citations"
    )
    staff_indicator = models.CharField(_("staff indicator"), max_length=120, blank=True)
    survey_question_code = models.CharField(_("survey question"), max_length=120, blank=True)
    snapshot = models.TextField(_("text as cited"))

    class Meta:
        verbose_name = _("finding evidence")
        verbose_name_plural = _("finding evidence")
        ordering = ["finding", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(_exactly_the_reference_of(EvidenceKind.EXCERPT))
                | _exactly_the_reference_of(EvidenceKind.WORKSHOP_STATEMENT)
                | _exactly_the_reference_of(EvidenceKind.DOCUMENT_REVIEW)
                | _exactly_the_reference_of(EvidenceKind.STAFF_INDICATOR)
                | _exactly_the_reference_of(EvidenceKind.SURVEY_RESULT),
                name="finding_evidence_one_reference",
            ),
            *(
                models.UniqueConstraint(
                    fields=["finding", name],
                    condition=Q(kind=kind),
                    name=f"finding_cites_{kind}_once",
                    violation_error_message=_("The finding already cites this evidence."),
                )
                for kind, name in REFERENCE_FIELDS.items()
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.snapshot[:60]}"

    @property
    def ref(self) -> str:
        """The reference as the evidence sources name it ("42", "mean_gap_pct", "Q07")."""
        value = getattr(self, REFERENCE_FIELDS[self.kind] + ("_id" if self._is_foreign_key() else ""))
        return str(value)

    def _is_foreign_key(self) -> bool:
        return REFERENCE_FIELDS[self.kind] in ("excerpt", "workshop_statement", "document_assessment")
