"""`manage.py seed_demo` and `demo`: the Phan Thiết demo data set."""

from __future__ import annotations

import hashlib
import re
from io import StringIO
from typing import Any, NamedTuple

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import override_settings
from django.utils import translation

from demo.data import DEMO_PASSWORD, ROSTER_DATE
from demo.people import PlannedMember, has_working_age_labour
from demo.write import LATER_UNITS_ON, UNITS_ON
from households import units
from households.classification import classify, get_standard
from households.ethnicities import Ethnicity
from households.models import Assessment, Household, Member, ReviewRound, User, Ward
from households.roster import derive_indicators, rules_of
from households.services import roster_of
from programs.models import Benefit, WardTarget
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SMALL = 60
# The digest (`digest()`) of the data `seed_demo` writes for SMALL households with the default
# seed (2017). Computed once from a seeding and written here, so "the same seed gives the same
# data" is checked against it instead of against a second seeding; a change to the demo's
# generator that changes its data changes this digest, on purpose and in the same commit.
DIGEST_2017 = "fd64f2650b3b341aa3dcd856b9e22db64eb22387962fa0591b6ae97a16f44d91"


class Seeding(NamedTuple):
    """What `seed_demo` printed: its summary (stdout) and its progress (stderr)."""

    out: str
    err: str


@pytest.fixture(autouse=True)
def _debug(settings: Any) -> None:
    # pytest-django runs with DEBUG off; the command refuses that without --force.
    settings.DEBUG = True


