"""Reading and writing the spreadsheets staff keep: XLSX (openpyxl, read-only / write-only
streaming) and CSV (encoding and delimiter sniffed: Excel on a French PC writes ``;`` and cp1252)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coopdesk.errors import CoopError, register_messages
from coopdesk.i18n import N_

register_messages({
    "file_unreadable": N_("The file {path} cannot be read as a spreadsheet (XLSX or CSV)."),
    "file_format": N_("Unsupported file type “{suffix}”: use .xlsx or .csv."),
    "file_empty": N_("The file {path} has no header row."),
})

ENCODINGS = ("utf-8-sig", "utf-16", "cp1252", "latin-1")


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list[Any]]  # cell values, one list per data row (row 2 of the file is rows[0])


def read_sheet(path: str | Path) -> Sheet:
    p = Path(path)
    if not p.is_file():
        raise CoopError("not_found", entity="file", id=str(path))
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(p)
    raise CoopError("file_format", suffix=suffix or "?")


def _read_xlsx(p: Path) -> Sheet:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise CoopError("file_unreadable", path=p.name) from exc
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        head = next(it, None)
        if head is None:
            raise CoopError("file_empty", path=p.name)
        headers = [str(h).strip() if h is not None else "" for h in head]
        rows = [list(r) for r in it if any(v not in (None, "") for v in r)]
    finally:
        wb.close()
    return Sheet(headers, rows)


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_csv(p: Path) -> Sheet:
    text = decode(p.read_bytes())
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    head = next(reader, None)
    if not head:
        raise CoopError("file_empty", path=p.name)
    rows = [r for r in reader if any(c.strip() for c in r)]
    return Sheet([h.strip() for h in head], rows)


def write_sheet(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """Write XLSX (streamed) or CSV (UTF-8 with BOM and ``;``, which Excel opens right on a French
    or Moroccan PC) according to the file's suffix."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(list(headers))
        for row in rows:
            ws.append([_cell(v) for v in row])
        wb.save(p)
    elif suffix == ".csv":
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(headers)
            for row in rows:
                w.writerow(["" if v is None else _text(v) for v in row])
    else:
        raise CoopError("file_format", suffix=suffix or "?")
    return p


def _cell(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    return v


def _text(v: Any) -> str:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def iter_dicts(sheet: Sheet) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as the spreadsheet shows it, {header: value})."""
    for i, row in enumerate(sheet.rows):
        yield i + 2, {h: (row[j] if j < len(row) else None) for j, h in enumerate(sheet.headers)}
