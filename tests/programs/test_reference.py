"""`programs.reference`: the programmes, their rules and the latest periodic round kept per
process while their version (migration programs 0010) stays the same — read again after any
write, never served from a write that was rolled back."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from households.models import Household, Member, ReviewRound, User
from programs import reference
from programs.models import Programme, ProgrammeRule
from tests.factories import make_household, make_member, make_recognised, make_round

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the version is kept on PostgreSQL only"
)
WATCHED = (
    "households_reviewround",
    "programs_agency",
    "programs_programme",
    "programs_programmerule",
)


class Rollback(Exception):
    pass


def names() -> set[str]:
    return {p.name for p in reference.current().programmes}


@postgres_only
def test_every_table_kept_has_its_triggers() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'programs_reference_%%'"
        )
        found = set(cursor.fetchall())
    assert found == {
        (table, trigger)
        for table in WATCHED
        for trigger in ("programs_reference_changed", "programs_reference_truncated")
    }


@postgres_only
def test_each_write_statement_changes_the_version_to_a_number_never_given_before() -> None:
    before = reference.version()
    assert before is not None
    Programme.objects.filter(code="nobody").update(name="x")  # no row: still a write
    first = reference.version()
    assert first is not None and first != before
    Programme.objects.filter(code="bhyt-ngheo").first()  # a read: no change
    assert reference.version() == first

    with pytest.raises(Rollback), transaction.atomic():
        Programme.objects.filter(code="bhyt-ngheo").update(name="Thẻ BHYT (đổi)")
        rolled_back = reference.version()
        raise Rollback
    assert reference.version() == first  # the write is gone with its number
    ProgrammeRule.objects.filter(programme__code="nobody").update(note="x")
    after = reference.version()
    assert after not in (before, first, rolled_back)


@postgres_only
def test_the_copy_is_kept_while_nothing_changes(django_assert_num_queries: Any) -> None:
    kept = reference.current()
    with django_assert_num_queries(1):  # the version
        assert reference.current() is kept


def test_on_sqlite_the_data_is_read_at_every_look(django_assert_num_queries: Any) -> None:
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    reference.current()
    with django_assert_num_queries(3):  # the programmes, their rules, the latest round
        reference.current()


def test_a_change_is_read_on_the_next_look() -> None:
    bhyt = Programme.objects.get(code="bhyt-ngheo")
    assert bhyt.name in names()
    Programme.objects.filter(pk=bhyt.pk).update(name="Thẻ bảo hiểm y tế hộ nghèo (mới)")
    assert "Thẻ bảo hiểm y tế hộ nghèo (mới)" in names()

    Programme.objects.filter(pk=bhyt.pk).update(is_active=False)
    assert bhyt.pk not in {p.pk for p in reference.current().programmes}

    Programme.objects.filter(pk=bhyt.pk).update(is_active=True)
    rules = len(reference.current().rules[bhyt.pk])
    rule = reference.current().rules[bhyt.pk][-1]
    ProgrammeRule.objects.create(
        programme=bhyt,
        valid_from=rule.valid_from + datetime.timedelta(days=1),
        eligible_statuses=rule.eligible_statuses,
        legal_basis=rule.legal_basis,
    )
    assert len(reference.current().rules[bhyt.pk]) == rules + 1

    make_round(2016)
    assert reference.current().latest_periodic_round == ReviewRound.objects.get(year=2016)
    make_round(2019)
    assert reference.current().latest_periodic_round == ReviewRound.objects.get(year=2019)


def test_a_change_rolled_back_is_never_served() -> None:
    before = names()
    with pytest.raises(Rollback), transaction.atomic():
        Programme.objects.filter(code="bhyt-ngheo").update(name="Tên chưa lưu")
        assert "Tên chưa lưu" in names()  # the writing request sees its own change
        raise Rollback
    assert names() == before


def test_the_household_page_shows_a_programme_renamed_between_two_looks(
    client: Client, ducthang_officer: User
) -> None:
    household: Household = make_household(code="DT-0001")
    make_member(household, full_name="Nguyễn Văn An", birth_year=1975)
    make_member(
        household,
        full_name="Nguyễn Thị Bé",
        birth_year=2010,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.CHILD,
        attends_school=True,
        education_level=Member.Education.PRIMARY,
    )
    make_recognised(household, 700_000, year=2016)
    make_round(2017)
    client.force_login(ducthang_officer)
    page = reverse("households:detail", args=[household.pk])
    electricity = Programme.objects.get(code="ho-tro-tien-dien")
    assert electricity.name in client.get(page).content.decode()  # owed, not yet received

    Programme.objects.filter(pk=electricity.pk).update(name="Hỗ trợ tiền điện hộ nghèo (mới)")

    assert "Hỗ trợ tiền điện hộ nghèo (mới)" in client.get(page).content.decode()
