"""The layers of the code, lowest first: a module imports from its own layer and those below,
never from one above (tests/test_layers.py reads every import, at the top of a module or
inside a function, and checks it against this order; the apps then import one another without
a cycle).

1. The project's toolbox (`giamngheo.formatting`, `giamngheo.forms`, …): no app's code.
2. `audit`: the view log, which every page writes.
3. `households`: the registry, the survey, the review and the poverty rules: the core.
4. `programs`: support programmes, Steering Committee work, trainings and targets, read on
   households; and `programs.scope.scope_for`, the rule for whose records a user sees, since
   two roles see households by programme data.
5. `jobs`: background jobs, run for a user.
6. `reports`: the report engine, its stored figures, exports, imports and PDFs, over
   households and programmes.
7. `demo`: demo data, written through every app's services.
8. The project (`giamngheo.urls`, `giamngheo.views`, `giamngheo.access`, settings): wires the
   apps together and builds each request's scope.

Where a lower layer needs what a higher one knows, the higher one registers it in its
`AppConfig.ready` (`households.extensions`): the household page's programmes section, what
keeps a member from being removed, what moves with a merged unit, and the programme
worklists' stored counts (`programs.worklists.set_count_store`). The targets page, a programmes
page built on the report engine's figures, is reports' code under the programmes' address
(`giamngheo.urls`).
"""

from __future__ import annotations

# Module prefixes by layer, lowest first; a module belongs to the layer of its longest prefix.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "giamngheo.backup",
        "giamngheo.formatting",
        "giamngheo.forms",
        "giamngheo.history",
        "giamngheo.input_guard",
        "giamngheo.security",
        "giamngheo.translation_gaps",
        "giamngheo.uploads",
    ),
    ("audit",),
    ("households",),
    ("programs",),
    ("jobs",),
    ("reports",),
    ("demo",),
    ("giamngheo",),
)
