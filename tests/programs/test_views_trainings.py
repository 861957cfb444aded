"""Officer training: the list with officers trained per ward, a new course, its attendance."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import User, Ward
from programs.models import Agency, Training, TrainingAttendance
from tests.factories import make_round, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(db: None) -> Agency:
    agency, _ = Agency.objects.get_or_create(
        code="ldtbxh",
        defaults={"name": "Phòng Lao động – Thương binh và Xã hội", "kind": "department"},
    )
    return agency


def _training(agency: Agency, day: datetime.date, topic: str = "Nghiệp vụ rà soát") -> Training:
    return Training.objects.create(date=day, topic=topic, organiser=agency, location="UBND TP")


def test_the_list_counts_attendees_and_officers_trained_per_ward(
    client: Client,
    city_reviewer: User,
    ducthang_officer: User,
    tienloi_officer: User,
    duc_thang: Ward,
    agency: Agency,
) -> None:
    second = make_user("alice2", role=User.Role.WARD_OFFICER, ward=duc_thang)
    course = _training(agency, datetime.date(2017, 5, 10))
    TrainingAttendance.objects.create(training=course, officer=ducthang_officer)
    TrainingAttendance.objects.create(training=course, officer=second)
    old = _training(agency, datetime.date(2016, 5, 10), "Khoá cũ")
    TrainingAttendance.objects.create(training=old, officer=tienloi_officer)
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:trainings"), {"year": "2017"})

    assert response.status_code == 200
    assert [(t.topic, t.attendee_count) for t in response.context["trainings"]] == [
        ("Nghiệp vụ rà soát", 2)
    ]
    by_ward = {w.code: (w.trained_count, w.officer_count) for w in response.context["wards"]}
    assert by_ward["duc-thang"] == (2, 2)
    assert by_ward["tien-loi"] == (0, 1)  # trained in 2016, not this year
    assert (response.context["trained"], response.context["total"]) == (2, 3)
    assert "Tạo khoá tập huấn" in response.content.decode()


def test_an_officer_reads_the_list_with_their_ward_only(
    client: Client, ducthang_officer: User, tienloi_officer: User, agency: Agency
) -> None:
    _training(agency, datetime.date(2017, 5, 10))
    client.force_login(ducthang_officer)

    response = client.get(reverse("programs:trainings"), {"year": "2017"})

    assert [w.code for w in response.context["wards"]] == ["duc-thang"]
    assert reverse("programs:training_create") not in response.content.decode()


def test_the_list_query_count_does_not_grow(
    client: Client, city_reviewer: User, agency: Agency, django_assert_num_queries: Any
) -> None:
    _training(agency, datetime.date(2017, 5, 10))
    client.force_login(city_reviewer)
    client.get(reverse("programs:trainings"))
    # 9: the periodic review years (for the years offered and the default year) are 2 of them.
    with django_assert_num_queries(9) as few:
        client.get(reverse("programs:trainings"), {"year": "2017"})
    for day in range(1, 11):
        _training(agency, datetime.date(2017, 6, day), f"Khoá {day}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("programs:trainings"), {"year": "2017"})
    assert len(response.context["trainings"]) == 11


def test_the_city_creates_a_course(client: Client, city_reviewer: User, agency: Agency) -> None:
    client.force_login(city_reviewer)

    response = client.post(
        reverse("programs:training_create"),
        {
            "date": "12/06/2017",
            "topic": "Tập huấn chuẩn nghèo đa chiều",
            "organiser": agency.pk,
            "location": "Hội trường UBND",
        },
    )

    training = Training.objects.get()
    assert response.headers["Location"] == reverse("programs:training_detail", args=[training.pk])
    assert (training.date, training.topic, training.organiser) == (
        datetime.date(2017, 6, 12),
        "Tập huấn chuẩn nghèo đa chiều",
        agency,
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "", "topic": "Khoá", "organiser": "AGENCY"}, "date", "Nhập ngày"),
        ({"date": "32/01/2017", "topic": "Khoá", "organiser": "AGENCY"}, "date", "dd/mm/yyyy"),
        ({"date": "12/06/2017", "topic": "", "organiser": "AGENCY"}, "topic", "chủ đề"),
        ({"date": "12/06/2017", "topic": "Khoá", "organiser": "999"}, "organiser", "Chọn"),
    ],
)
def test_a_bad_course_is_refused_and_nothing_saved(
    client: Client,
    city_reviewer: User,
    agency: Agency,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(city_reviewer)
    data = {k: str(agency.pk) if v == "AGENCY" else v for k, v in data.items()}

    response = client.post(reverse("programs:training_create"), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Training.objects.exists()


@pytest.mark.parametrize("persona", ["ducthang_officer", "agency_user", "committee_member"])
def test_only_the_city_and_administrators_create_courses(
    client: Client, persona: str, request: pytest.FixtureRequest, agency: Agency
) -> None:
    client.force_login(request.getfixturevalue(persona))
    url = reverse("programs:training_create")
    data = {"date": "12/06/2017", "topic": "Khoá", "organiser": agency.pk}
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert not Training.objects.exists()


def test_the_city_sets_the_attendance(
    client: Client,
    city_reviewer: User,
    ducthang_officer: User,
    tienloi_officer: User,
    agency: Agency,
) -> None:
    course = _training(agency, datetime.date(2017, 5, 10))
    TrainingAttendance.objects.create(training=course, officer=tienloi_officer)
    client.force_login(city_reviewer)
    url = reverse("programs:training_detail", args=[course.pk])

    page = client.get(url)
    response = client.post(url, {"officers": [ducthang_officer.pk]})

    assert {w.code for w, _ in page.context["groups"]} == {"duc-thang", "tien-loi"}
    assert response.status_code == 302
    assert list(course.attendance.values_list("officer__username", flat=True)) == ["alice"]


def test_the_attendance_refuses_someone_who_is_not_an_officer(
    client: Client,
    city_reviewer: User,
    ducthang_officer: User,
    agency_user: User,
    agency: Agency,
) -> None:
    course = _training(agency, datetime.date(2017, 5, 10))
    TrainingAttendance.objects.create(training=course, officer=ducthang_officer)
    client.force_login(city_reviewer)

    response = client.post(
        reverse("programs:training_detail", args=[course.pk]), {"officers": [agency_user.pk]}
    )

    assert response.status_code == 200
    assert "tải lại trang" in " ".join(response.context["form"].errors["officers"])
    assert list(course.attendance.values_list("officer__username", flat=True)) == ["alice"]


def test_an_officer_reads_the_attendance_but_cannot_change_it(
    client: Client, ducthang_officer: User, agency: Agency
) -> None:
    course = _training(agency, datetime.date(2017, 5, 10))
    client.force_login(ducthang_officer)
    url = reverse("programs:training_detail", args=[course.pk])

    page = client.get(url)
    response = client.post(url, {"officers": [ducthang_officer.pk]})

    assert page.status_code == 200
    assert 'type="checkbox"' not in page.content.decode()
    assert response.status_code == 403
    assert not TrainingAttendance.objects.exists()


def test_an_unknown_course_is_404(client: Client, city_reviewer: User) -> None:
    client.force_login(city_reviewer)
    assert client.get(reverse("programs:training_detail", args=[999])).status_code == 404


def test_training_pages_need_login(client: Client, agency: Agency) -> None:
    course = _training(agency, datetime.date(2017, 5, 10))
    for url in (
        reverse("programs:trainings"),
        reverse("programs:training_create"),
        reverse("programs:training_detail", args=[course.pk]),
    ):
        assert client.get(url).headers["Location"].startswith(reverse("login"))


def test_the_list_shows_the_units_of_the_year(
    client: Client, city_reviewer: User, ducthang_officer: User, agency: Agency
) -> None:
    # P. Phan Thiết began on 01/07/2025 and Đức Thắng ended the day before (households
    # migration 0015, UNCONFIRMED): each year lists the units that existed in it.
    phan_thiet = Ward.objects.get(code="phuong-phan-thiet")
    make_user("pt-officer", role=User.Role.WARD_OFFICER, ward=phan_thiet)
    for year in (2017, 2025, 2026):
        _training(agency, datetime.date(year, 5, 10))
    client.force_login(city_reviewer)

    def listed(year: int) -> set[str]:
        response = client.get(reverse("programs:trainings"), {"year": str(year)})
        assert response.status_code == 200
        return {w.code for w in response.context["wards"]}

    assert len(listed(2017)) == 18 and "phuong-phan-thiet" not in listed(2017)
    assert len(listed(2025)) == 25  # both, each for part of the year
    assert len(listed(2026)) == 7 and "duc-thang" not in listed(2026)


def test_the_list_opens_on_a_year_with_content(
    client: Client, city_reviewer: User, agency: Agency
) -> None:
    """Without a year chosen the page opens, as the dashboard and the worklists do, on the year
    of the latest periodic review, else on the latest year with a course: not on an empty
    current year (issue 13). The current year stays on offer."""
    _training(agency, datetime.date(2016, 5, 10))
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:trainings"))
    assert response.context["year"] == 2016
    assert len(response.context["trainings"]) == 1
    assert timezone.localdate().year in response.context["years"]

    make_round(2017)
    assert client.get(reverse("programs:trainings")).context["year"] == 2017
