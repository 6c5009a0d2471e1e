"""Maintenance of the translation catalogs: extract, update, check, compile.

    python -m coopdesk.catalogs update    # extract the code into translations/coopdesk.pot and
                                          # merge it into the four .po files (translations kept)
    python -m coopdesk.catalogs check     # untranslated, fuzzy, placeholder and plural problems
                                          # per language, and messages missing from the catalogs;
                                          # exit status 1 when there is any
    python -m coopdesk.catalogs compile --out DIR   # .mo files, for packagers only

The app itself needs no ``.mo``: ``coopdesk.i18n`` compiles the ``.po`` in memory at first use.
The files written here are stable: locations are relative file names without line numbers, and
the POT date only moves when a message was added or removed, so running ``update`` on unchanged
code changes nothing in git.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gettext
import io
import string
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from coopdesk.i18n import DOMAIN, LANGUAGES, TRANSLATIONS_DIR

ROOT = TRANSLATIONS_DIR.parent
MAPPING = ROOT / "babel.cfg"
TEMPLATE = TRANSLATIONS_DIR / f"{DOMAIN}.pot"
SOURCE_DIRS = ("coopdesk", "ui")
PROJECT = "CoopDesk"
COPYRIGHT = "the communes of Tiznit and Villeneuve-la-Garenne"
# English msgids are English text: the English catalog is filled with them by ``update``.
SOURCE_LANGUAGE = "en"

KEYWORDS: dict[str, object] = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
# Extra keywords of one source folder only. ui/models.py: ``Column("Title", value)`` keeps an
# untranslated msgid, translated when shown (SQLAlchemy's Column elsewhere must not be extracted).
FOLDER_KEYWORDS: dict[str, dict[str, object]] = {"ui": {"Column": (1,)}}
COMMENT_TAGS = ("Translators:",)
HEADER = """\
# Translations template for CoopDesk.
# Copyright (C) the communes of Tiznit and Villeneuve-la-Garenne
# This file is distributed under the same license as the CoopDesk project.
# Made by `python -m coopdesk.catalogs update`; translate in the .po files, not here.
#"""


def po_path(lang: str, root: Path = TRANSLATIONS_DIR) -> Path:
    return root / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


# ------------------------------------------------------------------------------------ extract


def _method_map(root: Path) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    with (root / "babel.cfg").open(encoding="utf-8") as fh:
        return parse_mapping_cfg(fh)


def extract(root: Path = ROOT) -> Catalog:
    """The messages of the code under ``root`` as a template catalog (nothing written)."""
    method_map, options_map = _method_map(root)
    root = root.resolve()

    def wanted(path: str, folder: str) -> bool:
        rel = Path(path).resolve().relative_to(root)
        return rel.parts[0] == folder and not any(p.startswith((".", "__")) for p in rel.parts)

    template = Catalog(project=PROJECT, version=_version(), copyright_holder=COPYRIGHT,
                       msgid_bugs_address="", charset="utf-8", fuzzy=False, header_comment=HEADER)
    for folder in SOURCE_DIRS:
        if not (root / folder).is_dir():
            continue
        keywords = {**KEYWORDS, **FOLDER_KEYWORDS.get(folder, {})}
        found = extract_from_dir(str(root), method_map, options_map, keywords=keywords,  # type: ignore[arg-type]
                                 comment_tags=COMMENT_TAGS, strip_comment_tags=True,
                                 directory_filter=lambda path, f=folder: wanted(path, f))
        for filename, _lineno, message, comments, context in found:
            template.add(message, None, [(filename.replace("\\", "/"), None)],  # type: ignore[list-item]
                         auto_comments=comments, context=context)
    return template


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("coopdesk")
    except PackageNotFoundError:
        return "dev"


def _render(catalog: Catalog, **options: bool) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, include_lineno=False, ignore_obsolete=True, **options)
    return buf.getvalue()


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n")
                      if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:')))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already says the same thing (dates aside)."""
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def write_template(template: Catalog, path: Path = TEMPLATE) -> bool:
    if path.exists():
        with path.open("rb") as fh:
            old = read_po(fh)
        if _keys(old) == _keys(template):
            template.creation_date = old.creation_date
    return write_if_changed(path, _render(template))


