"""How bench starts Django: production settings (DEBUG off, as `make serve-prod`), the database
it was given, static files collected into a folder of its own."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def database_url(value: str | None) -> str | None:
    """A URL as given, or a bare name on the local PostgreSQL server."""
    if not value:
        return os.environ.get("DATABASE_URL")
    if "://" in value:
        return value
    return f"postgres://postgres@127.0.0.1:5432/{value}"


def production_env(database: str | None) -> dict[str, str]:
    """The environment of `make serve-prod` (plain-HTTP trial), for this process and the
    processes bench starts (child measures, gunicorn)."""
    env = {
        "DEBUG": "False",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        # Its own folder: collecting into the project's staticfiles/ would race with others.
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "giamngheo-bench-static"),
        "DJANGO_SETTINGS_MODULE": "giamngheo.settings",
        "LOG_LEVEL": "ERROR",
    }
    url = database_url(database)
    if url:
        env["DATABASE_URL"] = url
    return env


def setup(database: str | None) -> None:
    """Set the environment (keeping a SECRET_KEY already chosen by a parent) and start Django."""
    for key, value in production_env(database).items():
        if key == "SECRET_KEY" and os.environ.get("SECRET_KEY"):
            continue
        os.environ[key] = value
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def collect_static() -> None:
    """Hashed static files for DEBUG off: templates name them through the manifest."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
