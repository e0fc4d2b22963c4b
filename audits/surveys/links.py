"""Respondent links: one shared token per survey, or single-use tokens whose hash alone is stored.

A single-use token is an HMAC of the invitation's random nonce, so a reminder can repeat the same
link without the token ever being written to the database.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

from audits.surveys.models import Invitation, Survey, SurveyStatus

INVITATION_SALT = "audits.surveys.invitation"
DRAFT_COOKIE = "pga_survey_key"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)


def new_shared_token() -> str:
    return secrets.token_urlsafe(18)


def new_browser_key() -> str:
    return secrets.token_urlsafe(24)


def invitation_token(nonce: str) -> str:
    return salted_hmac(INVITATION_SALT, nonce, algorithm="sha256").hexdigest()[:40]


class LinkState:
    OK = "ok"
    UNKNOWN = "unknown"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    USED = "used"


@dataclass(frozen=True)
class RespondentLink:
    """What a token opens: its survey, the invitation for a single-use link, and its state."""

    token: str
    state: str
    survey: Survey | None = None
    invitation: Invitation | None = None

    @property
    def usable(self) -> bool:
        return self.state == LinkState.OK

    def draft_key(self, browser_key: str = "") -> str:
        """Drafts of a single-use link are keyed by its hash; of a shared link, by the browser's key."""
        if self.invitation is not None:
            return self.invitation.token_hash
        return digest(f"{self.token}:{browser_key}") if browser_key else ""


def resolve(token: str) -> RespondentLink:
    """The link a respondent followed (two queries at most)."""
    if not token or len(token) > 100:
        return RespondentLink(token, LinkState.UNKNOWN)
    invitation = (
        Invitation.objects.select_related("survey__audit", "survey__instrument")
        .filter(token_hash=digest(token))
        .first()
    )
    survey = invitation.survey if invitation else None
    if survey is None:
        survey = Survey.objects.select_related("audit", "instrument").filter(shared_token=token).first()
        if survey is None or survey.mode != "shared":
            return RespondentLink(token, LinkState.UNKNOWN)
    if survey.status == SurveyStatus.DRAFT:
        return RespondentLink(token, LinkState.NOT_OPEN, survey, invitation)
    if not survey.accepting:
        return RespondentLink(token, LinkState.CLOSED, survey, invitation)
    if invitation is not None and invitation.used_at is not None:
        return RespondentLink(token, LinkState.USED, survey, invitation)
    return RespondentLink(token, LinkState.OK, survey, invitation)
