"""Reference data that ``init`` creates with the same ids on every installation.

Ids are UUIDv5 of a stable name, so Tiznit's "Axe IV" and Villeneuve's "Axe IV" are one row after
they sync, never two.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("6f1c9a52-3b0e-4a8e-9d55-0c2f7e1b9a11")


def ref_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


COMMUNES = [
    {
        "code": "TIZ",
        "name_fr": "Tiznit",
        "name_ar": "تيزنيت",
        "name_zgh": "ⵜⵉⵣⵏⵉⵜ",
        "country": "MA",
        "currency": "MAD",
        "timezone": "Africa/Casablanca",
        "representative_name": "Abdellah GHAZI",
        "representative_title": "Président de la commune de Tiznit",
        "representative_title_ar": "رئيس جماعة تيزنيت",
    },
    {
        "code": "VLG",
        "name_fr": "Villeneuve-la-Garenne",
        "name_ar": "فيلنوف لاغارين",
        "name_zgh": "ⴼⵉⵍⵏⵓⴼ ⵍⴰⴳⴰⵔⵉⵏ",
        "country": "FR",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "representative_name": "Pascal PELAIN",
        "representative_title": "Maire de Villeneuve-la-Garenne",
        "representative_title_ar": "عمدة فيلنوف لاغارين",
    },
]

AXES = [
    {"code": "T1", "kind": "transversal", "position": 1,
     "name_fr": "Égalité femmes-hommes", "name_ar": "المساواة بين النساء والرجال",
     "name_zgh": "ⵜⴰⴳⴷⴰⵣⵉⵍⵜ ⴳⵔ ⵜⵉⵎⵖⴰⵔⵉⵏ ⴷ ⵉⵔⴳⴰⵣⵏ", "name_en": "Gender equality"},
    {"code": "T2", "kind": "transversal", "position": 2,
     "name_fr": "Valorisation de la culture amazighe et francophone",
     "name_ar": "تثمين الثقافة الأمازيغية والفرنكوفونية",
     "name_zgh": "ⴰⵙⴰⴳⴰⵍ ⵏ ⵜⴷⵍⵙⴰ ⵜⴰⵎⴰⵣⵉⵖⵜ ⴷ ⵜⴼⵔⴰⵏⵙⵉⵙⵜ",
     "name_en": "Amazigh and francophone culture"},
    {"code": "I", "kind": "strategic", "position": 1,
     "name_fr": "Inclusion et insertion socio-économique des personnes vulnérables",
     "name_ar": "الإدماج السوسيو-اقتصادي للأشخاص في وضعية هشاشة",
     "name_zgh": "ⴰⵙⵎⵓⵏ ⴰⵏⴰⵎⵓⵏ ⴷ ⵓⴷⵎⴰⵡⴰⵏ ⵏ ⵉⵎⴷⴰⵏⵏ ⵉⵎⵣⴰⵍⵏ",
     "name_en": "Inclusion of vulnerable and disabled people"},
    {"code": "II", "kind": "strategic", "position": 2,
     "name_fr": "La jeunesse", "name_ar": "الشباب", "name_zgh": "ⵜⴰⵎⵥⵥⵉⵜ", "name_en": "Youth"},
    {"code": "III", "kind": "strategic", "position": 3,
     "name_fr": "L'économie sociale et solidaire", "name_ar": "الاقتصاد الاجتماعي والتضامني",
     "name_zgh": "ⵜⴰⴷⴰⵎⵙⴰ ⵜⴰⵏⴰⵎⵓⵏⵜ ⴷ ⵜⵏⴻⵎⵢⴰⵡⴰⵙⵜ", "name_en": "Social and solidarity economy"},
    {"code": "IV", "kind": "strategic", "position": 4,
     "name_fr": "L'accompagnement vers une pratique sportive", "name_ar": "المواكبة نحو ممارسة رياضية",
     "name_zgh": "ⴰⵎⵓⵏ ⵖⵔ ⵓⵙⵡⵓⵔⵉ ⴰⵏⴰⴷⴰⵏ", "name_en": "Sport for all"},
    {"code": "V", "kind": "strategic", "position": 5,
     "name_fr": "La digitalisation et la transformation numérique",
     "name_ar": "الرقمنة والتحول الرقمي", "name_zgh": "ⴰⵙⵏⵓⵎⵉⴹⵏ ⴷ ⵓⵙⵏⴼⵍ ⴰⵏⵓⵎⵉⴹⵏ",
     "name_en": "Digitalisation"},
    {"code": "VI", "kind": "strategic", "position": 6,
     "name_fr": "La dimension écologique", "name_ar": "البعد البيئي", "name_zgh": "ⴰⵙⵓⵔⵙ ⴰⴽⵓⵍⵓⵊⵉ",
     "name_en": "Ecology"},
]

ORGANISATIONS = [
    {"short_name": "DGCL", "kind": "funder", "country": "MA",
     "name": "Direction Générale des Collectivités Locales (Maroc)"},
    {"short_name": "MEAE-DAECT", "kind": "funder", "country": "FR",
     "name": "Ministère de l'Europe et des Affaires étrangères — DAECT"},
    {"short_name": "FCFM", "kind": "funder", "country": "",
     "name": "Fonds conjoint franco-marocain pour la coopération décentralisée"},
    {"short_name": "AFD", "kind": "funder", "country": "FR", "name": "Agence Française de Développement"},
    {"short_name": "UE", "kind": "funder", "country": "",
     "name": "Fonds européens (INTERREG, FEDER, FEADER, Commission européenne)"},
    {"short_name": "ONU", "kind": "funder", "country": "",
     "name": "Organismes et programmes de développement de l'ONU (PNUD, UNOPS…)"},
    {"short_name": "ADHT", "kind": "association", "country": "MA",
     "name": "Association Défi du Handicap Tiznit"},
    {"short_name": "Bouregreg", "kind": "association", "country": "MA",
     "name": "Association Bouregreg (Salé)"},
]


def commune_id(code: str) -> str:
    return ref_id("commune", code)


def axis_id(code: str) -> str:
    return ref_id("axis", code)


def organisation_id(short_name: str) -> str:
    return ref_id("organisation", short_name)


CONVENTION_ID = ref_id("convention", "tiznit-villeneuve-2022")
