"""Annual activity report of a plan year (articles 3 and annex I: evaluation and capitalisation).

Per strategic axis: the actions with status, calendar and budget; then each action with its
partners, indicators (target against achieved per commune and sex, a table and a bar chart),
funding and events. Then the funding of the year (requested / granted / paid in EUR and MAD, with a
total in EUR at the rate recorded on each request) and every event held. Indicators come from
:meth:`IndicatorService.for_year`, computed from the data and always split by sex.
"""

from __future__ import annotations

from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, format_money, format_number, format_percent
from coopdesk.pdf.common import CONTENT_WIDTH, Doc, build_pdf
from coopdesk.pdf.data import communes as load_communes
from coopdesk.pdf.fonts import LATIN
from coopdesk.services.funding import to_eur

TARGET = colors.Color(0.75, 0.75, 0.75)
WOMEN = colors.Color(0.55, 0.25, 0.55)
MEN = colors.Color(0.2, 0.45, 0.7)


def build(svc, year: int, lang: str = "fr") -> bytes:
    plan = svc.plans.plan_for_year(year)
    if plan is None:
        raise CoopError("print_no_plan", year=year)
    doc = Doc(lang)
    story = story_for(svc, doc, plan)
    title = doc.t(N_("Annual activity report {year}"), doc.lang, year=year)
    return build_pdf(story, doc, title=title, footer_text=title)


def story_for(svc, doc: Doc, plan: dict[str, Any]) -> list[Flowable]:
    year = plan["year"]
    communes = load_communes(svc)
    actions = svc.plans.actions(year=year)
    indicators = svc.indicators.for_year(year)
    requests = svc.funding.requests(year=year)
    events = [e for e in svc.events.events() if e.get("action_id") in {a["id"] for a in actions}]
    axes = [a for a in svc.convention.axes() if a["kind"] == "strategic"]
    theme_names = {a["code"]: a for a in svc.convention.axes()}

    story = doc.header(communes, [doc.text(N_("Annual activity report {year}"), "title", year=year)])
    story += summary(svc, doc, plan, actions, requests)
    for axis in axes:
        mine = [a for a in actions if a["axis_code"] == axis["code"]]
        story.append(PageBreak())
        story.append(doc.block([(lg, doc.t(N_("Axis {code}: {name}"), lg, code=axis["code"],
                                               name=axis_name(axis, lg))) for lg in doc.langs], "h1"))
        if not mine:
            story.append(doc.text(N_("No action under this axis.")))
            continue
        story.append(actions_table(doc, mine))
        for a in mine:
            story += action_detail(svc, doc, a, [i for i in indicators if i["action_id"] == a["id"]],
                                   [r for r in requests if r["action_code"] == a["code"]],
                                   [e for e in events if e["action_id"] == a["id"]], theme_names)
    story.append(PageBreak())
    story.append(doc.text(N_("Funding"), "h1"))
    story.append(funding_table(doc, requests, with_action=True))
    story.append(doc.text(N_("Events held"), "h1"))
    story.append(events_table(svc, doc, events))
    return story


def axis_name(axis: dict[str, Any], lang: str) -> str:
    return axis.get(f"name_{lang}") or axis["name_fr"]


def status_label(doc: Doc, status: str) -> Any:
    return doc.label(C.ACTION_STATUSES.get(status, status))


def calendar(doc: Doc, a: dict[str, Any]):
    def text(lg: str) -> str:
        start, end = doc.date(a.get("start"), lg, "short"), doc.date(a.get("end"), lg, "short")
        return f"{start} – {end}" if start or end else "—"
    return doc.value_cell(text)


def summary(svc, doc: Doc, plan: dict[str, Any], actions, requests) -> list[Flowable]:
    out: list[Flowable] = [doc.text(N_("Summary"), "h1")]
    status = C.PLAN_STATUSES.get(plan["status"], plan["status"])
    rows: list[list[Any]] = [
        [doc.label(N_("Action plan {year}"), year=plan["year"]), doc.label(status)],
        [doc.label(N_("Actions")), doc.label(N_("{n} actions, {done} done"), n=len(actions),
                                             done=sum(1 for a in actions if a["status"] == "done"))],
    ]
    if plan.get("validated_on"):
        rows.append([doc.label(N_("Status")), doc.label(N_("Validated on {date}"),
                                                        date=lambda lg: doc.date(plan["validated_on"], lg))])
    share = svc.indicators.women_share(plan["year"])
    if share is not None:
        rows.append([doc.label(N_("Women")), doc.value_cell(lambda lg: format_percent(share, lg))])
    out.append(doc.grid(rows, [CONTENT_WIDTH * 0.4, CONTENT_WIDTH * 0.6], header=False))
    if plan.get("evaluation"):
        out.append(doc.text(N_("Evaluation"), "h2"))
        out.append(doc.data(plan["evaluation"]))
    out.append(doc.text(N_("Funding"), "h2"))
    out.append(totals_table(doc, requests))
    return out


