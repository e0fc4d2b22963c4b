"""Production response headers: HSTS, cookie flags, framing and referrer rules, and a Content Security
Policy that allows no inline script, which the templates respect."""

import re
import socket
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.factories import PASSWORD, UserFactory
from tests.test_settings import run_manage

ROOT = Path(__file__).resolve().parents[2]
# Rendered to PDF by WeasyPrint, never served to a browser: their inline styles stay.
PDF_TEMPLATES = {
    "reports/report.html",
    "reports/progress.html",
    "selfassessment/report.html",
    "facilitators/certificate_pdf.html",
    "facilitators/attendance_pdf.html",
}


def policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {words[0]: words[1:] for words in directives if words}


@pytest.mark.django_db
def test_production_headers_and_cookie_flags(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000  # as in production; the test fixtures turn it off
    assert client.get("/accounts/login/").status_code == 301  # plain HTTP goes to HTTPS
    user = UserFactory()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert session["max-age"] == 12 * 60 * 60
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


def test_the_content_security_policy_allows_scripts_only_from_our_own_files(client):
    directives = policy(client.get("/accounts/login/"))
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]


def test_the_api_docs_relax_only_style_and_load_their_script_from_a_url(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    html = response.content.decode()
    assert not re.search(r"<script>", html)
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    init = client.get(script)
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()


def browser_templates() -> list[Path]:
    folder = ROOT / "templates"
    return [
        path
        for path in sorted(folder.rglob("*.html"))
        if path.relative_to(folder).as_posix() not in PDF_TEMPLATES
    ]


@pytest.mark.parametrize("path", browser_templates(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_page_template_has_inline_script_handlers_or_style_attributes(path):
    html = path.read_text()
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and "application/json" not in tag
    ]
    assert inline_scripts == []
    assert not re.search(r"\son[a-z]+\s*=", html), "event handler attribute"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert "<style" not in html
    assert "javascript:" not in html


def test_redis_url_selects_the_shared_cache_and_memory_is_the_default():
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    shared = run_manage("shell", "--no-imports", "-c", show, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/15")
    assert shared.stdout.strip() == "django.core.cache.backends.redis.RedisCache", shared.stderr
    local = run_manage("shell", "--no-imports", "-c", show, DEBUG="1")
    assert local.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache", local.stderr


def redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_listening(), reason="no Redis server on 127.0.0.1:6379")
def test_throttle_counts_are_shared_between_processes_through_redis():
    """What two gunicorn workers do: one counts a failure, the other sees it."""
    key = f"test-{uuid.uuid4().hex}"
    count = (
        "from config.throttle import count_failure; from django.core.cache import cache; "
        f"print(count_failure('{key}', 60))"
    )
    env = {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/15"}
    assert run_manage("shell", "--no-imports", "-c", count, **env).stdout.strip() == "1"
    assert run_manage("shell", "--no-imports", "-c", count, **env).stdout.strip() == "2"
    run_manage(
        "shell", "--no-imports", "-c", f"from django.core.cache import cache; cache.delete('{key}')", **env
    )


def test_secure_settings_hold_in_production():
    """The settings module itself, as `make test` loads it with DEBUG off."""
    assert django_settings.SESSION_COOKIE_SECURE and django_settings.CSRF_COOKIE_SECURE
    assert django_settings.SESSION_COOKIE_HTTPONLY
    assert django_settings.SECURE_HSTS_INCLUDE_SUBDOMAINS and django_settings.SECURE_HSTS_PRELOAD
