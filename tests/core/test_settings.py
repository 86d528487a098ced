"""Configuration: URLs, unsafe production settings, the deploy checklist."""

import json
import os
import secrets
import subprocess
import sys

import pytest

from tests.live import PROJECT_ROOT, server_env

PROBE = """
import json, django
django.setup()
from django.conf import settings
from apps.core.db import conninfo
db = settings.DATABASES["default"]
print(json.dumps({"options": db["OPTIONS"], "host": db["HOST"], "conninfo": conninfo(),
                  "broker": settings.CELERY_BROKER_URL}))
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL"}},
        "DJANGO_SETTINGS_MODULE": "project.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.workers  # starts processes
def test_neon_style_url_keeps_sslmode_for_both_pools() -> None:
    result = run_python(
        PROBE,
        DATABASE_URL="postgres://app:s3cret@ep-cool-1234-pooler.eu-central-1.aws.neon.tech/main?sslmode=require",
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["options"]["sslmode"] == "require"
    assert probe["options"]["pool"]["max_size"] >= 1
    assert "sslmode=require" in probe["conninfo"]
    assert "host=ep-cool-1234-pooler.eu-central-1.aws.neon.tech" in probe["conninfo"]


@pytest.mark.workers  # starts processes
def test_broker_defaults_to_redis_url() -> None:
    result = run_python(PROBE, REDIS_URL="redis://cache.internal:6379/3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["broker"] == "redis://cache.internal:6379/3"


@pytest.mark.workers  # starts processes
def test_server_refuses_to_start_with_unsafe_production_settings() -> None:
    result = run_python("import project.asgi", DEBUG="false", SECRET_KEY="", ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.workers  # starts processes
def test_deploy_checklist_is_clean_for_a_production_environment() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env={
            **server_env(),  # the tests' database: GeneratedField's system check connects
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "api.example.com",
            "SECURE_SSL_REDIRECT": "true",
            "BEHIND_TLS_PROXY": "true",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.workers  # starts processes
def test_deploy_checklist_flags_the_development_defaults() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=PROJECT_ROOT,
        env={**server_env(), "DEBUG": "false", "SECRET_KEY": "", "ALLOWED_HOSTS": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "core.E001" in result.stderr
