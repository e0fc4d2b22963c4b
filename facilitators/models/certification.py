"""Facilitators, their certification (the state machine), its history, decisions and certificates.

A certification's state changes only through the transitions below, whose conditions are the named
predicates in `facilitators.workflow`; services call them inside a locked transaction and log them.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from facilitators import workflow
from facilitators.models.programme import CertificationProgramme, add_years


class FacilitatorProfile(models.Model):
    """What a facilitator tells about themselves, and which parts they agree to publish."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="facilitator_profile",
        verbose_name=_("user"),
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Separate with commas.")
    )
    regions = models.CharField(_("regions"), max_length=200, blank=True, help_text=_("Separate with commas."))
    expertise = models.CharField(
        _("expertise"), max_length=300, blank=True, help_text=_("Separate with commas.")
    )
    contact = models.CharField(
        _("public contact"),
        max_length=200,
        blank=True,
        help_text=_("How people can reach you (an e-mail address or a web page)."),
    )
    publish_on_roster = models.BooleanField(
        _("list me on the public roster"),
        default=False,
        help_text=_("Your name appears on the roster and on verification of your certificate."),
    )
    publish_languages = models.BooleanField(_("publish my languages"), default=False)
    publish_regions = models.BooleanField(_("publish my regions"), default=False)
    publish_expertise = models.BooleanField(_("publish my expertise"), default=False)
    publish_contact = models.BooleanField(_("publish my contact"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("facilitator profile")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @staticmethod
    def split(text: str) -> list[str]:
        return [item.strip() for item in text.split(",") if item.strip()]

    @property
    def language_list(self) -> list[str]:
        return self.split(self.languages)

    @property
    def region_list(self) -> list[str]:
        return self.split(self.regions)

    @property
    def expertise_list(self) -> list[str]:
        return self.split(self.expertise)


class CertificationState(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ADMITTED = "admitted", _("Admitted")
    IN_TRAINING = "in_training", _("In training")
    TRAINED = "trained", _("Trained")
    IN_PRACTICE = "in_practice", _("In practice")
    UNDER_REVIEW = "under_review", _("Under review")
    CERTIFIED = "certified", _("Certified")
    EXPIRING_SOON = "expiring_soon", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = CertificationState
# States in which a certificate is in force (if its dates say so).
HOLDING_STATES = (S.CERTIFIED, S.EXPIRING_SOON, S.RENEWED)
CANDIDATE_STATES = (S.APPLICANT, S.ADMITTED, S.IN_TRAINING, S.TRAINED, S.IN_PRACTICE, S.UNDER_REVIEW)
ACTIVE_STATES = (*CANDIDATE_STATES, *HOLDING_STATES, S.EXPIRED)


class Certification(ConcurrentTransitionMixin, models.Model):
    """One person's path through one programme version, from application to certification."""

    facilitator = models.ForeignKey(
        FacilitatorProfile,
        on_delete=models.PROTECT,
        related_name="certifications",
        verbose_name=_("facilitator"),
    )
    programme = models.ForeignKey(
        CertificationProgramme,
        on_delete=models.PROTECT,
        related_name="certifications",
        verbose_name=_("programme"),
    )
    applicant_type = models.CharField(_("applicant type"), max_length=40)
    state = FSMField(_("state"), max_length=20, choices=S.choices, default=S.APPLICANT, protected=True)
    held_state = models.CharField(max_length=20, blank=True, editable=False)
    review_round = models.PositiveSmallIntegerField(default=0, editable=False)
    applied_on = models.DateField(_("applied on"))
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    training_started_on = models.DateField(_("training started on"), null=True, blank=True)
    trained_on = models.DateField(_("trained on"), null=True, blank=True)
    practice_started_on = models.DateField(_("practice started on"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted for review on"), null=True, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    renewed_on = models.DateField(_("renewed on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certification")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state"]), models.Index(fields=["expires_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["facilitator"],
                condition=~Q(state=S.WITHDRAWN),
                name="one_open_certification_per_facilitator",
                violation_error_message=_("This person already has a certification in progress."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(certified_on__isnull=True)
                | Q(expires_on__gt=F("certified_on")),
                name="certification_expires_after_award",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[*HOLDING_STATES, S.EXPIRED])
                | (Q(certified_on__isnull=False) & Q(expires_on__isnull=False)),
                name="certification_award_dated",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.SUSPENDED) | ~Q(suspension_reason=""),
                name="certification_suspension_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=S.WITHDRAWN) | ~Q(withdrawal_reason=""),
                name="certification_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facilitator} · {self.get_state_display()}"

    # Thin transitions: what must hold first lives in facilitators.workflow; services call these
    # inside a locked transaction and log them.

    @transition(
        field=state,
        source=S.APPLICANT,
        target=S.ADMITTED,
        conditions=[workflow.admission_requirements_met],
    )
    def admit(self, *, today: date) -> None:
        self.admitted_on = today

    @transition(field=state, source=S.ADMITTED, target=S.IN_TRAINING)
    def start_training(self, *, today: date) -> None:
        self.training_started_on = today

    @transition(
        field=state,
        source=S.IN_TRAINING,
        target=S.TRAINED,
        conditions=[workflow.training_requirements_met],
    )
    def complete_training(self, *, today: date) -> None:
        self.trained_on = today

    @transition(field=state, source=S.TRAINED, target=S.IN_PRACTICE)
    def start_practice(self, *, today: date) -> None:
        self.practice_started_on = today

    @transition(
        field=state,
        source=S.IN_PRACTICE,
        target=S.UNDER_REVIEW,
        conditions=[workflow.practice_requirements_met],
    )
    def submit_for_review(self, *, today: date) -> None:
        self.submitted_on = today
        self.review_round += 1

    @transition(
        field=state,
        source=S.UNDER_REVIEW,
        target=S.CERTIFIED,
        conditions=[workflow.committee_certified],
    )
    def certify(self, *, today: date) -> None:
        self.certified_on = today
        self.expires_on = add_years(today, self.programme.validity_years)

    @transition(
        field=state,
        source=S.UNDER_REVIEW,
        target=S.IN_PRACTICE,
        conditions=[workflow.committee_asked_for_more_practice],
    )
    def return_to_practice(self, *, today: date) -> None:
        self.practice_started_on = self.practice_started_on or today

    @transition(
        field=state,
        source=[S.CERTIFIED, S.RENEWED],
        target=S.EXPIRING_SOON,
        conditions=[workflow.expiry_warning_due],
    )
    def warn_expiry(self, *, today: date) -> None:
        """Only the date moves a certification here (see certification_sweep)."""

    @transition(
        field=state,
        source=list(HOLDING_STATES),
        target=S.EXPIRED,
        conditions=[workflow.expiry_date_passed],
    )
    def expire(self, *, today: date) -> None:
        """Only the date moves a certification here (see certification_sweep)."""

    @transition(
        field=state,
        source=[*HOLDING_STATES, S.EXPIRED],
        target=S.RENEWED,
        conditions=[workflow.renewal_requirements_met],
    )
    def renew(self, *, today: date) -> None:
        # Renewing early loses no time; renewing after expiry starts a new period today.
        self.renewed_on = today
        self.expires_on = add_years(max(self.expires_on, today), self.programme.validity_years)

    @transition(field=state, source=list(ACTIVE_STATES), target=S.SUSPENDED)
    def suspend(self, *, today: date, reason: str) -> None:
        self.held_state = self.state
        self.suspended_on = today
        self.suspension_reason = reason

    @transition(field=state, source=S.SUSPENDED, target=RETURN_VALUE(*ACTIVE_STATES))
    def reinstate(self, *, today: date) -> str:
        state, self.held_state = self.held_state, ""
        self.suspended_on, self.suspension_reason = None, ""
        return state

    @transition(field=state, source=[*ACTIVE_STATES, S.SUSPENDED], target=S.WITHDRAWN)
    def withdraw(self, *, today: date, reason: str) -> None:
        self.withdrawn_on = today
        self.withdrawal_reason = reason


class CertificationTransition(models.Model):
    """The certification's history: who moved it, when, from where to where, and why."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the date moved it (expiry)."),
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("certification transition")
        ordering = ["certification", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.certification_id}: {self.from_state} → {self.to_state}"


class Decision(models.TextChoices):
    CERTIFY = "certify", _("Certify")
    MORE_PRACTICE = "more_practice", _("Ask for more practice")
    REJECT = "reject", _("Reject")


class CommitteeDecision(models.Model):
    """The certification committee's decision on one review, with the evidence it saw."""

    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="decisions")
    review_round = models.PositiveSmallIntegerField()
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reasons = models.TextField(_("reasons"))
    committee_members = models.CharField(_("committee members"), max_length=300, blank=True)
    decided_on = models.DateField(_("date of the decision"))
    evidence = models.JSONField(_("evidence reviewed"), default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee decision")
        ordering = ["certification", "review_round"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "review_round"], name="one_decision_per_review"),
            models.CheckConstraint(condition=~Q(reasons=""), name="decision_has_reasons"),
        ]

    def __str__(self) -> str:
        return f"{self.certification.facilitator}: {self.get_decision_display()}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CertificateKind(models.TextChoices):
    CERTIFICATION = "certification", _("Certification")
    RENEWAL = "renewal", _("Renewal")


class Certificate(models.Model):
    """A certificate as issued; anyone holding its code can check whether it is still valid."""

    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=CertificateKind.choices)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")), name="certificate_expires_after_issue"
            )
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return "-".join(self.code[index : index + 4] for index in range(0, len(self.code), 4))

    def status_on(self, today: date) -> str:
        """Withdrawn and suspended come from the certification; expired from the date."""
        state = self.certification.state
        if state == S.WITHDRAWN:
            return CertificateStatus.WITHDRAWN
        if state == S.SUSPENDED:
            return CertificateStatus.SUSPENDED
        if today >= self.expires_on:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID


class ExpiryReminder(models.Model):
    """A reminder e-mail sent once per window (days before a given expiry date)."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="reminders")
    expires_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("expiry reminder")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "expires_on", "days_before"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certification.facilitator}: {self.days_before} days before {self.expires_on}"
