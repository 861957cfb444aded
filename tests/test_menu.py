"""The menu offers each role what it may open: read from one context processor
(`giamngheo.access.permissions`, `may.…`), asked of the access rules; no template restates a
role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from households.models import User

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MENU = {
    "review": "households:review_progress",
    "my_households": "programs:my_households",
    "committee": "programs:committee",
    "trainings": "programs:trainings",
    "targets": "programs:targets",
    "reports": "reports:dashboard",
    "admin": "admin:index",
}
# persona → the menu's links it is offered (every page of them opens for it: the matrix).
OFFERED = {
    "ducthang_officer": {"review", "committee", "trainings", "targets", "reports"},
    "city_reviewer": {"review", "committee", "trainings", "targets", "reports"},
    "committee_member": {"my_households", "trainings", "targets"},
    "agency_user": set(),
    "administrator": {"review", "committee", "trainings", "targets", "reports", "admin"},
}


@pytest.mark.parametrize("persona", sorted(OFFERED))
def test_the_menu_offers_what_the_role_may_open(
    request: pytest.FixtureRequest, client: Client, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    page = client.get(reverse("programs:programmes")).content.decode()
    offered = {key for key, name in MENU.items() if f'href="{reverse(name)}"' in page}
    assert offered == OFFERED[persona]
    for key in offered - {"admin"}:
        assert client.get(reverse(MENU[key])).status_code == 200, key


def test_no_template_restates_a_role() -> None:
    restated = re.compile(r"user\.role\b|user\.is_superuser|is_administrator|user\.is_staff")
    found = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if restated.search(path.read_text())
    ]
    assert found == []
