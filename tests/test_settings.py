"""Settings come from the environment; production settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    ours = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
    clean = {k: v for k, v in os.environ.items() if k not in ours | {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    """Against an empty database, as on a fresh clone: the checks must not need migrated tables."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="pga.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_without_a_secret_key_commands_run_but_the_web_server_refuses(tmp_path):
    database = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    migrations = run_manage("makemigrations", "--check", "--dry-run", DATABASE_URL=database)
    assert migrations.returncode == 0, migrations.stderr
    deploy = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", ALLOWED_HOSTS="pga.example.org", DATABASE_URL=database
    )
    assert deploy.returncode != 0
    assert "security.W009" in deploy.stderr + deploy.stdout
    serving = run_manage("shell", "-c", "import config.wsgi", DATABASE_URL=database)
    assert serving.returncode != 0
    assert "Set SECRET_KEY" in serving.stderr


def test_database_url_selects_postgresql():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])",
        DEBUG="1",
        DATABASE_URL="postgres://someone@db.example.org:5432/pga",
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql pga" in result.stdout


def test_a_replica_url_adds_the_reporting_database(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.REPORTING_DATABASE, settings.DATABASES['replica']['NAME'], "
        "settings.DATABASES['replica']['TEST'])"
    )
    primary = f"sqlite:///{tmp_path / 'primary.sqlite3'}"
    with_replica = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DATABASE_URL=primary,
        DATABASE_REPLICA_URL="postgres://reader@replica:5432/pga",
    )
    assert with_replica.returncode == 0, with_replica.stderr
    assert with_replica.stdout.split()[:2] == ["replica", "pga"]
    assert "'MIRROR': 'default'" in with_replica.stdout
    alone = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.REPORTING_DATABASE)",
        DATABASE_URL=primary,
    )
    assert alone.stdout.strip() == "default"
