"""A realistic demo database built through the public service API.

The convention as signed (deliberations of 20 September 2021 and 15 December 2022, transmitted
to the préfecture on 3 January 2023), the 2025 and 2026 plans with the actions of annex II, the
120 beneficiaries of action 1.1.1 (90 in Tiznit, 30 in Villeneuve), a women's sport event, an
olympiad with mixed teams, two committee meetings (one in each country) and funding requests in
EUR and MAD. Names are invented. The same seed always gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from coopdesk.domain.reference import axis_id, commune_id, organisation_id
from coopdesk.services import Services

F_NAMES = [("Fatima", "فاطمة"), ("Khadija", "خديجة"), ("Aicha", "عائشة"), ("Meryem", "مريم"), ("Salma", "سلمى"),
           ("Hanane", "حنان"), ("Naima", "نعيمة"), ("Zineb", "زينب"), ("Latifa", "لطيفة"), ("Samira", "سميرة"),
           ("Imane", "إيمان"), ("Yasmine", "ياسمين"), ("Hafsa", "حفصة"), ("Nadia", "نادية"), ("Ilham", "إلهام")]
M_NAMES = [("Mohamed", "محمد"), ("Ahmed", "أحمد"), ("Youssef", "يوسف"), ("Brahim", "إبراهيم"), ("Hassan", "حسن"),
           ("Omar", "عمر"), ("Said", "سعيد"), ("Lahcen", "لحسن"), ("Mustapha", "مصطفى"), ("Rachid", "رشيد"),
           ("Hamza", "حمزة"), ("Karim", "كريم"), ("Abdelaziz", "عبد العزيز"), ("Mehdi", "مهدي"), ("Ayoub", "أيوب")]
LAST_NAMES = [("Ait Ali", "آيت علي"), ("Amazigh", "أمازيغ"), ("Oubaha", "أوباها"), ("Boutaleb", "بوطالب"),
              ("El Idrissi", "الإدريسي"), ("Ouhammou", "أوحمو"), ("Bakkali", "البقالي"), ("Id Brahim", "إد إبراهيم"),
              ("Akhiat", "أخيات"), ("Benali", "بنعلي"), ("Ouzzine", "أوزين"), ("Tazi", "التازي"),
              ("Ait Baha", "آيت باها"), ("Lahlou", "لحلو"), ("Azzouzi", "العزوزي"), ("Oukhouya", "أوخويا")]
FR_F = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Louise", "Nora", "Lina"]
FR_M = ["Lucas", "Hugo", "Nathan", "Adam", "Théo", "Rayan", "Louis", "Yanis", "Mathis", "Ilyes"]
FR_LAST = ["Martin", "Bernard", "Dubois", "Moreau", "Laurent", "Garnier", "Lefèvre", "Mercier", "Dupont", "Fontaine"]
DISABILITIES = ["Déficience motrice", "Déficience visuelle", "Déficience auditive", "Trouble du spectre autistique",
                "Déficience intellectuelle légère"]

PLAN_ACTIONS = [
    ("1.1.1", "I", "TIZ", "Accompagnement de 120 personnes en situation de handicap (projet Tawori) : parcours "
     "scolaire et insertion professionnelle", ["T1"], ["ADHT"], 4_500_000, "EUR"),
    ("1.1.2", "I", "TIZ", "Formations professionnelles aux technologies de l'information pour personnes en "
     "situation de handicap", ["T1"], ["ADHT"], 800_000, "EUR"),
    ("1.1.3", "I", "VLG", "Ateliers de sensibilisation Emploi et Handicap en entreprise", [], [], 300_000, "EUR"),
    ("2.1.1", "II", "VLG", "Chantiers internationaux de jeunes en France et au Maroc", ["T2"], [], 1_500_000, "EUR"),
    ("2.1.2", "II", "TIZ", "Séjours et stages sportifs et culturels de jeunes", ["T2"], [], 12_000_000, "MAD"),
    ("2.2.1", "II", "VLG", "Accueil réciproque de stagiaires", [], [], 500_000, "EUR"),
    ("3.1.1", "III", "TIZ", "Accueil d'artisans sur des foires en France et au Maroc", ["T1", "T2"], [],
     9_000_000, "MAD"),
    ("3.2.2", "III", "VLG", "Échanges d'expertise entrepreneuriale", [], [], 400_000, "EUR"),
    ("4.1.1", "IV", "TIZ", "Événements sportifs réguliers à destination des femmes et des jeunes filles", ["T1"],
     [], 6_000_000, "MAD"),
    ("4.1.2", "IV", "VLG", "Sensibilisation des équipes pédagogiques à l'égalité femmes-hommes", ["T1"], [],
     250_000, "EUR"),
    ("4.1.3", "IV", "VLG", "Olympiades intergénérationnelles en équipes mixtes Tiznit — Villeneuve", ["T1", "T2"],
     [], 2_000_000, "EUR"),
]


def build_demo(svc: Services, *, seed: int = 2026, progress: Callable[[int, str], None] | None = None) -> dict:
    """Fill an initialised (or empty) database with the demo data. Returns a few ids for tests."""
    rng = random.Random(seed)
    step = progress or (lambda _pct, _msg: None)
    if not svc.setup.is_initialised():
        svc.setup.init("TIZ", node_code="TIZ")
    tiz, vlg = commune_id("TIZ"), commune_id("VLG")

    step(5, "convention")
    svc.convention.update(signed_vlg="2023-01-20", signed_tiz="2023-02-14", visa_prefet="2023-02-01",
                          visa_governor="2023-03-10")
    for name, role, full in (("redacteur", "editor", "Rédacteur Tiznit"), ("lecteur", "viewer", "Consultation")):
        svc.users.create_user(name, role, full_name=full)

    step(10, "meetings")
    m1 = _meeting(svc, rng, number=1, host="VLG", place="Hôtel de ville, Villeneuve-la-Garenne",
                  at=dt.datetime(2024, 11, 28, 14, 30), secretary="Claire Moreau",
                  decisions=[("2024-01", "Validation du plan d'action 2025", "plan_validation"),
                             ("2024-02", "Lancement des olympiades intergénérationnelles", "general")])
    m2 = _meeting(svc, rng, number=2, host="TIZ", place="Siège de la commune, Tiznit",
                  at=dt.datetime(2025, 12, 10, 10, 0), secretary="Hassan Oubaha",
                  decisions=[("2025-01", "Validation du plan d'action 2026", "plan_validation"),
                             ("2025-02", "Bilan 2025 du projet Tawori", "evaluation"),
                             ("2025-03", "Création d'un fonds de mobilité des jeunes", "general")],
                  dissent_on="2025-03")

    step(20, "plans")
    actions: dict[tuple[int, str], str] = {}
    for year, meeting, dec in ((2025, m1, "2024-01"), (2026, m2, "2025-01")):
        plan = svc.plans.create_plan(year)
        for code, axis, lead, title, themes, partners, budget, cur in PLAN_ACTIONS:
            a = svc.plans.create_action(
                plan_id=plan["id"], code=code, axis_id=axis_id(axis), title=title, lead_commune_id=commune_id(lead),
                start=f"{year}-{rng.randint(1, 4):02d}-01", end=f"{year}-{rng.randint(9, 12):02d}-28",
                status="done" if year == 2025 else "in_progress", budget=budget / 100, budget_currency=cur,
                themes=themes, partners=[organisation_id(p) for p in partners])
            actions[(year, code)] = a["id"]
        svc.plans.validate_plan(plan["id"], meeting["decisions"][dec])
        if year == 2025:
            svc.plans.set_plan_status(plan["id"], "in_progress")
            svc.plans.set_plan_status(plan["id"], "evaluated", evaluation="Objectifs 2025 atteints à 85 %.")
        else:
            svc.plans.set_plan_status(plan["id"], "in_progress")

    step(30, "indicators")
    for year in (2025, 2026):
        a111 = actions[(year, "1.1.1")]
        svc.plans.create_indicator(action_id=a111, code="1.1.1-a", name="Personnes accompagnées",
                                   method="enrolments", targets={"TIZ": 90, "VLG": 30})
        svc.plans.create_indicator(action_id=a111, code="1.1.1-b", name="Personnes ayant obtenu un emploi",
                                   method="milestone", milestone_kind="job", targets={"TIZ": 20, "VLG": 8})
        svc.plans.create_indicator(action_id=actions[(year, "4.1.1")], code="4.1.1-a",
                                   name="Participantes aux événements sportifs", method="participants",
                                   targets={"TIZ": 150, "VLG": 50})
        svc.plans.create_indicator(action_id=actions[(year, "4.1.3")], code="4.1.3-a",
                                   name="Participants aux olympiades", method="participants",
                                   targets={"TIZ": 24, "VLG": 24})
        ind = svc.plans.create_indicator(action_id=actions[(year, "2.1.1")], code="2.1.1-a",
                                         name="Jeunes en chantier international", method="manual",
                                         targets={"TIZ": 12, "VLG": 12})
        for code in ("TIZ", "VLG"):
            for sex in ("F", "M"):
                svc.plans.report_value(ind["id"], code, sex, rng.randint(3, 7))

    step(40, "beneficiaries")
    people = {"TIZ": [], "VLG": []}
    a111 = actions[(2026, "1.1.1")]
    for i in range(120):
        site = "TIZ" if i < 90 else "VLG"
        sex = "F" if i % 2 == 0 else "M"
        first, first_ar = rng.choice(F_NAMES if sex == "F" else M_NAMES)
        last, last_ar = rng.choice(LAST_NAMES)
        if site == "VLG" and rng.random() < 0.4:
            first = rng.choice(FR_F if sex == "F" else FR_M)
            last = rng.choice(FR_LAST)
            first_ar = last_ar = ""
        birth = dt.date(rng.randint(1990, 2010), rng.randint(1, 12), rng.randint(1, 28))
        p = svc.people.create_person(
            first_name=first, last_name=last, first_name_ar=first_ar, last_name_ar=last_ar, sex=sex,
            birth_date=birth, commune_id=commune_id(site), phone=f"+212 6{rng.randint(10000000, 99999999)}"
            if site == "TIZ" else f"+33 6 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}", disability=True, disability_details=rng.choice(DISABILITIES),
            consent_date="2025-01-15", consent_scope="accompagnement, statistiques, partage partenaire",
            consent_collected_by="ADHT" if site == "TIZ" else "CCAS Villeneuve")
        people[site].append(p["id"])
        enr = svc.people.enrol(p["id"], a111, "2026-01-15")
        svc.people.add_milestone(enr["id"], "schooling", f"2026-0{rng.randint(2, 4)}-1{rng.randint(0, 9)}")
        r = rng.random()
        if r < 0.35:
            svc.people.add_milestone(enr["id"], "training", f"2026-0{rng.randint(5, 7)}-1{rng.randint(0, 9)}")
        if r < 0.18:
            svc.people.add_milestone(enr["id"], "job", f"2026-{rng.randint(8, 11):02d}-0{rng.randint(1, 9)}")
        if i % 10 == 0:
            step(40 + i // 4, "beneficiaries")

    step(75, "events")
    sport_people = []
    for i in range(40):
        site = "TIZ" if i < 30 else "VLG"
        first, first_ar = rng.choice(F_NAMES)
        last, last_ar = rng.choice(LAST_NAMES)
        p = svc.people.create_person(first_name=first, last_name=last, first_name_ar=first_ar, last_name_ar=last_ar,
                                     sex="F", birth_date=dt.date(rng.randint(1960, 2012), rng.randint(1, 12), 5),
                                     commune_id=commune_id(site), consent_date="2026-03-01",
                                     consent_scope="statistiques")
        sport_people.append(p["id"])
    sport = svc.events.create_event(
        action_id=actions[(2026, "4.1.1")], type="sport", title="Course féminine de Tiznit",
        start="2026-03-08", place="Stade municipal, Tiznit", commune_id=tiz, responsible="Naima Ouhammou",
        emergency_contact="Protection civile +212 5 28 86 00 00",
        safety_notes="Ambulance sur place, parcours fermé à la circulation, points d'eau tous les 2 km.",
        anonymous_f=64, anonymous_m=0)
    svc.events.register(sport["id"], sport_people)
    svc.events.mark_attendance(sport["id"], {pid: ("attended" if k % 7 else "absent")
                                             for k, pid in enumerate(sport_people)})

    olympiad = svc.events.create_event(
        action_id=actions[(2026, "4.1.3")], type="olympiad", title="Olympiades intergénérationnelles 2026",
        start="2026-07-04", end="2026-07-05", place="Parc des sports, Villeneuve-la-Garenne", commune_id=vlg,
        responsible="Lucas Garnier", emergency_contact="SAMU 15 / Poste de secours +33 1 40 85 00 00",
        safety_notes="Poste de secours, encadrants diplômés, hydratation, assurance collective.")
    oly_tiz = people["TIZ"][:12]
    oly_vlg = people["VLG"][:12]
    svc.events.register(olympiad["id"], oly_tiz + oly_vlg)
    svc.events.mark_attendance(olympiad["id"], {pid: "attended" for pid in oly_tiz + oly_vlg})
    for k, name in enumerate(["Argane", "Seine", "Anti-Atlas", "Garenne"]):
        svc.events.create_team(olympiad["id"], f"Équipe {name}", oly_tiz[k * 3:(k + 1) * 3] + oly_vlg[k * 3:(k + 1) * 3])

    svc.events.create_event(
        action_id=actions[(2026, "3.1.1")], type="fair", title="Foire de l'artisanat de Tiznit — stand de Villeneuve",
        start="2026-12-12", end="2026-12-14", place="Place Al Mechouar, Tiznit", commune_id=tiz,
        responsible="Brahim Akhiat", emergency_contact="+212 5 28 60 00 00")
    svc.events.create_event(
        action_id=actions[(2026, "2.1.1")], type="camp", title="Chantier international de jeunes — Tafraout",
        start="2027-04-12", end="2027-04-26", place="Tafraout", commune_id=tiz, responsible="Camille Martin",
        emergency_contact="+33 6 12 34 56 78")

    step(85, "funding")
    fund = [((2025, "1.1.1"), "MEAE-DAECT", "EUR", 25000, 20000, 20000, "paid"),
            ((2025, "1.1.1"), "DGCL", "MAD", 200000, 200000, 150000, "granted"),
            ((2026, "1.1.1"), "FCFM", "EUR", 30000, 25000, 10000, "granted"),
            ((2026, "4.1.3"), "AFD", "EUR", 15000, 0, 0, "submitted"),
            ((2026, "2.1.2"), "DGCL", "MAD", 120000, 90000, 0, "granted"),
            ((2026, "3.1.1"), "UE", "EUR", 40000, 0, 0, "draft")]
    for (year, code), funder, cur, req, gr, paid, status in fund:
        svc.funding.create_request(action_id=actions[(year, code)], funder_id=organisation_id(funder), currency=cur,
                                   requested=req, granted=gr, paid=paid, status=status,
                                   rate="10.85" if cur == "MAD" else "0", requested_on=f"{year - 1}-10-15")

    step(95, "minutes")
    mn1 = svc.committee.draft_minutes(m1["id"])
    svc.committee.finalise_minutes(mn1["id"], at="2024-12-02T09:00:00")
    svc.committee.sign_minutes(mn1["id"], "VLG", signed_on="2024-12-05", place="Villeneuve-la-Garenne")
    svc.committee.sign_minutes(mn1["id"], "TIZ", signed_on="2024-12-19", place="Tiznit")
    mn2 = svc.committee.draft_minutes(m2["id"])
    svc.committee.finalise_minutes(mn2["id"], at="2025-12-15T09:00:00")
    svc.committee.sign_minutes(mn2["id"], "TIZ", signed_on="2025-12-22", place="Tiznit")
    step(100, "done")
    return {"meetings": [m1["id"], m2["id"]], "minutes": [mn1["id"], mn2["id"]], "olympiad": olympiad["id"],
            "sport": sport["id"], "action_111": a111, "people_tiz": people["TIZ"], "people_vlg": people["VLG"]}


COMMITTEE = [
    ("Abdellah GHAZI", "Président de la commune de Tiznit", "TIZ", "elected", True),
    ("Pascal PELAIN", "Maire de Villeneuve-la-Garenne", "VLG", "elected", True),
    ("Fatima Bakkali", "Vice-présidente, chargée de la coopération", "TIZ", "elected", False),
    ("Marc Dupont", "Adjoint au maire, relations internationales", "VLG", "elected", False),
    ("Hassan Oubaha", "Directeur des services, Tiznit", "TIZ", "technician", False),
    ("Claire Moreau", "Chargée de mission coopération, Villeneuve", "VLG", "technician", False),
    ("Naima Ouhammou", "Présidente, Association Défi du Handicap Tiznit", None, "invited", False),
]


def _meeting(svc: Services, rng: random.Random, *, number: int, host: str, place: str, at: dt.datetime,
             secretary: str, decisions: list[tuple[str, str, str]], dissent_on: str | None = None) -> dict:
    meeting = svc.committee.create_meeting(number=number, host_commune_id=commune_id(host), place=place,
                                           held_at=at, convened_on=(at - dt.timedelta(days=21)).date(),
                                           secretary=secretary)
    attendees = {}
    for name, title, site, role, president in COMMITTEE:
        presence = "present"
        if name == "Marc Dupont" and number == 2:
            presence = "excused"
        a = svc.committee.add_attendee(meeting_id=meeting["id"], name=name, title=title, role=role,
                                       commune_id=commune_id(site) if site else None, presence=presence,
                                       is_president=president)
        attendees[name] = a["id"]
    ids = {}
    for pos, (num, title, kind) in enumerate(decisions, start=1):
        item = svc.committee.add_agenda_item(
            meeting_id=meeting["id"], position=pos, title=title,
            debate=f"Présentation par {secretary}. Échanges sur le calendrier et les moyens ; "
                   f"{rng.choice(['accord général', 'précisions demandées sur le budget', 'questions des élus'])}.")
        dec = svc.committee.add_decision(meeting_id=meeting["id"], agenda_item_id=item["id"], number=num,
                                         title=title, kind=kind,
                                         text=f"Le comité de pilotage approuve : {title.lower()}.")
        svc.committee.vote_all(dec["id"], "yes")
        if num == dissent_on:
            svc.committee.vote(dec["id"], attendees["Claire Moreau"], "abstain")
        ids[num] = dec["id"]
    return {**meeting, "decisions": ids, "attendees": attendees}
