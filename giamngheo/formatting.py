"""Pure display and search helpers shared by every app (no ORM, no settings)."""

from __future__ import annotations

import re
import unicodedata

# đ/Đ carry no combining mark, so NFD leaves them alone. U+00D0 (Icelandic ETH) looks the same
# as Đ and turns up in data typed with legacy Vietnamese keyboards, so it folds to "d" too.
_D_TO_ASCII = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d"})


def format_vnd(amount: int) -> str:
    """Format an integer amount of đồng the Vietnamese way: ``1300000`` -> ``"1.300.000 đ"``."""
    # Money is integer VND everywhere; a float or Decimal here means a bug upstream.
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"format_vnd() expects an int amount of đồng, got {amount!r}")
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,}".replace(",", ".")
    return f"{sign}{digits} đ"


# "1.300.000", "1300000", "1 300 000", "1.300.000 đ": whole đồng with optional separators.
_WHOLE_DONG = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+)")


def parse_vnd(text: str) -> int | None:
    """Read an amount of đồng typed the Vietnamese way: ``"1.300.000 đ"`` -> ``1300000``.

    Spaces, a trailing "đ" or "VND" and dots between groups of three digits are allowed; the
    sign is kept (callers decide whether a negative amount makes sense). None when the text is
    not a whole number of đồng ("1,5", "1.30.000", "abc").
    """
    cleaned = re.sub(r"\s+", "", text).removesuffix("đ").removesuffix("VND").removesuffix("vnd")
    if not _WHOLE_DONG.fullmatch(cleaned):
        return None
    return int(cleaned.replace(".", ""))


def fold_text(s: str) -> str:
    """Fold text for accent-insensitive search: ``"Nguyễn Văn  Đức"`` -> ``"nguyen van duc"``.

    Lower-cases, maps đ/Đ to d, drops every combining mark after NFD decomposition and
    collapses runs of whitespace. The result is plain ASCII for Vietnamese input, so the same
    folded column can be searched with ``icontains`` on SQLite and PostgreSQL alike.
    """
    decomposed = unicodedata.normalize("NFD", s.translate(_D_TO_ASCII).lower())
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_marks.split())
