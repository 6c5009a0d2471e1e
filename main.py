"""CoopDesk desktop app: the composition root (settings, database, services, window).

    python main.py                 the database in your data folder
    python main.py --demo          a ready demo database (built on first use)
    python main.py --db FILE       a given database file (or a PostgreSQL URL)
"""

from __future__ import annotations

import sys

from ui.app import run

if __name__ == "__main__":
    raise SystemExit(run(sys.argv))
