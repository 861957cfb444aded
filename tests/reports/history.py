"""The hand-built history every official-figure test reads (issue 9): two periodic rounds (2016,
2017) and an ad-hoc round in 2017, every figure worked out by hand below.

Lines of Decision 59/2015: Đức Thắng (urban) poor ≤ 900.000 đ, near-poor ≤ 1.300.000 đ;
Tiến Lợi (rural) poor ≤ 700.000 đ. A periodic result of year Y takes effect on 1/1/Y+1, an
ad-hoc one on its decision date (`households.standing`).

    hh  unit   members  2016 review (→ 1/1/2017)   2017                          flags
    A   ĐT     3        poor N1, expected to escape near-poor, RECOGNISED (→1/1/2018) merit
    B   ĐT     2        poor N1                     average, RETURNED (in review)  female head
    C   ĐT     1        near-poor                   poor, DRAFT (in review)
    D   ĐT     2        poor N1                     ad-hoc correction → near-poor,
                                                    decided 10/05/2017
    E   ĐT     4        —                           poor N2 (1.200.000 đ, 3 housing/ ethnic minority
                                                    water deprivations), RECOGNISED
    F   ĐT     1        —                           ad-hoc addition, SUBMITTED
                                                    (would be poor)
    G   TL     1        poor N1                     poor N1, RECOGNISED            no labour

Totals of households (WardTarget, 2016 and 2017): Đức Thắng 300, Tiến Lợi 800, each of the
16 other units 1.000 → wards (14 urban) 300 + 13 × 1.000 = 13.300, communes (4 rural)
800 + 3 × 1.000 = 3.800, city 17.100. Planned escapes 2017: Đức Thắng 2, Tiến Lợi 1 → 3.

Year 2017 (start 1/1/2017, end 1/1/2018):
    start  poor A B D (ĐT 3) + G (TL 1) = 4; near-poor C = 1; expected to escape: A = 1
    end    poor B (2016 list stays: its 2017 result was returned) and E (N2) in ĐT, G in TL
           = 3; near-poor A, C (its 2017 survey is a draft), D (ad-hoc) = 3
    poor   4 + newly poor E 1 − escaped A, D 2 (both to near-poor) = 3
    near   1 + from the poor list A, D 2 = 3
    in review (2017 periodic round): B (would be average living), C (would be poor) = 2
    persons: ĐT poor B 2 + E 4 = 6, near-poor A 3 + C 1 + D 2 = 6; TL poor G 1
    rates: ĐT poor 2/300 = 0,67 %, near-poor 3/300 = 1,00 %; TL poor 1/800 = 0,125 → 0,13 %
           (half up; half-even would give 0,12); city start 4/17.100 = 0,0234 → 0,02 %,
           end 3/17.100 = 0,0175 → 0,02 %, reduction 0,00 points (target 0,20: not met)
First six months (start 1/1/2017, end 30/6/2017):
    end    poor A, B (ĐT 2) + G = 3; near-poor C, D = 2; escaped D = 1
    in review (the 2017 ad-hoc round): F (would be poor) = 1
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from households.models import Assessment, Household, Member, ReviewRound, ReviewState, User, Ward
from programs.models import WardTarget
from tests.factories import (
    make_assessment_in_state,
    make_household,
    make_member,
    make_round,
    persona,
)

POOR_URBAN = 800_000
POOR_RURAL = 600_000
NEAR_URBAN = 1_100_000
N2_URBAN = 1_200_000
ABOVE_URBAN = 1_500_000
N2_DEPRIVATIONS = ("housing_quality", "housing_area", "water_source")
AD_HOC_DECISION = datetime.date(2017, 5, 10)


@dataclass
class History:
    households: dict[str, Household]
    rounds: dict[str, ReviewRound]
    assessments: dict[str, Assessment]


def household(code: str, ward: str, members: int, **flags: Any) -> Household:
    result = make_household(ward, code=code, head_name=f"Chủ hộ {code}", **flags)
    make_member(result, full_name=f"Chủ hộ {code}")
    for n in range(members - 1):
        make_member(
            result,
            full_name=f"Con {code} {n}",
            birth_year=2000 + n,
            relation=Member.Relation.CHILD,
        )
    return result


def build_history(officer: User, reviewer: User, tienloi_officer: User) -> History:
    r2016, r2017 = make_round(2016), make_round(2017)
    adhoc = make_round(2017, kind=ReviewRound.Kind.AD_HOC)
    h = {
        "A": household("DT-A", "duc-thang", 3, is_merit_family=True),
        "B": household("DT-B", "duc-thang", 2, is_female_headed=True),
        "C": household("DT-C", "duc-thang", 1),
        "D": household("DT-D", "duc-thang", 2),
        "E": household("DT-E", "duc-thang", 4, is_ethnic_minority=True),
        "F": household("DT-F", "duc-thang", 1),
        "G": household("TL-G", "tien-loi", 1, has_no_working_age_labour=True),
    }

    def state(key: str, which: str, state: str, review_round: ReviewRound, **extra: Any) -> None:
        by = tienloi_officer if key == "G" else officer
        a[f"{key}{which}"] = make_assessment_in_state(
            h[key], state, officer=by, reviewer=reviewer, review_round=review_round, **extra
        )

    a: dict[str, Assessment] = {}
    recognised = ReviewState.RECOGNISED
    state("A", "2016", recognised, r2016, income_per_capita=POOR_URBAN, expected_to_escape=True)
    state("B", "2016", recognised, r2016, income_per_capita=POOR_URBAN)
    state("C", "2016", recognised, r2016, income_per_capita=NEAR_URBAN)
    state("D", "2016", recognised, r2016, income_per_capita=POOR_URBAN)
    state("G", "2016", recognised, r2016, income_per_capita=POOR_RURAL)
    state("A", "2017", recognised, r2017, income_per_capita=NEAR_URBAN)
    state("B", "2017", ReviewState.RETURNED, r2017, income_per_capita=ABOVE_URBAN)
    state("C", "2017", ReviewState.DRAFT, r2017, income_per_capita=POOR_URBAN)
    state(
        "E",
        "2017",
        recognised,
        r2017,
        income_per_capita=N2_URBAN,
        deprivations=N2_DEPRIVATIONS,
    )
    state("G", "2017", recognised, r2017, income_per_capita=POOR_RURAL)
    state(
        "D",
        "adhoc",
        recognised,
        adhoc,
        income_per_capita=NEAR_URBAN,
        decision_date=AD_HOC_DECISION,
        request_kind="correction",
        request_date=datetime.date(2017, 3, 1),
    )
    state(
        "F",
        "adhoc",
        ReviewState.SUBMITTED,
        adhoc,
        income_per_capita=POOR_URBAN,
        request_kind="addition",
        request_date=datetime.date(2017, 4, 3),
    )
    totals = {"duc-thang": (300, 2), "tien-loi": (800, 1)}
    # The units of 2016–2017 (not those of the 2025 merger: issue 12).
    for ward in Ward.objects.in_force(datetime.date(2017, 12, 31)):
        total, to_escape = totals.get(ward.code, (1000, 0))
        for year in (2016, 2017):
            WardTarget.objects.create(
                ward=ward, year=year, households_to_escape=to_escape, total_households=total
            )
    return History(h, {"2016": r2016, "2017": r2017, "adhoc": adhoc}, a)


# --- the history kept for a module (`module_db`) ---------------------------------------------


def kept_history() -> History:
    """The history, written by the personas, for a module-scoped fixture on `module_db`."""
    return build_history(
        persona("ducthang_officer"), persona("city_reviewer"), persona("tienloi_officer")
    )


def reread(history: History) -> History:
    """The kept history's objects read again: each test has its own copies to change."""

    def fresh(model: Any, objects: dict[str, Any]) -> dict[str, Any]:
        found = model.objects.in_bulk([o.pk for o in objects.values()])
        return {key: found[o.pk] for key, o in objects.items()}

    return History(
        fresh(Household, history.households),
        fresh(ReviewRound, history.rounds),
        fresh(Assessment, history.assessments),
    )
