"""The household registry: administrative units, users, households, members and assessments.

Rules live elsewhere: the classification in `households.classification` (pure), the
roster-derived indicators in `households.roster` (pure), and every write in
`households.services`. Models hold data, choices and the invariants the database enforces.
"""

from households.models.assessments import (
    DEPRIVATION_COLUMNS,
    EDITABLE_STATES,
    AreaChoice,
    Assessment,
    IncomeBandChoice,
    IncomeRoute,
    PoorGroupChoice,
    PovertyStatus,
    RequestKind,
    ReviewEvent,
    ReviewRound,
    ReviewState,
    _standard_choices,
    income_text,
)
from households.models.phieu import ScoreCard, ScoreItem, ScoreOption, ScreeningCriterion
from households.models.reference import CodedLabel, PovertyCause, SupportNeed
from households.models.registry import (
    Household,
    HouseholdQuerySet,
    Member,
    MemberQuerySet,
    household_code_validator,
    national_id_validator,
    phone_validator,
)
from households.models.standards import (
    RuleChoice,
    Standard,
    StandardDimension,
    StandardIndicator,
    StandardLine,
)
from households.models.standing import OPEN_END, StandingSpan
from households.models.units import (
    District,
    Quarter,
    UnitMerger,
    Ward,
    WardKindPeriod,
    WardQuerySet,
)
from households.models.users import Asker, SignedIn, User

__all__ = [
    "DEPRIVATION_COLUMNS",
    "EDITABLE_STATES",
    "OPEN_END",
    "AreaChoice",
    "Asker",
    "Assessment",
    "CodedLabel",
    "District",
    "Household",
    "HouseholdQuerySet",
    "IncomeBandChoice",
    "IncomeRoute",
    "Member",
    "MemberQuerySet",
    "PoorGroupChoice",
    "PovertyCause",
    "PovertyStatus",
    "Quarter",
    "RequestKind",
    "ReviewEvent",
    "ReviewRound",
    "ReviewState",
    "RuleChoice",
    "ScoreCard",
    "ScoreItem",
    "ScoreOption",
    "ScreeningCriterion",
    "SignedIn",
    "Standard",
    "StandardDimension",
    "StandardIndicator",
    "StandardLine",
    "StandingSpan",
    "SupportNeed",
    "UnitMerger",
    "User",
    "Ward",
    "WardKindPeriod",
    "WardQuerySet",
    "_standard_choices",
    "household_code_validator",
    "income_text",
    "national_id_validator",
    "phone_validator",
]
