# The English interface keeps the Vietnamese date and money conventions: the records are
# Vietnamese documents, and a date typed as 03/04/2017 must mean 3 April whatever the language.
from giamngheo.formats.vi.formats import *  # noqa: F403
