"""Helpers: a set of paired nodes built once, copied per test (fast), and a way to ship bundles."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

NODES = [("TIZ", "TIZ"), ("VLG", "VLG"), ("TIZ2", "TIZ"), ("VLG2", "VLG"), ("TIZ3", "TIZ")]


def build_templates(folder: Path) -> dict[str, Path]:
    from coopdesk.services import open_services

    paths, svcs = {}, {}
    for code, site in NODES:
        p = folder / f"{code}.db"
        s = open_services(p)
        s.setup.init(site, node_code=code)
        s.sync.export_identity(folder / f"{code}.id")
        svcs[code], paths[code] = s, p
    for code, s in svcs.items():
        for other, _site in NODES:
            if other != code:
                s.sync.trust(folder / f"{other}.id")
        s.close()
    return paths


def open_copies(templates: dict[str, Path], folder: Path, codes: list[str]):
    from coopdesk.services import open_services

    out = {}
    for code in codes:
        dst = folder / f"{code}.db"
        shutil.copy(templates[code], dst)
        s = open_services(dst)
        s.sync.backup = False
        out[code] = s
    return out


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        p = Path(str(path) + suffix)
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()