def actions_table(doc: Doc, actions) -> Flowable:
    w = CONTENT_WIDTH
    rows: list[list[Any]] = [[doc.label(N_("Code"), bold=True), doc.label(N_("Action"), bold=True),
                              doc.label(N_("Lead commune"), bold=True), doc.label(N_("Calendar"), bold=True),
                              doc.label(N_("Status"), bold=True), doc.label(N_("Budget"), bold=True)]]
    for a in actions:
        rows.append([a["code"], a["title"], a["lead_commune_code"] or "—", calendar(doc, a), status_label(doc, a["status"]),
                     doc.value_cell(lambda lg, a=a: format_money(a["budget"], a["budget_currency"], lg))])
    return doc.grid(rows, [w * 0.08, w * 0.37, w * 0.1, w * 0.17, w * 0.12, w * 0.16])


def action_detail(svc, doc: Doc, a: dict[str, Any], indicators, requests, events, theme_names) -> list[Flowable]:
    detail = svc.plans.action(a["id"])
    head: list[Flowable] = [doc.data(f"{a['code']} — {a['title']}", "h2")]
    facts: list[list[Any]] = [[doc.label(N_("Lead commune")), a["lead_commune_code"] or "—"],
                              [doc.label(N_("Calendar")), calendar(doc, a)],
                              [doc.label(N_("Status")), status_label(doc, a["status"])]]
    if detail["partners"]:
        facts.append([doc.label(N_("Partners")), ", ".join(p["short_name"] or p["name"] for p in detail["partners"])])
    if detail["themes"]:
        facts.append([doc.label(N_("Transversal themes")), doc.value_cell(lambda lg: ", ".join(
            axis_name(theme_names[t], lg) for t in detail["themes"] if t in theme_names))])
    head.append(doc.grid(facts, [CONTENT_WIDTH * 0.25, CONTENT_WIDTH * 0.75], header=False))
    out: list[Flowable] = [KeepTogether(head)]
    if a.get("description"):
        out.append(doc.data(a["description"]))
    if indicators:
        out.append(doc.text(N_("Indicators: target against achieved"), "h2"))
        for ind in indicators:
            out.append(KeepTogether([indicator_table(doc, ind), Spacer(1, 2 * mm), *indicator_chart(doc, ind)]))
    if requests:
        out.append(doc.text(N_("Funding"), "h2"))
        out.append(funding_table(doc, requests, with_action=False))
    if events:
        out.append(doc.text(N_("Events held"), "h2"))
        out.append(events_table(svc, doc, events))
    out.append(Spacer(1, 4 * mm))
    return out


def indicator_table(doc: Doc, ind: dict[str, Any]) -> Flowable:
    w = CONTENT_WIDTH
    rows: list[list[Any]] = [[doc.data(f"{ind['code']} — {ind['name']}", "cell_bold"), doc.label(N_("Target"), bold=True),
                              doc.label(N_("Women"), bold=True), doc.label(N_("Men"), bold=True),
                              doc.label(N_("Achieved"), bold=True)]]
    num = lambda n: doc.value_cell(lambda lg: format_number(n, lg))  # noqa: E731
    for code in sorted(set(ind["targets"]) | set(ind["achieved"])):
        got = ind["achieved"].get(code, {})
        f, m = got.get("F", 0), got.get("M", 0)
        rows.append([code, num(ind["targets"].get(code, 0)), num(f), num(m), num(f + m)])
    women = sum(v.get("F", 0) for v in ind["achieved"].values())
    men = sum(v.get("M", 0) for v in ind["achieved"].values())
    total_target = ind["target_total"] or sum(ind["targets"].values())
    rows.append([doc.label(N_("Total"), bold=True), num(total_target), num(women), num(men), num(women + men)])
    return doc.grid(rows, [w * 0.4, w * 0.15, w * 0.15, w * 0.15, w * 0.15])


