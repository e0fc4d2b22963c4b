"""Survey work for the task worker (`manage.py db_worker`): invitation e-mail, key-area scores on close,
the XLSX export."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from audits.surveys import export_jobs, scores
from audits.surveys.links import invitation_token
from audits.surveys.models import Invitation


@task
def send_invitations(invitation_ids: list[int], reminder: bool, base_url: str) -> int:
    """Send each still-unused invitation its link, in the audit's language; returns how many went out."""
    invitations = (
        Invitation.objects.filter(pk__in=invitation_ids, used_at__isnull=True)
        .exclude(email="")
        .select_related("survey__audit__organization")
    )
    sent = 0
    for invitation in invitations:
        survey = invitation.survey
        if not survey.accepting:
            continue
        with translation.override(survey.audit.language):
            link = base_url.rstrip("/") + reverse(
                "surveys:respond", args=[invitation_token(invitation.nonce)]
            )
            context = {"audit": survey.audit, "survey": survey, "link": link, "reminder": reminder}
            subject = render_to_string("surveys/email/invitation_subject.txt", context).strip()
            body = render_to_string("surveys/email/invitation.txt", context)
        send_mail(subject, body, None, [invitation.email])
        now = timezone.now()
        if reminder:
            Invitation.objects.filter(pk=invitation.pk).update(reminded_at=now, reminders=F("reminders") + 1)
        else:
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=now)
        sent += 1
    return sent


@task
def store_key_area_scores(survey_id: int) -> int:
    """Keep a closed survey's key-area scores for figures across audits; returns 1 if it was scored."""
    return scores.survey_scores_store(survey_ids=[survey_id])


@task
def build_export(export_id: int, attempt: int) -> dict:
    """Build one attempt of a SurveyExport; progress and errors are recorded on the row."""
    return export_jobs.export_run(export_id=export_id, attempt=attempt)
