"""The programmes pages: thin views over `programs.services`; lookups through `visible_to`."""
