"""Forms of the household registry: shape checks only; the rules are in `households.services`.

`registry` holds the household and member forms (also used by the admin), `survey` the yearly
survey, `review` the steps of the Circular 17/2016 review.
"""

from households.forms.registry import AssessmentAdminForm, MemberFormSet

__all__ = ["AssessmentAdminForm", "MemberFormSet"]
