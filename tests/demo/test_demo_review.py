"""`demo.review`: the demo's review follows the rules of REFERENCE.md §7 (a posting of
7 working days at least, the decision after it, recorded by the ward's officer with its signer)."""

from __future__ import annotations

import datetime

import pytest

from demo.review import chairman, posting_dates, seed_review
from households import review_rules
from households.models import Assessment, ReviewEvent, User, Ward
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db


def test_the_demo_postings_last_seven_working_days() -> None:
    # 13/11/2016 was a Sunday: Mon 14 – Fri 18 and Mon 21, Tue 22 = 7.
    assert posting_dates(2016) == (datetime.date(2016, 11, 14), datetime.date(2016, 11, 22))
    # Mon 13 – Fri 17 and Mon 20, Tue 21 November 2017 = 7.
    assert posting_dates(2017) == (datetime.date(2017, 11, 13), datetime.date(2017, 11, 21))


def test_the_signer_is_the_units_chairman(duc_thang: Ward, tien_loi: Ward) -> None:
    assert chairman(duc_thang) == "Chủ tịch UBND phường Đức Thắng"
    assert chairman(tien_loi) == "Chủ tịch UBND xã Tiến Lợi"


def test_the_demo_review_follows_the_rules(
    duc_thang: Ward,
    tien_loi: Ward,
    ducthang_officer: User,
    tienloi_officer: User,
    city_reviewer: User,
) -> None:
    """Seven households in each unit, surveyed in 2016 and 2017. 2016: all recognised. 2017:
    3 drafts and 2 returned per unit; the other 2 are recognised in Đức Thắng (the first unit
    of the pattern) and posted in Tiến Lợi (the second)."""
    rounds = {2016: make_round(2016), 2017: make_round(2017)}
    for ward, prefix in ((duc_thang, "DT"), (tien_loi, "TL")):
        for n in range(7):
            household = make_household(ward.code, code=f"{prefix}-{n:04d}")
            make_member(household)
            for review_round in rounds.values():
                make_assessment(household, review_round=review_round, income_per_capita=700_000)

    seed_review(
        wards=[duc_thang, tien_loi],
        rounds=rounds,
        officers={duc_thang.pk: ducthang_officer, tien_loi.pk: tienloi_officer},
        city=city_reviewer,
    )

    recognised = Assessment.objects.filter(state="recognised").select_related(
        "household__ward", "round"
    )
    # 2016: 7 + 7; 2017: the 2 of Đức Thắng after its drafts and returns.
    assert recognised.count() == 16
    officers = {duc_thang.pk: ducthang_officer, tien_loi.pk: tienloi_officer}
    for a in recognised:
        ward = a.household.ward
        assert (a.posted_from, a.posted_to) == posting_dates(a.round.year)
        assert review_rules.posting_working_days(a.posted_from, a.posted_to) >= 7
        assert a.decision_date == datetime.date(a.round.year, 12, 5) > a.posted_to
        assert a.decision_signer == chairman(ward)
        event = a.events.get(action=ReviewEvent.Action.RECOGNISE)
        assert event.by == officers[ward.pk]
    assert not ReviewEvent.objects.filter(action="recognise", by=city_reviewer).exists()
    assert ReviewEvent.objects.filter(action="return", by=city_reviewer).count() == 4
    posted = Assessment.objects.filter(state="posted")
    assert set(posted.values_list("household__ward", "round__year")) == {(tien_loi.pk, 2017)}
    assert posted.count() == 2
