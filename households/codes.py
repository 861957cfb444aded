"""Household codes (issue 13): each ward numbers its households under its own prefix, DT-0013.

`next_household_code` is the one place the next code of a ward is decided: the new-household
form proposes it, and after a refused save (someone took the code meanwhile, or another ward
was chosen) proposes the next one. The demo and synthetic data write their codes with the same
prefixes and `household_code`. The Excel import takes its codes from the file (a code is what
groups a household's member rows), so it proposes none.

A ward's prefix is the one its codes already use (the most common), so a ward that numbers its
own way keeps doing so; a ward without such codes gets its initials (`ward_prefixes`). The
number is one more than the highest one under that prefix in the ward and the units merged
into it, archived households included: a code is never given twice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from households.models import Household, Ward
from households.units import lineage

# The digits of a code are zero-padded to at least this many (DT-0013).
DIGITS = 4
NUMBERED = re.compile(r"^([A-Za-z]+)-([0-9]+)$")


def household_code(prefix: str, number: int, digits: int = DIGITS) -> str:
    """`household_code("DT", 13)` is "DT-0013"."""
    return f"{prefix}-{number:0{digits}d}"


def ward_prefixes(codes: Sequence[str]) -> dict[str, str]:
    """Household-code prefix per ward code: the initials ("duc-thang" -> "DT"); where initials
    clash, the first letter and the second word's first letters, two then more until they
    differ ("phu-tai" -> "PTA", "phu-thuy" -> "PTH"), then the initials of the rest."""
    initials = {code: "".join(part[0] for part in code.split("-")).upper() for code in codes}
    prefixes = dict(initials)
    clashing = [code for code in codes if Counter(initials.values())[initials[code]] > 1]
    for length in range(2, 1 + max((len(p) for c in clashing for p in c.split("-")), default=0)):
        for code in clashing:
            parts = code.split("-")
            if len(parts) > 1:
                rest = "".join(p[0] for p in parts[2:])
                prefixes[code] = (parts[0][0] + parts[1][:length] + rest).upper()
        counts = Counter(prefixes[code] for code in clashing)
        clashing = [code for code in clashing if counts[prefixes[code]] > 1]
        if not clashing:
            break
    return prefixes


def ward_prefix(ward: Ward, codes: Iterable[str] = ()) -> str:
    """The prefix of `ward`'s codes: the most common one among `codes` (its households'),
    its initials among every unit's (`ward_prefixes`) when there is none or on a tie."""
    initials = ward_prefixes(list(Ward.objects.values_list("code", flat=True)))[ward.code]
    used = Counter(m.group(1).upper() for code in codes if (m := NUMBERED.match(code)))
    if not used:
        return initials
    return min(used, key=lambda prefix: (-used[prefix], prefix != initials, prefix))


def next_household_code(ward: Ward) -> str:
    """The next free household code of `ward`: its prefix, one more than the highest number
    under it in the ward's households (archived ones too) and those of the units merged into
    it, zero-padded as wide as the widest so far (at least `DIGITS`)."""
    rows = list(
        Household.objects.filter(ward_id__in=lineage(ward.pk)).values_list("ward_id", "code")
    )
    prefix = ward_prefix(ward, (code for ward_id, code in rows if ward_id == ward.pk))
    highest, digits = 0, DIGITS
    for _ward_id, code in rows:
        match = NUMBERED.match(code)
        if match and match.group(1).upper() == prefix:
            highest = max(highest, int(match.group(2)))
            digits = max(digits, len(match.group(2)))
    return household_code(prefix, highest + 1, digits)
