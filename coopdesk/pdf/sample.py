"""A French + Arabic + Tifinagh sample document, for tests and for looking at the output.

python -m coopdesk.pdf.sample out.pdf      # then: pdftoppm -png -r 80 out.pdf page
"""

from __future__ import annotations

import datetime as dt
import sys

from babel.dates import format_date
from babel.numbers import format_currency
from reportlab.platypus import KeepTogether, Spacer

from coopdesk.pdf.layout import a4_document, qr_code, table
from coopdesk.pdf.text import para

MEETING = dt.date(2026, 3, 12)

AR_LONG = (
    "اجتمعت لجنة القيادة المشتركة يوم {date} بمقر جماعة تيزنيت بحضور السيد Jean Dupont، "
    "رئيس جماعة Villeneuve-la-Garenne، والسيد محمد أمين، رئيس جماعة تيزنيت. "
    "وصادقت اللجنة على ميزانية قدرها {mad} لسنة 2026، منها {eur} مساهمة من الجانب الفرنسي، "
    "وعلى برنامج عمل يضم 12 نشاطا في مجالات الماء والثقافة والشباب. "
    "ويستمر هذا النص على عدة أسطر للتحقق من ترتيب الأسطر من الأعلى إلى الأسفل."
)
FR_LONG = (
    "Le comité de pilotage s’est réuni le {date} à Tiznit, en présence de M. Jean Dupont, maire de "
    "Villeneuve-la-Garenne, et de M. محمد أمين, président de la commune de تيزنيت. Budget adopté : {eur} "
    "« à l’unanimité », soit {mad}."
)
ZGH_LONG = "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ ⵏ ⵜⵉⵣⵏⵉⵜ ⴷ Villeneuve-la-Garenne, {date}. ⴰⵙⴳⴳⵯⴰⵙ 2026: 12 ⵏ ⵜⵉⴳⴰⵡⵉⵏ."


def texts() -> dict[str, list[str]]:
    """The texts of the sample, per language (also used by the preflight tests)."""
    eur_fr = format_currency(18500, "EUR", locale="fr_FR")
    mad_fr = format_currency(201350.75, "MAD", locale="fr_FR")
    mad_ar = format_currency(201350.75, "MAD", locale="ar_MA")
    eur_ar = format_currency(18500, "EUR", locale="ar_MA")
    return {
        "fr": [
            "Compte rendu du comité de pilotage",
            FR_LONG.format(date=format_date(MEETING, "long", locale="fr_FR"), eur=eur_fr, mad=mad_fr),
            "Présents",
            "Nom",
            "Commune",
            "Fonction",
            "Jean Dupont",
            "Villeneuve-la-Garenne",
            "Maire",
            "محمد أمين",
            "Tiznit",
            "Président",
        ],
        "ar": [
            "محضر اجتماع لجنة القيادة",
            AR_LONG.format(date=format_date(MEETING, "long", locale="ar_MA"), mad=mad_ar, eur=eur_ar),
            "الحاضرون",
            "الاسم",
            "الجماعة",
            "الصفة",
            "محمد أمين",
            "تيزنيت",
            "رئيس الجماعة",
            "Jean Dupont",
            "Villeneuve-la-Garenne",
            "عمدة",
        ],
        "zgh": [
            "ⴰⴷⵍⵉⵙ ⵏ ⵓⵎⵢⴰⵡⴰⵙ",
            ZGH_LONG.format(date=format_date(MEETING, "long", locale="zgh_MA")),
        ],
    }


def story() -> list:
    t = texts()
    fr, ar, zgh = t["fr"], t["ar"], t["zgh"]
    out: list = [
        para(fr[0], "title", "fr"),
        para(fr[1], "body", "fr"),
        para(fr[2], "h2", "fr"),
        table([fr[3:6], fr[6:9], fr[9:12]], "fr"),
        Spacer(1, 12),
        para(ar[0], "h1", "ar"),
        para(ar[1], "body", "ar"),
        para(ar[2], "h2", "ar"),
        table([ar[3:6], ar[6:9], ar[9:12]], "ar"),
        Spacer(1, 12),
        para(zgh[0], "h1", "zgh"),
        para(zgh[1], "body", "zgh"),
        KeepTogether(
            [para("Empreinte / البصمة", "small", "fr"), qr_code("coopdesk:minutes:v3:sha256:1f2e3d4c")]
        ),
    ]
    # enough body text for several pages, so "x / y" is checked on more than one page
    for i in range(1, 9):
        out.append(para(f"{i}. " + fr[1], "body", "fr"))
        out.append(para(ar[1], "body", "ar"))
    return out


def build(target, lang: str = "fr") -> None:
    footer = "CoopDesk · version 3 · empreinte sha256 1f2e3d4c5b6a · البصمة"
    a4_document(target, lang=lang, footer_text=footer, title="Sample").build(story())


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else "sample.pdf", sys.argv[2] if len(sys.argv) > 2 else "fr")
