"""Every write to the household registry goes through these functions.

Views, the admin, imports and management commands call them, so each rule is enforced once:
`full_clean()` before `save()`, the classification by `households.classification.classify`,
the roster-derived indicators by `households.roster.derive_indicators`, and the review steps of
Circular 17/2016 in `households.services.review`.
"""

from households.services.assessments import (
    RECORD_LANGUAGE,
    assessment_apply_result,
    assessment_area,
    assessment_reclassify,
    assessment_save,
    ensure_editable,
    roster_of,
)
from households.services.locking import StaleEditError, check_and_bump_version
from households.services.registry import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    ensure_not_archived,
    household_archive,
    household_create,
    household_save,
    household_unarchive,
    household_update,
    member_create,
    member_delete,
    member_save,
    member_update,
    review_round_create,
    user_create,
)
from households.services.review import (
    allowed_actions,
    assessment_open_adhoc,
    assessment_recognise,
    assessment_record_meeting,
    assessment_record_posting,
    assessment_return,
    assessment_submit,
    assessment_withdraw,
    assessments_recognise,
    assessments_record_meeting,
    assessments_record_posting,
    assessments_return,
    assessments_submit,
)

__all__ = [
    "HOUSEHOLD_FIELDS",
    "MEMBER_FIELDS",
    "RECORD_LANGUAGE",
    "StaleEditError",
    "allowed_actions",
    "assessment_apply_result",
    "assessment_area",
    "assessment_open_adhoc",
    "assessment_reclassify",
    "assessment_recognise",
    "assessment_record_meeting",
    "assessment_record_posting",
    "assessment_return",
    "assessment_save",
    "assessment_submit",
    "assessment_withdraw",
    "assessments_recognise",
    "assessments_record_meeting",
    "assessments_record_posting",
    "assessments_return",
    "assessments_submit",
    "check_and_bump_version",
    "ensure_editable",
    "ensure_not_archived",
    "household_archive",
    "household_create",
    "household_save",
    "household_unarchive",
    "household_update",
    "member_create",
    "member_delete",
    "member_save",
    "member_update",
    "review_round_create",
    "roster_of",
    "user_create",
]
