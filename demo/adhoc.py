"""Ad-hoc reviews (rà soát thường xuyên, Circular 17/2016 Art. 4) of the first half of 2017.

In the wards whose 2017 periodic review is still under way, a few households did not wait for
the year-end: two poor households on the 2017 list asked in March to be recognised as having
escaped (decision in April), and one household hit by hardship asked in May to be added
(decision in June). Their ad-hoc results take effect on the decision's date
(`households.standing`), so the six-month report has movements of its own and the year-end
report counts them. Each request repeats what the household's 2017 survey found.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from demo.review import carry_through
from households import services, standing
from households.models import Assessment, PovertyStatus, RequestKind, ReviewRound, User, Ward

ESCAPES_PER_WARD = 2
ADDITIONS_PER_WARD = 1
# (request, meeting, first day of the posting, decision) of each kind of request.
ESCAPE_DATES = (
    datetime.date(2017, 3, 6),
    datetime.date(2017, 3, 20),
    datetime.date(2017, 3, 21),
    datetime.date(2017, 4, 10),
)
ADDITION_DATES = (
    datetime.date(2017, 5, 8),
    datetime.date(2017, 5, 15),
    datetime.date(2017, 5, 16),
    datetime.date(2017, 6, 5),
)


def seed_adhoc(
    *, wards: Sequence[Ward], officers: Mapping[int, User], periodic: ReviewRound
) -> int:
    """Open, review and decide the ad-hoc requests; returns how many were decided. Runs after
    the 2016 list is recognised and before the 2017 periodic results are."""
    adhoc = ReviewRound.objects.filter(year=periodic.year, kind=ReviewRound.Kind.AD_HOC).first()
    if adhoc is None:
        return 0
    start = datetime.date(periodic.year, 1, 1)
    decided = 0
    for index, ward in enumerate(wards):
        officer = officers.get(ward.pk)
        if officer is None:
            continue
        surveys = list(
            standing.with_standing(
                Assessment.objects.filter(round=periodic, household__ward=ward),
                start,
                # Not the default "standing": `Assessment.standing_span` is a field, and the
                # annotation `<prefix>_span` would clash with it.
                prefix="listed",
                household_ref="household_id",
            )
            .select_related("household", "household__ward")
            .order_by("household__code")
        )
        escapes = [
            a
            for a in surveys
            if a.listed_status == PovertyStatus.POOR
            and a.status in (PovertyStatus.AVERAGE_LIVING, PovertyStatus.NOT_POOR)
        ][-ESCAPES_PER_WARD:]
        additions = [
            a
            for a in surveys
            if a.listed_status in (PovertyStatus.AVERAGE_LIVING, PovertyStatus.NOT_POOR)
            and a.status == PovertyStatus.POOR
        ][-ADDITIONS_PER_WARD:]
        for requests, kind, dates, number in (
            (escapes, RequestKind.ESCAPE, ESCAPE_DATES, 300 + index),
            (additions, RequestKind.ADDITION, ADDITION_DATES, 400 + index),
        ):
            batch = [_open(survey, adhoc, kind, dates[0], officer) for survey in requests]
            carry_through(
                batch,
                "recognised",
                officer=officer,
                ward=ward,
                meeting_date=dates[1],
                posted_from=dates[2],
                decision_number=f"{number}/QĐ-UBND",
                decision_date=dates[3],
            )
            decided += len(batch)
    return decided


def _open(
    survey: Assessment, adhoc: ReviewRound, kind: str, day: datetime.date, officer: User
) -> Assessment:
    draft = services.assessment_open_adhoc(
        household=survey.household, round=adhoc, request_kind=kind, request_date=day, by=officer
    )
    keys = [k for k in survey.deprivations]
    return services.assessment_save(
        household=survey.household,
        round=adhoc,
        income_per_capita=survey.income_per_capita,
        deprivations=keys,
        household_type=survey.household_type,
        causes=list(survey.causes.all()),
        needs=list(survey.needs.all()),
        notes=survey.notes,
        expected_version=draft.version,
        by=officer,
    )
