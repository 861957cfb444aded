"""The ward officers' workspace: thin function views over `households.services`.

Every lookup from a request goes through `Household.objects.within(scope_of(request))` (another
ward's household is a 404) and every action is checked with `households.access` (a 403).
"""
