"""A heavy measure's part, alone in its own process: `python -m bench.child NAME CONTEXT_JSON`.

Prints one JSON line: the part's timings and this process's peak resident memory, so the peak
is the part's own (plus Django's start-up), not the parent's nor another measure's.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    from bench.environment import setup

    setup(None)  # the parent's environment: its DATABASE_URL, SECRET_KEY and settings
    from bench.measures import child_main

    name, ctx_json = sys.argv[1], sys.argv[2]
    sys.stdout.write(json.dumps(child_main(name, ctx_json)) + "\n")


if __name__ == "__main__":
    main()
