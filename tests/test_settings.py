"""Settings: safe development defaults, production refuses to start half-configured."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings


def run_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "giamngheo.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_without_a_secret_key_refuses_to_start() -> None:
    result = run_settings({"DEBUG": "False"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_debug_off_with_a_secret_key_starts_hardened() -> None:
    result = run_settings({"DEBUG": "False", "SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_every_setting_read_from_the_environment_is_documented() -> None:
    source = (settings.BASE_DIR / "giamngheo" / "settings.py").read_text()
    example = (settings.BASE_DIR / ".env.example").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))
    assert read, "no env reads found"
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.M))
    assert read - documented == set()


def _setting(name: str, env: dict[str, str]) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "PROXY_COUNT", "TRUST_X_FORWARDED_PROTO"}
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr(getattr(settings, {name!r}, None)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "giamngheo.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_x_forwarded_proto_is_ignored_without_a_proxy() -> None:
    production = {"DEBUG": "False", "SECRET_KEY": "x" * 60}

    assert _setting("SECURE_PROXY_SSL_HEADER", production) == "None"
    assert _setting("SECURE_PROXY_SSL_HEADER", {**production, "PROXY_COUNT": "1"}) == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )
    assert _setting("SECURE_PROXY_SSL_HEADER", {**production, "TRUST_X_FORWARDED_PROTO": "1"}) == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


@pytest.mark.django_db
def test_a_request_forging_x_forwarded_proto_is_not_https(client: Any) -> None:
    response = client.get("/login/", headers={"X-Forwarded-Proto": "https"})

    assert response.wsgi_request.is_secure() is False


def test_production_serves_collected_files_with_hashed_names() -> None:
    production = {"DEBUG": "False", "SECRET_KEY": "x" * 60}

    assert "CompressedManifestStaticFilesStorage" in _setting("STORAGES", production)
    assert "StaticFilesStorage" in _setting("STORAGES", {"DEBUG": "True"})
