"""Who may enter the admin: administrators only. Officers and the city work in the workspace.

alice = officer of Đức Thắng, charlie = officer of Tiến Lợi, bob = city Labour department
reviewer, dave = partner agency, erin = Steering Committee member: each is made staff here, as
every demo officer once was, and still "should have no access". root = the administrator.
"""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from giamngheo.access import Permissions
from households.models import Assessment, Household, ReviewEvent, User
from programs import services as program_services
from programs.models import Benefit, Programme
from tests.factories import PASSWORD, make_household, make_member, make_recognised, make_user

pytestmark = pytest.mark.django_db

PERSONAS = ["ducthang_officer", "tienloi_officer", "city_reviewer", "agency_user"]
PERSONAS += ["committee_member"]


def staff_client(user: User) -> Client:
    # is_staff, Django's usual key to the admin, no longer opens it: the role decides.
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def records(ducthang_officer: User) -> dict[str, object]:
    """A Đức Thắng household recognised poor in 2016, with an electricity-support delivery."""
    household = make_household("duc-thang", code="DT-0001")
    member = make_member(household)
    assessment = make_recognised(household, 700_000, year=2016)
    benefit = program_services.benefit_record(
        programme=Programme.objects.get(code="ho-tro-tien-dien"),
        household=household,
        date=datetime.date(2017, 10, 15),
        amount=46_000,
        by=ducthang_officer,
    )
    return {
        "household": household,
        "member": member,
        "assessment": assessment,
        "benefit": benefit,
        "programme": benefit.programme,
        "user": ducthang_officer,
    }


def admin_urls(records: dict[str, object]) -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:app_list", args=["households"])]
    for app, model in [
        ("households", "household"),
        ("households", "member"),
        ("households", "assessment"),
        ("households", "user"),
        ("programs", "benefit"),
        ("programs", "programme"),
    ]:
        pk = records[model].pk  # type: ignore[attr-defined]
        urls.append(reverse(f"admin:{app}_{model}_changelist"))
        for view in ("change", "delete", "history"):
            urls.append(reverse(f"admin:{app}_{model}_{view}", args=[pk]))
    return urls


def assert_sent_to_the_admin_login(response: object, url: str) -> None:
    assert response.status_code == 302, url  # type: ignore[attr-defined]
    assert response["Location"].startswith(reverse("admin:login")), url  # type: ignore[index]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_admin_page_opens_for_anyone_but_administrators(
    request: pytest.FixtureRequest, persona: str, records: dict[str, object]
) -> None:
    client = staff_client(request.getfixturevalue(persona))
    for url in admin_urls(records):
        assert_sent_to_the_admin_login(client.get(url), url)


@pytest.mark.parametrize("persona", ["ducthang_officer", "city_reviewer"])
def test_officers_and_the_city_cannot_delete_or_change_through_the_admin(
    request: pytest.FixtureRequest, persona: str, records: dict[str, object]
) -> None:
    client = staff_client(request.getfixturevalue(persona))
    household = records["household"]
    assert isinstance(household, Household)
    events = ReviewEvent.objects.filter(assessment=records["assessment"]).count()
    draft_household = make_household("duc-thang", code="DT-0002")
    make_member(draft_household)
    posts = [
        (reverse("admin:households_household_delete", args=[draft_household.pk]), {"post": "yes"}),
        (
            reverse("admin:households_household_changelist"),
            {
                "action": "delete_selected",
                "post": "yes",
                "_selected_action": [str(household.pk), str(draft_household.pk)],
            },
        ),
        (
            reverse("admin:households_assessment_changelist"),
            {
                "action": "delete_selected",
                "post": "yes",
                "_selected_action": [str(records["assessment"].pk)],  # type: ignore[attr-defined]
            },
        ),
        (
            reverse("admin:households_household_change", args=[household.pk]),
            {"head_name": "Đổi tên"},
        ),
    ]
    for url, data in posts:
        assert_sent_to_the_admin_login(client.post(url, data), url)
    assert Household.objects.count() == 2
    assert Assessment.objects.count() == 1
    assert ReviewEvent.objects.filter(assessment=records["assessment"]).count() == events
    household.refresh_from_db()
    assert household.head_name == "Nguyễn Văn An"
    assert Benefit.objects.count() == 1


def test_the_admin_login_refuses_a_staff_officer_with_a_clear_message(
    client: Client, ducthang_officer: User
) -> None:
    ducthang_officer.is_staff = True
    ducthang_officer.save()
    response = client.post(
        reverse("admin:login"), {"username": "alice", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "Trang quản trị chỉ dành cho quản trị viên" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_signed_in_officer_is_told_the_admin_is_not_theirs(
    client: Client, ducthang_officer: User
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(reverse("admin:index"), follow=True)
    content = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    assert "Trang quản trị chỉ dành cho quản trị viên" in content
    assert f'href="{reverse("home")}"' in content


def test_the_administrator_signs_in_and_reads_everything(
    client: Client, administrator: User, records: dict[str, object]
) -> None:
    response = client.post(
        reverse("admin:login"), {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    for url in admin_urls(records):
        if "/delete/" in url:
            continue  # deleting is refused for what is recognised: tests/households/test_admin.py
        assert client.get(url).status_code == 200, url


def test_an_administrator_by_role_enters_without_the_staff_flag(
    client: Client, records: dict[str, object]
) -> None:
    # The role decides, not Django's staff flag: a non-superuser administrator enters and reads
    # what Django's permissions give them (none here: an empty index, not a refusal).
    user = make_user("quanly", role=User.Role.ADMIN)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("ducthang_officer", False), ("city_reviewer", False), ("administrator", True)],
)
def test_links_into_the_admin_are_for_administrators_only(
    request: pytest.FixtureRequest, persona: str, shown: bool
) -> None:
    user = request.getfixturevalue(persona)
    user.is_staff = True  # the old test: every demo officer was staff
    page = Template("{% if may.administer %}<a href='/admin/'>{% endif %}").render(
        Context({"may": Permissions.of(user)})
    )
    assert ("/admin/" in page) is shown


def test_the_workspace_links_into_the_admin_for_administrators_only(
    ducthang_officer: User, administrator: User
) -> None:
    admin_link = f'href="{reverse("admin:index")}"'
    officer = staff_client(ducthang_officer)  # a staff flag left over from before
    assert admin_link not in officer.get(reverse("home")).content.decode()
    client = Client()
    client.force_login(administrator)
    assert admin_link in client.get(reverse("home")).content.decode()