def _keys(catalog: Catalog) -> list[object]:
    return [(m.id, m.context, sorted(m.locations), m.auto_comments) for m in catalog if m.id]


# ------------------------------------------------------------------------------------- update


def read_catalog(lang: str, root: Path = TRANSLATIONS_DIR) -> Catalog | None:
    path = po_path(lang, root)
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def merge(template: Catalog, lang: str, existing: Catalog | None) -> Catalog:
    """``existing`` brought in line with ``template``; translations kept, new ones empty."""
    if existing is None:
        name = Locale.parse(lang).english_name
        existing = Catalog(locale=lang, domain=DOMAIN, project=PROJECT, version=_version(),
                           copyright_holder=COPYRIGHT, charset="utf-8", fuzzy=False,
                           header_comment=HEADER.replace("Translations template", f"{name} translations")
                           .replace("translate in the .po files, not here", "translate here"),
                           language_team=f"CoopDesk {name}", last_translator="CoopDesk",
                           msgid_bugs_address="")
    existing.update(template, no_fuzzy_matching=False, update_creation_date=False)
    if lang == SOURCE_LANGUAGE:
        for message in existing:
            if not message.id:
                continue
            # A fuzzy guess of Babel is another message's text: English is the msgid itself.
            if isinstance(message.id, tuple | list):
                if message.fuzzy or not all(message.string or ()):
                    message.string = (message.id[0], message.id[1])
            elif message.fuzzy or not message.string:
                message.string = message.id
            message.flags.discard("fuzzy")
    existing.obsolete.clear()
    return existing


def update(root: Path = ROOT, languages: Iterable[str] = LANGUAGES) -> dict[str, bool]:
    """Extract, write the template, merge it into each catalog. Returns which files changed."""
    tdir = root / "translations"
    template = extract(root)
    changed = {str(TEMPLATE.relative_to(ROOT)): write_template(template, tdir / TEMPLATE.name)}
    for lang in languages:
        catalog = merge(template, lang, read_catalog(lang, tdir))
        changed[f"translations/{lang}"] = write_if_changed(po_path(lang, tdir), _render(catalog))
    return changed


# -------------------------------------------------------------------------------------- check


def placeholders(text: str) -> set[str]:
    """The ``{names}`` of a ``str.format`` template (raises ValueError when it is malformed)."""
    names = set()
    for _literal, name, _spec, _conv in string.Formatter().parse(text):
        if name is not None:
            names.add(name.split(".")[0].split("[")[0])
    return names


@dataclass
class Report:
    lang: str
    messages: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _short(msgid: object) -> str:
    text = msgid[0] if isinstance(msgid, tuple | list) else str(msgid)
    return text if len(text) <= 70 else text[:67] + "..."


def check_message(message: Message, num_plurals: int) -> list[str]:
    """What is wrong with one translated message, as sentences for the report."""
    out: list[str] = []
    label = f"“{_short(message.id)}”"
    if message.fuzzy:
        out.append(f"fuzzy: {label}")
    plural = isinstance(message.id, tuple | list)
    if plural:
        forms = list(message.string or ())
        if len(forms) != num_plurals:
            out.append(f"{len(forms)} plural forms instead of {num_plurals}: {label}")
        if not all(forms):
            out.append(f"untranslated: {label}")
            return out
    else:
        if not message.string:
            out.append(f"untranslated: {label}")
            return out
        forms = [message.string]
    try:
        expected = placeholders(message.id[-1] if plural else message.id)
        if plural:
            expected |= placeholders(message.id[0])
    except ValueError:
        return out + [f"msgid is not a valid format string: {label}"]
    for form in forms:
        try:
            got = placeholders(form)
        except ValueError:
            out.append(f"translation is not a valid format string (braces): {label}")
            continue
        if got != expected:
            missing = ", ".join(sorted("{" + n + "}" for n in expected - got))
            extra = ", ".join(sorted("{" + n + "}" for n in got - expected))
            detail = "; ".join(x for x in (missing and f"missing {missing}", extra and f"unknown {extra}") if x)
            out.append(f"placeholders ({detail}): {label}")
    return out


