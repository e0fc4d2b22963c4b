"""What a web server needs before it may answer requests (called by wsgi.py and asgi.py)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_production_secret() -> None:
    """Refuse to serve with the development key unless DEBUG is on."""
    if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
