"""Settings: safe development defaults, production refuses to start half-configured."""

from __future__ import annotations

import os
import re
import subprocess
import sys

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
