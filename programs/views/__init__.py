"""The programmes pages: thin views over `programs.services`; lookups within the request's
scope (`households.scope`)."""