@pytest.fixture(scope="module")
def seeded(module_db: None, django_db_blocker: Any) -> Seeding:
    """One seeding of SMALL households for the tests that only read it (what the command
    printed is returned); the tests that need an empty database seed their own."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        return seeding()


def seeding(**options: Any) -> Seeding:
    out, err = StringIO(), StringIO()
    # English msgids: the assertions do not depend on the state of the catalogue.
    with translation.override("en"):
        call_command("seed_demo", stdout=out, stderr=err, **{"households": SMALL, **options})
    return Seeding(out.getvalue(), err.getvalue())


def seed(**options: Any) -> str:
    return seeding(**options).out


def counts() -> tuple[int, int, int, int, int]:
    return (
        Household.objects.count(),
        Member.objects.count(),
        Assessment.objects.count(),
        User.objects.count(),
        ReviewRound.objects.count(),
    )


def digest() -> str:
    rows: list[object] = []
    households = Household.objects.select_related("ward", "quarter").prefetch_related(
        "members", "assessments__round", "assessments__causes", "assessments__needs"
    )
    for h in households.order_by("ward__code", "code"):
        rows.append((h.ward.code, h.quarter.name, h.code, h.head_name, h.address, h.phone))
        rows.extend(
            (m.full_name, m.birth_year, m.date_of_birth, m.national_id, m.health_insurance_number)
            for m in h.members.all()
        )
        rows.extend(
            (
                a.round.year,
                a.income_per_capita,
                a.status,
                a.poor_group,
                sorted(a.deprivations),
                sorted(c.code for c in a.causes.all()),
                sorted(n.code for n in a.needs.all()),
                a.notes,
            )
            for a in sorted(h.assessments.all(), key=lambda a: a.round.year)
        )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def clear_households() -> None:
    # Benefits protect their members and households from deletion, so they go first.
    Benefit.objects.all().delete()
    Assessment.objects.all().delete()
    Member.objects.all().delete()
    Household.objects.all().delete()


def test_it_creates_households_in_every_ward_and_commune(seeded: Seeding) -> None:
    assert "Demo data created: 60 households" in seeded.out
    assert Household.objects.count() == SMALL
    # The units of the demo's years, 2016–2017 (not those of the 2025 merger: issue 12).
    wards = Ward.objects.in_force(UNITS_ON)
    assert wards.count() == 18
    for ward in wards:
        assert ward.households.exists(), ward.code
        assert not ward.households.exclude(quarter__ward=ward).exists()


def test_it_prints_its_progress_on_stderr(seeded: Seeding) -> None:
    lines = seeded.err.splitlines()
    phases = list(dict.fromkeys(line.split(" [")[0].strip() for line in lines))
    assert phases == [
        "planning",
        "households",
        "review",
        "programmes",
        "later years",
        "later reviews",
        "history",
    ]
    households = [line for line in lines if line.startswith("households")]
    assert f"{SMALL:>9}/{SMALL}" in households[-1]
    assert households[-1].endswith(" left")
    assert lines[-1].endswith("done")
    # The summary stays alone on stdout.
    assert seeded.out.startswith("Demo data created")


def test_it_creates_the_named_users_and_one_officer_per_ward(seeded: Seeding) -> None:
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == User.Role.ADMIN
    city = User.objects.get(username="thanhpho")
    assert city.role == User.Role.CITY_REVIEWER and not city.is_staff and city.ward is None
    assert city.get_full_name() == "Trần Thị Thu Hà"
    assert User.objects.get(username="ducthang").ward.code == "duc-thang"
    assert User.objects.get(username="tienloi").ward.code == "tien-loi"
    for ward in Ward.objects.in_force(UNITS_ON):
        officer = User.objects.get(username=ward.code.replace("-", ""))
        assert officer.role == User.Role.WARD_OFFICER
        assert officer.ward == ward
        assert not officer.is_staff and not officer.is_superuser
    # The units of the 2025 merger have officers of their own; the former units' stay.
    later_units = Ward.objects.in_force(LATER_UNITS_ON)
    assert later_units.count() == 7
    for ward in later_units:
        officer = User.objects.get(username=ward.code.replace("-", ""))
        assert officer.role == User.Role.WARD_OFFICER and officer.ward == ward
    assert User.objects.get(username="phuongphanthiet").ward.code == "phuong-phan-thiet"
    assert User.objects.get(username="xatuyenquang").ward.code == "xa-tuyen-quang"
    for username in ("admin", "thanhpho", "ducthang", "tienloi", "phuongphanthiet"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_it_leaves_an_existing_user_alone() -> None:
    make_user("ducthang", role=User.Role.WARD_OFFICER, ward=Ward.objects.get(code="duc-long"))

    seed(households=1)  # the users are the same whatever the number of households

    user = User.objects.get(username="ducthang")
    assert user.check_password(PASSWORD)
    assert not user.check_password(DEMO_PASSWORD)
    assert user.ward.code == "duc-long"


def test_a_second_run_creates_nothing_and_says_so(seeded: Seeding) -> None:
    before = counts()

    out = seed()

    assert counts() == before
    assert "already present" in out


def test_the_same_seed_gives_the_same_data(seeded: Seeding) -> None:
    # The module's seeding (seed 2017) gives the data pinned in DIGEST_2017, whichever run,
    # process or database made it.
    assert digest() == DIGEST_2017

    clear_households()
    seed(seed=2018)
    assert Household.objects.count() == SMALL
    assert digest() != DIGEST_2017


def test_it_refuses_with_debug_off_unless_forced(settings: Any) -> None:
    settings.DEBUG = False

    with translation.override("en"), pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", households=SMALL, stdout=StringIO())
    assert counts() == (0, 0, 0, 0, 0)

    seed(force=True, households=1)
    assert Household.objects.count() == 1


def test_it_rejects_a_household_count_below_one() -> None:
    with translation.override("en"), pytest.raises(CommandError, match="at least 1"):
        call_command("seed_demo", households=0, stdout=StringIO())
    assert counts() == (0, 0, 0, 0, 0)


def test_every_stored_result_is_the_engines(seeded: Seeding) -> None:
    assessments = Assessment.objects.select_related("household__ward", "round")

    assert assessments.count() > SMALL
    for a in assessments:
        # Each under its round's standard, with the area of the place on the day it was made
        # (a former commune merged into a ward is urban from 01/07/2025).
        standard = get_standard(a.round.standard)
        derived = derive_indicators(
            roster_of(a.household), on=a.round.reference_date, rules=rules_of(standard)
        )
        assert {k: getattr(a, k) for k in derived} == {k: d.deprived for k, d in derived.items()}
        result = classify(
            area=a.household.ward.area_on(units.made_on(a.round)),
            income_per_capita=a.income_per_capita,
            deprivations={key: getattr(a, key) for key in standard.indicator_keys},
            standard=standard,
        )
        assert a.status == result.status.value
        assert a.poor_group == (result.poor_group.value if result.poor_group else "")
        assert a.deprivation_count == result.deprivation_count
        assert a.income_per_capita % 10_000 == 0


def test_both_rounds_exist_with_movements_between_them(seeded: Seeding) -> None:
    names = set(ReviewRound.objects.values_list("name", flat=True))
    assert names == {
        "Rà soát định kỳ năm 2016",
        "Rà soát định kỳ năm 2017",
        "Rà soát thường xuyên năm 2017",
        "Rà soát định kỳ năm 2025",
        "Rà soát định kỳ năm 2026",
    }
    by_year: dict[int, dict[int, str]] = {2016: {}, 2017: {}}
    for household_id, year, status in Assessment.objects.filter(
        round__year__in=by_year
    ).values_list("household_id", "round__year", "status"):
        by_year[year][household_id] = status
    before, after = by_year[2016], by_year[2017]
    shared = before.keys() & after.keys()
    assert any(before[h] == "poor" and after[h] != "poor" for h in shared)  # escaped
    assert any(before[h] == "near_poor" and after[h] == "poor" for h in shared)  # fell
    assert any(before[h] == "average_living" and after[h] == "poor" for h in shared)  # relapsed
    assert after.keys() - before.keys()  # newly found in 2017
    assert before.keys() - after.keys()  # not reassessed in 2017


def test_each_later_plan_aims_at_the_poor_its_previous_review_expects_to_escape(
    seeded: Seeding,
) -> None:
    """The 2026 plan of each new unit: about the poor households of 1 January 2026 (the 2025
    review's) expected to escape, which the targets page sets beside it; not the 2026
    review's flags (none yet), which gave every unit a plan of 1."""
    expecting: dict[int, int] = {}
    for unit in Assessment.objects.filter(
        round__year=2025,
        round__kind=ReviewRound.Kind.PERIODIC,
        status="poor",
        expected_to_escape=True,
    ).values_list("ward_id", flat=True):
        expecting[unit] = expecting.get(unit, 0) + 1
    plans = dict(
        WardTarget.objects.filter(year=2026).values_list("ward_id", "households_to_escape")
    )
    assert plans
    assert plans == {unit: max(1, expecting.get(unit, 0)) for unit in plans}
    assert max(plans.values()) > 1


def test_national_ids_are_unique_and_well_formed(seeded: Seeding) -> None:
    ids = list(Member.objects.exclude(national_id=None).values_list("national_id", flat=True))
    assert ids
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"060[0-3]\d{8}|26\d{7}", i) for i in ids)
    children = [m for m in Member.objects.exclude(national_id=None) if m.age_on(ROSTER_DATE) < 14]
    assert children == []


