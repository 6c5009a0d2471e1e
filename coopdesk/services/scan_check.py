"""Does a scanned signed copy belong to a given version of the minutes?

Every page of a printed PV carries the fingerprint (footer text) and a QR code (minutes id,
version, fingerprint); the PDF's metadata carry them too. What can be checked here, offline:

* a PDF with a text layer (the PV saved as PDF, signed digitally, or a scan that went through
  OCR): the fingerprints printed in its text and metadata are read with pypdf and compared;
* a PDF made of images only, or a JPEG/PNG scan: no text to read and no QR decoder is shipped, so
  the result is ``unreadable`` and staff compare the printed fingerprint by eye (the app shows the
  expected one).
"""

from __future__ import annotations

import io
import re
from typing import Any

from coopdesk.errors import register_messages
from coopdesk.i18n import N_

register_messages({
    "scan_wrong_version": N_("This scan is not of these minutes: it shows the fingerprint {found}, "
                             "these minutes have {expected}."),
    "scan_other_version": N_("This scan is of version {version} of these minutes, not of version {expected}."),
})

_HEX64 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


def fingerprints_in(data: bytes) -> list[str] | None:
    """Fingerprints found in a file (in order, unique), or ``None`` when it has no readable text."""
    if not data.startswith(b"%PDF"):
        return None
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        texts = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata or {}
        texts += [str(meta.get("/Subject", "")), str(meta.get("/Keywords", ""))]
    except Exception:  # a damaged or encrypted PDF is simply not readable here
        return None
    found: list[str] = []
    for text in texts:
        for fp in _HEX64.findall(text.lower()):
            if fp not in found:
                found.append(fp)
    joined = "".join(texts).strip()
    return found if (found or joined) else None


def check_scan(data: bytes, minutes: dict[str, Any], versions: list[dict[str, Any]]) -> dict[str, Any]:
    """``result``: ``match``, ``other_version``, ``mismatch`` or ``unreadable``."""
    expected = minutes["fingerprint"]
    found = fingerprints_in(data)
    out: dict[str, Any] = {"expected": expected, "found": found or [], "version_found": None}
    if found is None or not found:
        return {**out, "result": "unreadable"}
    if expected in found:
        return {**out, "result": "match", "version_found": minutes["version"]}
    for v in versions:
        if v.get("fingerprint") and v["fingerprint"] in found:
            return {**out, "result": "other_version", "version_found": v["version"]}
    return {**out, "result": "mismatch"}
