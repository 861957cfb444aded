"""The Vietnamese catalogue is complete: every msgid in the code is translated, none fuzzy."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "giamngheo" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SOURCES = ["giamngheo", "households", "programs", "reports", "audit", "jobs", "demo", "templates"]


def parse_po(path: Path) -> dict[str, tuple[list[str], bool]]:
    """msgid -> (msgstr forms, fuzzy) for every entry but the header."""
    entries: dict[str, tuple[list[str], bool]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        key = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', msgid.group(1)))
        if key == "":
            continue
        strings = [
            "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m))
            for m in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        ]
        entries[key] = (strings, "fuzzy" in "".join(re.findall(r"^#,.*$", block, re.M)))
    return entries


def test_every_vietnamese_entry_is_translated_and_not_fuzzy() -> None:
    entries = parse_po(PO)
    assert len(entries) > 100
    untranslated = [k for k, (strings, _) in entries.items() if not all(strings)]
    fuzzy = [k for k, (_, is_fuzzy) in entries.items() if is_fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_the_catalogue_covers_every_string_in_the_code(tmp_path: Path, settings: object) -> None:
    # Extract the msgids afresh from a copy of the sources and compare with the catalogue.
    for name in SOURCES:
        if (ROOT / name).exists():
            shutil.copytree(
                ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("locale", "*.pyc")
            )
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]  # type: ignore[attr-defined]
    cwd = Path.cwd()
    try:
        os.chdir(tmp_path)
        call_command("makemessages", locale=["vi"], verbosity=0, no_location=True)
    finally:
        os.chdir(cwd)
    fresh = set(parse_po(tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    assert "Poor household" in fresh
    missing = sorted(fresh - set(parse_po(PO)))
    assert missing == [], "run `make messages` and translate the new entries"


@pytest.mark.parametrize(("language", "expected"), [("vi", "Hộ nghèo"), ("en", "Poor household")])
def test_labels_follow_the_active_language(language: str, expected: str) -> None:
    from households.classification import Status

    with translation.override(language):
        assert str(Status.POOR.label) == expected


def test_vietnamese_is_the_default_language() -> None:
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


@pytest.mark.django_db
def test_pages_open_in_vietnamese_whatever_the_browser_language(client: object) -> None:
    response = client.get(  # type: ignore[attr-defined]
        "/admin/login/", headers={"accept-language": "en-US,en;q=0.9"}
    )
    assert '<html lang="vi"' in response.content.decode()
    assert response["Content-Language"] == "vi"


@pytest.mark.django_db
def test_the_switcher_changes_the_language_for_this_user(client: object) -> None:
    response = client.post(  # type: ignore[attr-defined]
        "/i18n/setlang/", {"language": "en", "next": "/admin/login/"}
    )
    assert response.status_code == 302
    page = client.get("/admin/login/")  # type: ignore[attr-defined]
    assert '<html lang="en"' in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"  # type: ignore[attr-defined]
    page = client.get("/admin/login/")  # type: ignore[attr-defined]
    assert '<html lang="vi"' in page.content.decode()


@pytest.mark.django_db
def test_djangos_untranslated_admin_strings_read_vietnamese(admin_client: object) -> None:
    page = admin_client.get("/admin/households/household/")  # type: ignore[attr-defined]
    content = page.content.decode()
    assert "Hiện số lượng" in content
    assert "Show counts" not in content