def indicator_chart(doc: Doc, ind: dict[str, Any]) -> list[Flowable]:
    """Grouped bars per commune: target, women achieved, men achieved (a legend table under it)."""
    codes = sorted(set(ind["targets"]) | set(ind["achieved"]))
    width, height = CONTENT_WIDTH * 0.6, 38 * mm
    d = Drawing(width, height)
    d.initialFontName = LATIN.regular
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 14, width - 40, height - 20
    chart.data = [[ind["targets"].get(c, 0) for c in codes],
                  [ind["achieved"].get(c, {}).get("F", 0) for c in codes],
                  [ind["achieved"].get(c, {}).get("M", 0) for c in codes]]
    chart.categoryAxis.categoryNames = codes
    for axis in (chart.categoryAxis.labels, chart.valueAxis.labels):
        axis.fontName = LATIN.regular
        axis.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: format_number(int(v), "fr" if doc.lang == "zgh" else doc.lang)
    for i, col in enumerate((TARGET, WOMEN, MEN)):
        chart.bars[i].fillColor = col
        chart.bars[i].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 12
    d.add(chart)
    legend = doc.grid([["", doc.label(N_("Target")), "", doc.label(N_("Women")), "", doc.label(N_("Men"))]],
                      [4 * mm, 24 * mm] * 3, header=False,
                      extra_style=[("BACKGROUND", (0, 0), (0, 0), TARGET), ("BACKGROUND", (2, 0), (2, 0), WOMEN),
                                   ("BACKGROUND", (4, 0), (4, 0), MEN), ("GRID", (0, 0), (-1, -1), 0, colors.white),
                                   *[(k, (c, 0), (c, 0), 0) for c in (0, 2, 4)
                                     for k in ("LEFTPADDING", "RIGHTPADDING")]])
    d.hAlign = "RIGHT" if doc.lang == "ar" else "LEFT"
    return [d, legend]


def totals_table(doc: Doc, requests) -> Flowable:
    w = CONTENT_WIDTH
    rows: list[list[Any]] = [["", doc.label(N_("Requested"), bold=True), doc.label(N_("Granted"), bold=True),
                              doc.label(N_("Paid"), bold=True)]]
    totals: dict[str, dict[str, int]] = {}
    eur = {"requested": 0, "granted": 0, "paid": 0}
    for r in requests:
        t = totals.setdefault(r["currency"], {"requested": 0, "granted": 0, "paid": 0})
        for k in t:
            t[k] += r[k]
            eur[k] += to_eur(r[k], r["currency"], r["rate_mad_per_eur_e4"]) or 0
    if not requests:
        return doc.text(N_("No funding request."))
    money = lambda v, cur: doc.value_cell(lambda lg: format_money(v, cur, lg))  # noqa: E731
    for cur in sorted(totals):
        t = totals[cur]
        rows.append([cur, money(t["requested"], cur), money(t["granted"], cur), money(t["paid"], cur)])
    rows.append([doc.label(N_("Total in EUR (at the rate recorded with each request)"), bold=True),
                 money(eur["requested"], "EUR"), money(eur["granted"], "EUR"), money(eur["paid"], "EUR")])
    return doc.grid(rows, [w * 0.34, w * 0.22, w * 0.22, w * 0.22])


def funding_table(doc: Doc, requests, *, with_action: bool) -> Flowable:
    if not requests:
        return doc.text(N_("No funding request."))
    w = CONTENT_WIDTH
    head = [doc.label(N_("Funder"), bold=True)]
    widths = [w * 0.22]
    if with_action:
        head.append(doc.label(N_("Action"), bold=True))
        widths.append(w * 0.09)
    head += [doc.label(N_("Status"), bold=True), doc.label(N_("Requested"), bold=True),
             doc.label(N_("Granted"), bold=True), doc.label(N_("Paid"), bold=True)]
    rest = (w - sum(widths)) / 4
    widths += [rest] * 4
    rows: list[list[Any]] = [head]
    for r in requests:
        money = lambda k, r=r: doc.value_cell(lambda lg: format_money(r[k], r["currency"], lg))  # noqa: E731
        row = [r["funder_short"] or r["funder_name"]] + ([r["action_code"]] if with_action else [])
        row += [doc.label(C.FUNDING_STATUSES.get(r["status"], r["status"])), money("requested"), money("granted"),
                money("paid")]
        rows.append(row)
    out = doc.grid(rows, widths)
    return KeepTogether([out, totals_table(doc, requests)]) if with_action else out


def events_table(svc, doc: Doc, events) -> Flowable:
    if not events:
        return doc.text(N_("No event."))
    w = CONTENT_WIDTH
    rows: list[list[Any]] = [[doc.label(N_("Date"), bold=True), doc.label(N_("Event"), bold=True),
                              doc.label(N_("Place"), bold=True), doc.label(N_("Participants"), bold=True)]]
    for e in events:
        n = e.get("participants", 0) + e.get("anonymous_f", 0) + e.get("anonymous_m", 0)
        rows.append([doc.value_cell(lambda lg, e=e: doc.date(e["start"], lg, "short")), e["title"], e["place"] or "—",
                     doc.value_cell(lambda lg, n=n: format_number(n, lg))])
    return doc.grid(rows, [w * 0.14, w * 0.44, w * 0.28, w * 0.14])