def test_household_flags_match_the_roster(seeded: Seeding) -> None:
    for h in Household.objects.prefetch_related("members"):
        members = list(h.members.all())
        heads = [m for m in members if m.relation == Member.Relation.HEAD]
        assert len(heads) == 1 and 1 <= len(members) <= 7
        head = heads[0]
        assert h.head_name == head.full_name
        assert h.is_female_headed == (head.sex == Member.Sex.FEMALE)
        assert h.is_ethnic_minority == (head.ethnicity != Ethnicity.KINH)
        able = any(
            16 <= m.age_on(ROSTER_DATE) <= 59 and m.work_ability == Member.WorkAbility.ABLE
            for m in members
        )
        assert h.has_no_working_age_labour == (not able)


def test_working_age_labour_needs_an_able_member_aged_16_to_59() -> None:
    def person(age: int, work_ability: str) -> PlannedMember:
        return PlannedMember(
            full_name="Nguyễn Văn An",
            sex=Member.Sex.MALE,
            relation=Member.Relation.HEAD,
            birth_year=ROSTER_DATE.year - age,
            date_of_birth=None,
            ethnicity=Ethnicity.KINH,
            education_level=Member.Education.PRIMARY,
            attends_school=False,
            disability=Member.Disability.NONE,
            work_ability=work_ability,
            occupation="",
        )

    assert has_working_age_labour([person(16, Member.WorkAbility.ABLE)])
    assert has_working_age_labour([person(59, Member.WorkAbility.ABLE)])
    assert not has_working_age_labour([person(60, Member.WorkAbility.ABLE)])
    assert not has_working_age_labour([person(15, Member.WorkAbility.ABLE)])
    assert not has_working_age_labour([person(40, Member.WorkAbility.UNABLE)])
