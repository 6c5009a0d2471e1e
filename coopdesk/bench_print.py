"""``coopdesk bench print``: time a 10-page minutes (PV) and a 30-page annual report on demo data.

The demo database is built in a temporary folder; the bench then sizes the documents: it adds to the
demo a committee meeting with as many agenda items / decisions (each with its debate and the votes
of the members) as make a PV of at least 10 pages, and to the 2026 plan as many actions (each with
an indicator split by commune and sex, a chart and a funding request) as make a report of at least
30 pages. Sizing is done first; the timed runs render the final documents (best of ``--runs``).
Targets: under 1 s for the PV and under 3 s for the report.

    python -m coopdesk.bench_print            # same as `coopdesk bench print`
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path
from typing import Any

PV_PAGES, REPORT_PAGES = 10, 30
PV_TARGET_S, REPORT_TARGET_S = 1.0, 3.0


def register_bench(sub) -> None:
    p = sub.add_parser("print", help="time a 10-page PV and a 30-page annual report on demo data")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--lang", dest="doc_lang", default="fr", help="fr, ar, zgh or fr+ar")
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_bench_print)


def pages_of(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _add_meeting_items(svc, meeting_id: str, voters: list[str], start: int, count: int) -> None:
    for k in range(start, start + count):
        item = svc.committee.add_agenda_item(
            meeting_id=meeting_id, position=k, title=f"Point {k} : suivi des actions de l'axe {1 + k % 6}",
            debate=("Présentation du point par le secrétariat ; échanges sur le calendrier, le budget et la "
                    "participation des femmes et des jeunes ; les élus des deux communes demandent un bilan "
                    "chiffré avant la prochaine séance. ") * 2)
        dec = svc.committee.add_decision(meeting_id=meeting_id, agenda_item_id=item["id"], number=f"B-{k:02d}",
                                         title=f"Suite donnée au point {k}",
                                         text="Le comité de pilotage approuve la proposition présentée. " * 3)
        svc.committee.vote_all(dec["id"], "yes")


def size_minutes(svc, lang: str) -> tuple[str, int]:
    """A meeting whose PV has at least PV_PAGES pages; returns (meeting id, pages)."""
    from coopdesk.demo import COMMITTEE
    from coopdesk.domain.reference import commune_id
    from coopdesk.pdf import render

    m = svc.committee.create_meeting(host_commune_id=commune_id("VLG"), place="Hôtel de ville, Villeneuve-la-Garenne",
                                     held_at="2026-11-26T14:30", convened_on="2026-11-05", secretary="Claire Moreau")
    voters = []
    for name, title, site, role, president in COMMITTEE:
        a = svc.committee.add_attendee(meeting_id=m["id"], name=name, title=title, role=role,
                                       commune_id=commune_id(site) if site else None, presence="present",
                                       is_president=president)
        voters.append(a["id"])
    done, step = 0, 12
    while True:
        _add_meeting_items(svc, m["id"], voters, done + 1, step)
        done += step
        pages = pages_of(render(svc, "minutes", lang=lang, meeting_id=m["id"]))
        if pages >= PV_PAGES or done > 200:
            break
        step = max(2, round(done * (PV_PAGES - pages) / max(pages, 1)))
    mn = svc.committee.draft_minutes(m["id"])
    svc.committee.finalise_minutes(mn["id"])
    return m["id"], pages_of(render(svc, "minutes", lang=lang, meeting_id=m["id"]))


def size_report(svc, lang: str, year: int = 2026) -> int:
    """Add actions to the year's plan until the report has at least REPORT_PAGES pages."""
    from coopdesk.domain.reference import axis_id, commune_id, organisation_id
    from coopdesk.pdf import render

    plan = svc.plans.plan_for_year(year)
    axes = ["I", "II", "III", "IV", "V", "VI"]
    n = 0
    pages = pages_of(render(svc, "report", lang=lang, year=year))
    while pages < REPORT_PAGES and n < 300:
        for _ in range(6):
            n += 1
            axis = axes[n % 6]
            a = svc.plans.create_action(
                plan_id=plan["id"], code=f"{axes.index(axis) + 1}.9.{n}", axis_id=axis_id(axis),
                title=f"Action complémentaire {n} : échanges de pratiques entre services des deux communes",
                lead_commune_id=commune_id("TIZ" if n % 2 else "VLG"), start=f"{year}-03-01", end=f"{year}-11-30",
                status="in_progress", budget=1500 + 100 * n, budget_currency="EUR" if n % 2 else "MAD")
            ind = svc.plans.create_indicator(action_id=a["id"], code=f"B{n}-a", name="Personnes touchées",
                                             method="manual", targets={"TIZ": 20 + n % 7, "VLG": 15 + n % 5})
            for code in ("TIZ", "VLG"):
                for sex in ("F", "M"):
                    svc.plans.report_value(ind["id"], code, sex, 3 + (n * 7 + len(code) + (sex == "F")) % 11)
            svc.funding.create_request(action_id=a["id"], funder_id=organisation_id("DGCL"), currency="MAD",
                                       requested=50000, granted=40000, paid=10000, status="granted", rate="10.85",
                                       requested_on=f"{year - 1}-10-15")
        pages = pages_of(render(svc, "report", lang=lang, year=year))
    return pages


def timed(fn, runs: int) -> tuple[float, bytes]:
    best, out = float("inf"), b""
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def run(runs: int = 3, lang: str = "fr") -> dict[str, Any]:
    from coopdesk.demo import build_demo
    from coopdesk.pdf import render
    from coopdesk.services import open_services

    with tempfile.TemporaryDirectory() as tmp:
        svc = open_services(Path(tmp) / "bench.db")
        try:
            build_demo(svc)
            meeting_id, _ = size_minutes(svc, lang)
            size_report(svc, lang)
            pv_s, pv = timed(lambda: render(svc, "minutes", lang=lang, meeting_id=meeting_id), runs)
            rep_s, rep = timed(lambda: render(svc, "report", lang=lang, year=2026), runs)
        finally:
            svc.close()
    return {"lang": lang, "runs": runs,
            "minutes": {"pages": pages_of(pv), "seconds": round(pv_s, 3), "target_s": PV_TARGET_S,
                        "met": pv_s < PV_TARGET_S},
            "report": {"pages": pages_of(rep), "seconds": round(rep_s, 3), "target_s": REPORT_TARGET_S,
                       "met": rep_s < REPORT_TARGET_S}}


def text_of(data: dict[str, Any]) -> str:
    lines = []
    for key, label in (("minutes", "PV (minutes)"), ("report", "annual report")):
        d = data[key]
        verdict = "OK" if d["met"] else "MISSED"
        lines.append(f"{label:15} {d['pages']:3} pages  {d['seconds']:.3f} s  (target < {d['target_s']:.0f} s: "
                     f"{verdict})  lang={data['lang']}, best of {data['runs']}")
    return "\n".join(lines)


def cmd_bench_print(args: argparse.Namespace) -> int:
    from coopdesk.pdf.common import parse_langs

    parse_langs(args.doc_lang)
    data = run(args.runs, args.doc_lang)
    if getattr(args, "json", False):
        import json

        print(json.dumps(data, indent=2))
    else:
        print(text_of(data))
    return 0


if __name__ == "__main__":
    import sys

    lang = sys.argv[1] if len(sys.argv) > 1 else "fr"
    print(text_of(run(3, lang)))
