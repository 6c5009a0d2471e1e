"""Where CoopDesk keeps its files on a PC (platformdirs), and the resources shipped with it."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_data_path, user_log_path

APP = "CoopDesk"
ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
FONTS = RESOURCES / "fonts"


def data_dir() -> Path:
    return user_data_path(APP, appauthor=False)


def default_database() -> Path:
    return data_dir() / "coopdesk.db"


def demo_database() -> Path:
    return data_dir() / "demo" / "coopdesk-demo.db"


def log_dir() -> Path:
    return user_log_path(APP, appauthor=False)


def cache_dir() -> Path:
    """What can be rebuilt at any time (compiled translation catalogs)."""
    return user_cache_path(APP, appauthor=False)
