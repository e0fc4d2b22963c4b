"""Respondent links: one shared token per survey, or single-use tokens whose hash alone is stored.

A single-use token is an HMAC of the invitation's random nonce, so a reminder can repeat the same
link without the token ever being written to the database.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass

from django.db import connection
from django.utils.crypto import salted_hmac

from audits.surveys.models import Invitation, InvitationMode, Survey, SurveyStatus

INVITATION_SALT = "audits.surveys.invitation"
DRAFT_COOKIE = "pga_survey_key"
SUBMISSION_COOKIE = "pga_survey_submission"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(16)


def new_shared_token() -> str:
    return secrets.token_urlsafe(18)


def new_browser_key() -> str:
    return secrets.token_urlsafe(24)


def submission_id(seed: str, token: str) -> str:
    """The form's submission id: the same for a browser and link until the browser's seed is renewed
    (after an acknowledged submit); the seed never reaches the database, so the id joins nothing."""
    return digest(f"submission-id:{seed}:{token}")[:32]


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


# What a respondent's request reads of its survey: enough to route it, nothing of the questionnaire.
SURVEY_FIELDS = ("id", "audit_id", "instrument_id", "status", "mode", "closes_at", "opened_at")
INVITATION_TOKEN_LENGTH = 40
HEX_DIGITS = frozenset("0123456789abcdef")


def is_invitation_format(token: str) -> bool:
    """Single-use tokens are 40 hex digits (invitation_token); shared tokens are 24 URL-safe characters."""
    return len(token) == INVITATION_TOKEN_LENGTH and HEX_DIGITS.issuperset(token)


def _invitation(token: str) -> Invitation | None:
    fields = ("id", "token_hash", "used_at", "survey_id", *(f"survey__{name}" for name in SURVEY_FIELDS))
    invitations = Invitation.objects.select_related("survey").only(*fields).order_by()
    return next(iter(invitations.filter(token_hash=digest(token))[:1]), None)


@functools.cache
def _shared_survey_sql(vendor: str) -> str:
    """The shared-link look-up, written once: compiling the same ORM query on every respondent
    request cost more CPU (0.5 ms) than the query itself; raw() still applies the backend's
    converters, so the survey's fields read as they do through the ORM."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Survey._meta.get_field(name).column) for name in SURVEY_FIELDS)
    return (
        f"SELECT {columns} FROM {quote(Survey._meta.db_table)} "
        f"WHERE {quote('shared_token')} = %s AND {quote('mode')} = %s LIMIT 1"
    )


def _shared_survey(token: str) -> Survey | None:
    rows = Survey.objects.raw(_shared_survey_sql(connection.vendor), [token, InvitationMode.SHARED])
    return next(iter(rows), None)


def resolve(token: str) -> RespondentLink:
    """The link a respondent followed, in one narrow query (a second only for an unknown token).

    The token's format says which table to look in; an invitation-shaped token that is no invitation
    is still looked up as a shared one, so a shared token of any shape keeps working.
    """
    if not token or len(token) > 100:
        return RespondentLink(token, LinkState.UNKNOWN)
    invitation = _invitation(token) if is_invitation_format(token) else None
    survey = invitation.survey if invitation else _shared_survey(token)
    if survey is None:
        return RespondentLink(token, LinkState.UNKNOWN)
    if survey.status == SurveyStatus.DRAFT:
        return RespondentLink(token, LinkState.NOT_OPEN, survey, invitation)
    if not survey.accepting:
        return RespondentLink(token, LinkState.CLOSED, survey, invitation)
    if invitation is not None and invitation.used_at is not None:
        return RespondentLink(token, LinkState.USED, survey, invitation)
    return RespondentLink(token, LinkState.OK, survey, invitation)
