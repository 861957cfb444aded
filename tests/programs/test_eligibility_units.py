"""Programme eligibility follows the units (issue 12): a rule limited to rural communes asks
the area of the household's place on the delivery day (`households.units.area_of`), not the
kind of the unit it was registered in, nor the area its last result was made for."""

from __future__ import annotations

import datetime

import pytest

from households.models import Household
from programs import selectors
from programs.models import Programme
from tests.factories import make_household, make_member, make_recognised

pytestmark = pytest.mark.django_db

LAST_DAY = datetime.date(2025, 6, 30)
MERGED = datetime.date(2025, 7, 1)  # UNCONFIRMED, households migration 0015


def household(ward_code: str, code: str) -> Household:
    found = make_household(ward_code, code=code)
    make_member(found)
    return found


def test_a_commune_merged_into_a_ward_is_urban_for_a_rural_programme_from_the_merger() -> None:
    # Phong Nẫm (a commune) became part of P. Bình Thuận (a ward); its poor household was
    # recognised on the rural line in 2017 and not reviewed since.
    phong_nam = household("phong-nam", "PN-0001")
    make_recognised(phong_nam, 600_000, year=2017)
    housing = Programme.objects.get(code="vay-nha-o")  # poor households in rural communes

    assert selectors.eligibility_on(housing, phong_nam, None, LAST_DAY).eligible
    refused = selectors.eligibility_on(housing, phong_nam, None, MERGED)
    assert not refused.eligible
    assert "nông thôn" in refused.reason or "xã" in refused.reason


def test_a_household_never_recognised_takes_the_area_of_its_place_on_the_day() -> None:
    water = Programme.objects.get(code="vay-nuoc-sach")  # any household in a rural commune
    phong_nam = household("phong-nam", "PN-0002")
    tien_loi = household("tien-loi", "TL-0001")  # now xã Tuyên Quang, still a commune

    assert selectors.eligibility_on(water, phong_nam, None, LAST_DAY).eligible
    assert not selectors.eligibility_on(water, phong_nam, None, MERGED).eligible
    assert selectors.eligibility_on(water, tien_loi, None, MERGED).eligible
    # The list form's many-at-once reading gives the same verdicts.
    verdicts = selectors.eligibilities_on(water, [(phong_nam, None), (tien_loi, None)], MERGED)
    assert [v.eligible for v in verdicts] == [False, True]