def compile_catalog(catalog: Catalog) -> gettext.GNUTranslations:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def check(root: Path = ROOT, languages: Iterable[str] = LANGUAGES,
          template: Catalog | None = None) -> list[Report]:
    """One report per language; ``template`` defaults to a fresh extraction of the code."""
    tdir = root / "translations"
    template = template if template is not None else extract(root)
    wanted = {m.id if not isinstance(m.id, list) else tuple(m.id) for m in template if m.id}
    reports = []
    for lang in languages:
        report = Report(lang)
        reports.append(report)
        try:
            catalog = read_catalog(lang, tdir)
        except Exception as exc:  # a syntax error: say where, as the parser does
            report.problems.append(f"cannot read the catalog: {exc}")
            continue
        if catalog is None:
            report.problems.append(f"no catalog {po_path(lang, Path('translations'))}")
            continue
        have = {m.id: m for m in catalog if m.id}
        report.messages = len(have)
        expected_plural = Catalog(locale=lang).plural_forms
        if catalog.plural_forms != expected_plural:
            report.problems.append(f"Plural-Forms header is “{catalog.plural_forms}”, Babel says "
                                   f"“{expected_plural}”")
        missing = wanted - set(have)
        for msgid in sorted(missing, key=str):
            report.problems.append(f"missing from the catalog (run update): “{_short(msgid)}”")
        for msgid, message in have.items():
            if msgid in wanted:
                report.problems += check_message(message, catalog.num_plurals)
        try:
            compile_catalog(catalog)
        except Exception as exc:
            report.problems.append(f"does not compile: {exc}")
    return reports


def compile_all(out: Path, root: Path = ROOT) -> list[Path]:
    written = []
    for lang in LANGUAGES:
        catalog = read_catalog(lang, root / "translations")
        if catalog is None:
            continue
        target = out / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(target)
    return written


# ---------------------------------------------------------------------------------------- main


def _print_reports(reports: list[Report], limit: int) -> bool:
    ok = True
    for r in reports:
        name = Locale.parse(r.lang).english_name
        status = "ok" if r.ok else f"{len(r.problems)} problem(s)"
        print(f"{r.lang:4} {name:22} {r.messages:5} messages  {status}")
        for line in r.problems[:limit]:
            print(f"       {line}")
        if len(r.problems) > limit:
            print(f"       ... and {len(r.problems) - limit} more (--all to see them)")
        ok = ok and r.ok
    return ok


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m coopdesk.catalogs",
                                description="Extract, update, check and compile the translation catalogs.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("extract", help="write translations/coopdesk.pot from the code")
    sub.add_parser("update", help="extract, then merge into every .po (translations are kept)")
    c = sub.add_parser("check", help="report untranslated, fuzzy, placeholder and plural problems")
    c.add_argument("--all", action="store_true", help="list every problem, not the first 25 per language")
    c.add_argument("--lang", action="append", choices=LANGUAGES, help="only these languages")
    m = sub.add_parser("compile", help="write .mo files (the app does not need them)")
    m.add_argument("--out", type=Path, required=True)
    args = p.parse_args(argv)

    if args.command == "extract":
        template = extract()
        changed = write_template(template)
        print(f"{len(template)} messages; translations/{TEMPLATE.name} {'written' if changed else 'unchanged'}")
        return 0
    if args.command == "update":
        start = dt.datetime.now()
        changed = update()
        for name, was in changed.items():
            print(f"{name}: {'updated' if was else 'unchanged'}")
        _print_reports(check(), limit=0)
        print(f"({(dt.datetime.now() - start).total_seconds():.1f} s; `check` lists the problems)")
        return 0
    if args.command == "check":
        ok = _print_reports(check(languages=args.lang or LANGUAGES), limit=10**6 if args.all else 25)
        return 0 if ok else 1
    if args.command == "compile":
        for path in compile_all(args.out):
            print(path)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
