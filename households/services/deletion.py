"""What may be deleted at all: only a draft survey that never went to review.

A recognised result is the ward chairman's decision (Circular 17/2016 Art. 2(1)); the steps
that led to it (submission, community meeting, posting, return) are its record. Neither is ever
deleted, by anyone: a mistake in a recognised result is corrected by an ad-hoc review
(`assessment_open_adhoc`), and a household that left the ward is archived, not deleted
(`household_archive`). The admin asks these functions, so the rule lives here once.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from households import access
from households.models import Assessment, ReviewEvent, ReviewState, User


def assessment_is_deletable(assessment: Assessment) -> bool:
    """A draft never submitted: its only review step is its creation. A draft withdrawn after
    submission, or anything later in the review, keeps its record."""
    return (
        assessment.state == ReviewState.DRAFT
        and not assessment.events.exclude(action=ReviewEvent.Action.CREATE).exists()
    )


@transaction.atomic
def assessment_delete(*, assessment: Assessment, by: User) -> None:
    """Delete a draft survey entered by mistake; refuse anything that went to review."""
    access.require(access.can_edit_household(by, assessment.household))
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment_is_deletable(locked):
        raise ValidationError(
            _(
                "Only a draft never submitted for review can be deleted. A recognised result "
                "and its review steps are kept: correct it through an ad-hoc review."
            ),
            code="kept",
        )
    locked._history_user = by  # type: ignore[attr-defined]
    locked.delete()
