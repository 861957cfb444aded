"""Health-insurance cards: the one rule for "this member holds a valid card on day D".

A member holds a valid card on a day when a card number is recorded and the card is valid until
that day or later (a card recorded without an expiry counts as valid). The rule is written
twice, side by side, because it is asked in two places: in Python of a member already read
(`holds_valid_card`: the roster's health-insurance indicator, the household page's roster and
"still entitled" list) and in SQL of a list (`valid_card_q`: the health-insurance worklist);
tests/households/test_cards.py checks the two agree.

The card number's layout (`normalise_card_number`) is UNCONFIRMED against the social-insurance
agency's own text: the cards issued from 2015 carry 15 characters, two letters of the holder's
group (HN poor household, CN near-poor, TE child under 6, GD household…), a digit of the benefit
level (1 to 5), the two digits of the province (Bình Thuận: 60) and the holder's 10-digit
social-insurance number; later cards show the 10-digit number alone.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Q

CARD_NUMBER = re.compile(r"[A-Z]{2}[1-5]\d{12}|\d{10}")


def holds_valid_card(number: str, valid_until: datetime.date | None, day: datetime.date) -> bool:
    """Whether a card `number` valid until `valid_until` is valid on `day`."""
    if not number.strip():
        return False
    return valid_until is None or valid_until >= day


def valid_card_q(day: datetime.date, prefix: str = "") -> Q:
    """`holds_valid_card` as a condition on members (`prefix`: the path to the member)."""
    # Imported here: the roster's indicators (pure, no ORM) use this module's predicate.
    from django.db.models import Q
    from django.db.models.functions import Length, Trim
    from django.db.models.lookups import GreaterThan

    number, expiry = f"{prefix}health_insurance_number", f"{prefix}health_insurance_expiry"
    return Q(GreaterThan(Length(Trim(number)), 0)) & (
        Q(**{f"{expiry}__isnull": True}) | Q(**{f"{expiry}__gte": day})
    )


def normalise_card_number(text: str) -> str | None:
    """The card number as printed, in capitals without spaces or dashes; None when it does not
    have a card number's layout (module docstring)."""
    number = re.sub(r"[\s.-]+", "", text).upper()
    return number if CARD_NUMBER.fullmatch(number) else None
