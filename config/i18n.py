"""Library texts are stored per language ({"en": ..., "fr": ..., "es": ...}); every app reads them here."""

from django.conf import settings
from django.utils.translation import get_language


def translated(texts: dict | None, language: str | None = None):
    """The text in the active language, falling back to English, then to any language present."""
    if not texts:
        return ""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language in texts:
        return texts[language]
    if settings.LANGUAGE_CODE in texts:
        return texts[settings.LANGUAGE_CODE]
    return next(iter(texts.values()))
