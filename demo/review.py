"""Carrying the demo assessments through the Circular 17/2016 review, through the services.

2016 is fully recognised in every ward. 2017 is in progress, as the city would see it in
December 2017: half the wards have their decision, the others are posted, at the meeting or
just submitted; every ward keeps a few drafts and a few assessments returned by the city, so
each officer's home page has work waiting.

Each ward's list is posted from the first working day on or after 13 November for the working
days `review_rules` requires (13–21/11/2017; 14–22/11/2016, as 13/11/2016 was a Sunday), and the
ward's officer records the ward chairman's decision of 5 December, after the posting.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence

from households import review_rules
from households.models import Assessment, ReviewRound, User, Ward
from households.services import review

DRAFTS_PER_WARD = 3
RETURNED_PER_WARD = 2
RETURN_REASON = (
    "Thu nhập bình quân ghi trên phiếu chưa khớp với biên bản họp dân; đề nghị kiểm tra lại "
    "và bổ sung giấy tờ chứng minh."
)
# What happens to the rest of a ward's 2017 list, by the ward's position (cycled).
PATTERN_2017 = ("recognised", "posted", "recognised", "meeting_held", "recognised", "submitted")


def seed_review(
    *,
    wards: Sequence[Ward],
    rounds: Mapping[int, ReviewRound],
    officers: Mapping[int, User],
    city: User,
    before_latest: Callable[[Sequence[Ward]], object] | None = None,
) -> None:
    """Carry the reviews year by year. `before_latest` runs once the earlier years are
    recognised, before the latest year's review moves on, with the wards whose latest review
    does not reach the decision (the demo's ad-hoc requests, `demo.adhoc`)."""
    latest = max(rounds) if rounds else None
    for year, review_round in sorted(rounds.items()):
        if year == latest and before_latest is not None:
            before_latest(
                [
                    ward
                    for index, ward in enumerate(wards)
                    if PATTERN_2017[index % len(PATTERN_2017)] != "recognised"
                ]
            )
        for index, ward in enumerate(wards):
            officer = officers.get(ward.pk)
            if officer is None:
                continue
            decision = index + 101
            batch = list(
                Assessment.objects.filter(round=review_round, household__ward=ward)
                .select_related("household", "household__ward", "round")
                .order_by("household__code")
            )
            if not batch:
                continue
            if year != latest:
                _carry(batch, "recognised", year, decision, officer, city, ward)
                continue
            drafts = batch[:DRAFTS_PER_WARD]
            returned = batch[DRAFTS_PER_WARD : DRAFTS_PER_WARD + RETURNED_PER_WARD]
            rest = batch[DRAFTS_PER_WARD + RETURNED_PER_WARD :]
            del drafts  # left as drafts, waiting for the officer
            if returned:
                review.assessments_submit(assessments=returned, by=officer)
                review.assessments_return(assessments=returned, by=city, reason=RETURN_REASON)
            target = PATTERN_2017[index % len(PATTERN_2017)]
            _carry(rest, target, year, decision, officer, city, ward)


def posting_dates(year: int) -> tuple[datetime.date, datetime.date]:
    """The demo's posting in `year`: from the first working day on or after 13 November, for as
    long as the rule requires."""
    start = datetime.date(year, 11, 13)
    while start.weekday() not in review_rules.WORKING_WEEKDAYS:
        start += datetime.timedelta(days=1)
    return start, review_rules.earliest_posting_end(start)


def chairman(ward: Ward) -> str:
    """Who signs the ward's decision: its People's Committee chairman."""
    units: dict[str, str] = {Ward.Kind.COMMUNE: "xã", Ward.Kind.TOWNSHIP: "thị trấn"}
    unit = units.get(ward.kind, "phường")
    return f"Chủ tịch UBND {unit} {ward.name}"


def _carry(
    batch: list[Assessment],
    target: str,
    year: int,
    decision: int,
    officer: User,
    city: User,
    ward: Ward,
) -> None:
    posted_from, _posted_to = posting_dates(year)
    carry_through(
        batch,
        target,
        officer=officer,
        ward=ward,
        meeting_date=datetime.date(year, 11, 10),
        posted_from=posted_from,
        decision_number=f"{decision}/QĐ-UBND",
        decision_date=datetime.date(year, 12, 5),
    )


def carry_through(
    batch: list[Assessment],
    target: str,
    *,
    officer: User,
    ward: Ward,
    meeting_date: datetime.date,
    posted_from: datetime.date,
    decision_number: str,
    decision_date: datetime.date,
) -> None:
    """Submit `batch`, then hold the meeting, post it for as long as the rule requires and
    record the ward chairman's decision, stopping at `target`."""
    if not batch:
        return
    batch = review.assessments_submit(assessments=batch, by=officer)
    if target == "submitted":
        return
    year = meeting_date.year
    batch = review.assessments_record_meeting(
        assessments=batch,
        by=officer,
        meeting_date=meeting_date,
        attendance=45,
        agreement_percent=92,
        minutes=(
            f"Họp dân rà soát hộ nghèo, hộ cận nghèo năm {year}: 45 người dự, 92% đồng ý với "
            "kết quả rà soát. Biên bản có chữ ký của Trưởng khu phố và đại diện Mặt trận."
        ),
    )
    if target == "meeting_held":
        return
    batch = review.assessments_record_posting(
        assessments=batch,
        by=officer,
        posted_from=posted_from,
        posted_to=review_rules.earliest_posting_end(posted_from),
    )
    if target == "posted":
        return
    # The ward chairman's decision, recorded by the ward's officer (REFERENCE.md §7).
    review.assessments_recognise(
        assessments=batch,
        by=officer,
        decision_number=decision_number,
        decision_date=decision_date,
        decision_signer=chairman(ward),
    )
