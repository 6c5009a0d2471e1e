"""CoopDesk desktop app: the composition root (settings, database, services, window).

    python main.py                 the database in your data folder
    python main.py --demo          a ready demo database (built on first use)
    python main.py --db FILE       a given database file (or a PostgreSQL URL)
"""

from __future__ import annotations

import gc
import sys

# No cyclic garbage collection while the app starts: ui.app.run resumes it once the window is shown.
gc.disable()

from ui.app import run  # noqa: E402 - after the collector is paused

if __name__ == "__main__":
    raise SystemExit(run(sys.argv))
