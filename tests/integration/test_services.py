"""Every entity through the service API on a real SQLite file: create, read, update, delete,
the rules with their error codes, and the audit trail's before/after values."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.domain.reference import axis_id, commune_id, organisation_id
from coopdesk.errors import CoopError

TIZ, VLG = commune_id("TIZ"), commune_id("VLG")


def make_action(svc, code="1.1.1", year=2026):
    plan = svc.plans.plan_for_year(year) or svc.plans.create_plan(year)
    return svc.plans.create_action(plan_id=plan["id"], code=code, axis_id=axis_id("I"), title="Tawori",
                                   lead_commune_id=TIZ, start=f"{year}-01-01", end=f"{year}-12-31")


def make_meeting(svc, host="TIZ", at="2026-03-01T10:00", members=(("Ghazi", "TIZ"), ("Pelain", "VLG"))):
    m = svc.committee.create_meeting(host_commune_id=commune_id(host), place="Tiznit", held_at=at)
    ids = [svc.committee.add_attendee(meeting_id=m["id"], name=n, role="elected", commune_id=commune_id(c),
                                      presence="present", is_president=True)["id"] for n, c in members]
    return m, ids


def test_reference_data_has_stable_ids(svc):
    codes = {a["code"]: a["id"] for a in svc.convention.axes()}
    assert codes["IV"] == axis_id("IV")
    assert set(codes) == {"T1", "T2", "I", "II", "III", "IV", "V", "VI"}
    assert {c["code"] for c in svc.setup.communes()} == {"TIZ", "VLG"}
    shorts = {o["short_name"] for o in svc.funding.organisations(kind="funder")}
    assert {"DGCL", "MEAE-DAECT", "FCFM", "AFD", "UE", "ONU"} <= shorts


def test_person_crud_and_audit(svc):
    p = svc.people.create_person(first_name="Fatima", last_name="Ait Ali", last_name_ar="آيت علي", sex="F",
                                 commune="TIZ", birth_date="2001-04-03", disability=True,
                                 disability_details="motrice")
    assert svc.people.person(p["id"])["birth_date"] == dt.date(2001, 4, 3)
    svc.people.update_person(p["id"], phone="+212 600000000")
    assert svc.people.person(p["id"])["phone"] == "+212 600000000"
    entries = svc.audit.entries(entity="person", row_id=p["id"])
    update = next(e for e in entries if e["op"] == "update")
    assert update["before"] == {"phone": ""} and update["after"] == {"phone": "+212 600000000"}
    assert update["username"] == "system"
    svc.people.delete_person(p["id"])
    with pytest.raises(CoopError) as e:
        svc.people.person(p["id"])
    assert e.value.code == "not_found"
    assert any(e["op"] == "delete" for e in svc.audit.entries(entity="person", row_id=p["id"]))


def test_search_finds_latin_and_arabic_script(svc):
    svc.people.create_person(first_name="Fatima-Zahra", last_name="Aït Ali", first_name_ar="فاطمة الزهراء",
                             last_name_ar="آيت علي", sex="F", commune="TIZ")
    svc.people.create_person(first_name="Omar", last_name="Tazi", sex="M", commune="VLG")
    assert [p["first_name"] for p in svc.people.search("ait ali")] == ["Fatima-Zahra"]
    assert [p["first_name"] for p in svc.people.search("ايت")] == ["Fatima-Zahra"]
    assert [p["first_name"] for p in svc.people.search("", commune="VLG")] == ["Omar"]
    assert svc.people.count("", sex="F") == 1


@pytest.mark.parametrize("data,code,field", [
    ({"sex": "F", "commune": "TIZ"}, "required", "last_name"),
    ({"last_name": "X", "sex": "Q", "commune": "TIZ"}, "invalid_choice", "sex"),
    ({"last_name": "X", "sex": "F", "commune": "PAR"}, "invalid_choice", "commune"),
    ({"last_name": "X", "sex": "F", "commune": "TIZ", "birth_date": "31/02/2001"}, "invalid_date", "birth_date"),
])
def test_person_bad_input_writes_nothing(svc, data, code, field):
    before = len(svc.audit.entries())
    with pytest.raises(CoopError) as e:
        svc.people.create_person(**data)
    assert e.value.code == code and e.value.field == field
    assert len(svc.audit.entries()) == before and svc.people.count() == 0


def test_plan_and_action_crud_with_rules(svc):
    a = make_action(svc)
    svc.plans.update_action(a["id"], budget="1 500,00", budget_currency="MAD", status="in_progress")
    got = svc.plans.action(a["id"])
    assert got["budget"] == 150000 and got["budget_currency"] == "MAD" and got["axis_code"] == "I"
    with pytest.raises(CoopError) as e:
        svc.plans.update_action(a["id"], end="2025-01-01")
    assert e.value.code == "end_before_start"
    with pytest.raises(CoopError) as e:
        svc.plans.update_action(a["id"], budget="-3")
    assert e.value.code == "negative_amount"
    with pytest.raises(CoopError) as e:
        svc.plans.create_plan(2026)
    assert e.value.code == "plan_exists"
    svc.plans.set_themes(a["id"], ["T1", "T2"])
    svc.plans.set_partners(a["id"], [organisation_id("ADHT")])
    got = svc.plans.action(a["id"])
    assert got["themes"] == ["T1", "T2"] and got["partners"][0]["short_name"] == "ADHT"
    with pytest.raises(CoopError):
        svc.plans.set_themes(a["id"], ["IV"])  # a strategic axis is not a transversal theme
    svc.plans.delete_action(a["id"])
    assert svc.plans.actions(year=2026) == []


def test_unanimity_and_plan_validation_deadline(svc):
    plan = svc.plans.create_plan(2027)
    m, (ghazi, pelain) = make_meeting(svc, at="2027-01-15T10:00")
    dec = svc.committee.add_decision(meeting_id=m["id"], number="1", title="Plan 2027", kind="plan_validation")
    svc.committee.vote(dec["id"], ghazi, "yes")
    state = svc.committee.vote(dec["id"], pelain, "no")
    assert state["adopted"] is False
    with pytest.raises(CoopError) as e:
        svc.plans.validate_plan(plan["id"], dec["id"])
    assert e.value.code == "decision_not_adopted"
    assert svc.committee.vote(dec["id"], pelain, "yes")["adopted"] is True
    validated = svc.plans.validate_plan(plan["id"], dec["id"])
    assert validated["status"] == "validated" and validated["late"] is True  # after 31 Dec 2026
    late = [w for w in svc.checks.run(dt.date(2027, 2, 1)) if w.code == "plan_late"]
    assert late and late[0].params["year"] == 2027


def test_guest_cannot_vote(svc):
    m, _ = make_meeting(svc)
    guest = svc.committee.add_attendee(meeting_id=m["id"], name="Invitée", role="invited", presence="present")
    dec = svc.committee.add_decision(meeting_id=m["id"], number="1", title="X")
    with pytest.raises(CoopError) as e:
        svc.committee.vote(dec["id"], guest["id"], "yes")
    assert e.value.code == "vote_not_voting_member"


def test_minutes_lifecycle(svc):
    m, ids = make_meeting(svc)
    dec = svc.committee.add_decision(meeting_id=m["id"], number="1", title="Olympiades")
    svc.committee.vote_all(dec["id"], "yes")
    mn = svc.committee.draft_minutes(m["id"])
    assert mn["status"] == "draft" and "Olympiades" in mn["content"]
    with pytest.raises(CoopError) as e:
        svc.committee.sign_minutes(mn["id"], "TIZ")
    assert e.value.code == "minutes_not_final"
    mn = svc.committee.finalise_minutes(mn["id"])
    assert mn["status"] == "final" and len(mn["fingerprint"]) == 64
    with pytest.raises(CoopError) as e:
        svc.committee.edit_minutes(mn["id"], "autre texte")
    assert e.value.code == "minutes_frozen"
    with pytest.raises(CoopError) as e:
        svc.committee.add_decision(meeting_id=m["id"], number="2", title="Ajout après coup")
    assert e.value.code == "minutes_frozen"
    assert svc.committee.sign_minutes(mn["id"], "TIZ")["status"] == "signed_one"
    with pytest.raises(CoopError) as e:
        svc.committee.sign_minutes(mn["id"], "TIZ")
    assert e.value.code == "minutes_already_signed"
    assert svc.committee.sign_minutes(mn["id"], "VLG")["status"] == "enforceable"
    v2 = svc.committee.new_minutes_version(m["id"])
    assert v2["version"] == 2 and v2["status"] == "draft" and v2["signatures"] == []


def test_new_axis_needs_adopted_decision(svc):
    with pytest.raises(CoopError) as e:
        svc.convention.add_axis("VII", "Culture", None)
    assert e.value.code == "new_axis_needs_decision"
    m, ids = make_meeting(svc)
    dec = svc.committee.add_decision(meeting_id=m["id"], number="1", title="Axe VII", kind="new_axis")
    svc.committee.vote(dec["id"], ids[0], "yes")
    with pytest.raises(CoopError):
        svc.convention.add_axis("VII", "Culture", dec["id"])  # only one of two voted
    svc.committee.vote(dec["id"], ids[1], "yes")
    axis = svc.convention.add_axis("VII", "Culture", dec["id"], name_ar="الثقافة")
    assert axis["id"] == axis_id("VII") and axis["decision_id"] == dec["id"]


def test_events_teams_and_attendance(svc):
    a = make_action(svc, "4.1.3")
    ev = svc.events.create_event(action_id=a["id"], type="olympiad", title="Olympiades", start="2026-07-04",
                                 end="2026-07-05", commune_id=VLG, safety_notes="Poste de secours")
    t1 = svc.people.create_person(last_name="A", sex="F", commune="TIZ")["id"]
    t2 = svc.people.create_person(last_name="B", sex="M", commune="TIZ")["id"]
    v1 = svc.people.create_person(last_name="C", sex="F", commune="VLG")["id"]
    with pytest.raises(CoopError) as e:
        svc.events.create_team(ev["id"], "Équipe Tiznit", [t1, t2])
    assert e.value.code == "team_not_mixed"
    assert svc.events.team_check([t1, v1]) == {"communes": ["TIZ", "VLG"], "mixed": True}
    team = svc.events.create_team(ev["id"], "Équipe mixte", [t1, v1])
    assert team["mixed"] and len(team["members"]) == 2
    assert svc.events.register(ev["id"], [t1, t2, v1]) == 3
    before = svc.events.mark_attendance(ev["id"], {t1: "attended", t2: "absent", v1: "attended"})
    assert before == {t1: "registered", t2: "registered", v1: "registered"}
    statuses = {p["person_id"]: p["status"] for p in svc.events.participants(ev["id"])}
    assert statuses == {t1: "attended", t2: "absent", v1: "attended"}
    with pytest.raises(CoopError) as e:
        svc.events.update_event(ev["id"], end="2026-07-01")
    assert e.value.code == "end_before_start"
    svc.events.delete_event(ev["id"])
    assert svc.events.events() == []


def test_funding_requests_and_totals(svc):
    a = make_action(svc)
    r = svc.funding.create_request(action_id=a["id"], funder_id=organisation_id("DGCL"), currency="MAD",
                                   requested="100000", granted="80000", rate="10.85")
    assert r["requested"] == 10_000_000 and r["rate_mad_per_eur_e4"] == 108500
    listed = svc.funding.requests(year=2026)[0]
    assert listed["requested_eur"] == round(10_000_000 * 10_000 / 108500)
    with pytest.raises(CoopError) as e:
        svc.funding.create_request(action_id=a["id"], funder_id=organisation_id("AFD"), currency="USD")
    assert e.value.code == "unknown_currency"
    with pytest.raises(CoopError) as e:
        svc.funding.update_request(r["id"], paid="90000")
    assert e.value.field == "paid"
    svc.funding.update_request(r["id"], paid="50000", status="paid")
    assert svc.funding.totals(2026) == {"MAD": {"requested": 10_000_000, "granted": 8_000_000, "paid": 5_000_000}}
    org = svc.funding.create_organisation(name="Coopérative Tifawin", kind="cooperative", commune_id=TIZ)
    svc.funding.update_organisation(org["id"], contact="tifawin@example.org")
    svc.funding.delete_organisation(org["id"])


def test_indicators_split_by_commune_and_sex(svc):
    a = make_action(svc)
    ind = svc.plans.create_indicator(action_id=a["id"], code="a", name="Accompagnés", method="enrolments",
                                     targets={"TIZ": 90, "VLG": 30})
    assert ind["target_total"] == 120
    for sex, commune in (("F", "TIZ"), ("F", "TIZ"), ("M", "VLG")):
        p = svc.people.create_person(last_name="X", sex=sex, commune=commune)
        svc.people.enrol(p["id"], a["id"])
    got = svc.indicators.for_year(2026)[0]
    assert got["achieved"] == {"TIZ": {"F": 2, "M": 0}, "VLG": {"F": 0, "M": 1}}
    assert got["targets"] == {"TIZ": 90, "VLG": 30} and got["achieved_total"] == 3


def test_enrolment_and_milestones(svc):
    a = make_action(svc)
    p = svc.people.create_person(last_name="Oubaha", sex="M", commune="TIZ")
    enr = svc.people.enrol(p["id"], a["id"], "2026-01-10")
    svc.people.add_milestone(enr["id"], "job", "2026-09-01")
    with pytest.raises(CoopError) as e:
        svc.people.add_milestone(enr["id"], "lottery", "2026-09-01")
    assert e.value.code == "invalid_choice"
    got = svc.people.person(p["id"])["enrolments"][0]
    assert got["action_code"] == "1.1.1" and got["milestones"][0]["kind"] == "job"
    with pytest.raises(CoopError) as e:
        svc.people.enrol(p["id"], a["id"])
    assert e.value.code == "duplicate"


def test_convention_dates_and_amendments(svc):
    c = svc.convention.update(signed_vlg="2023-01-20", signed_tiz="2023-02-14", visa_prefet="2023-02-01",
                              visa_governor="2023-03-10")
    assert c["effective_date"] == dt.date(2023, 3, 10)
    with pytest.raises(CoopError) as e:
        svc.convention.update(term_years="0")
    assert e.value.code == "invalid_number"
    m, ids = make_meeting(svc)
    dec = svc.committee.add_decision(meeting_id=m["id"], number="1", title="Avenant 1", kind="amendment")
    with pytest.raises(CoopError):
        svc.convention.add_amendment("Ajout d'un axe", dec["id"])
    svc.committee.vote_all(dec["id"], "yes")
    am = svc.convention.add_amendment("Ajout d'un axe", dec["id"])
    assert svc.convention.sign_amendment(am["id"], "TIZ", "2026-04-01")["valid"] is False
    assert svc.convention.sign_amendment(am["id"], "VLG", "2026-04-03")["valid"] is True


def test_attachments_stored_once(svc, tmp_path):
    f = tmp_path / "pv-signe.pdf"
    f.write_bytes(b"%PDF-1.4 scan")
    a1 = svc.attachments.attach("minutes", "m1", f)
    a2 = svc.attachments.attach("minutes", "m2", f)
    assert a1["sha256"] == a2["sha256"]
    assert svc.attachments.content(a2["id"]) == b"%PDF-1.4 scan"


def test_viewer_cannot_write(svc):
    svc.users.create_user("lecteur", "viewer")
    viewer = svc.as_user(svc.users.actor_for("lecteur"))
    assert viewer.people.count() == 0
    with pytest.raises(CoopError) as e:
        viewer.people.create_person(last_name="X", sex="F", commune="TIZ")
    assert e.value.code == "forbidden"
    with pytest.raises(CoopError):
        viewer.plans.create_plan(2030)
    with pytest.raises(CoopError):
        viewer.users.create_user("x")
    assert svc.people.count() == 0


def test_health_details_hidden_without_permission(svc):
    p = svc.people.create_person(last_name="X", sex="F", commune="TIZ", disability=True,
                                 disability_details="Déficience visuelle")
    svc.users.create_user("agent", "editor", can_see_health=False)
    agent = svc.as_user(svc.users.actor_for("agent"))
    assert agent.people.person(p["id"])["disability_details"] == ""
    assert agent.people.search("x")[0]["disability_details"] == ""
    assert svc.people.person(p["id"])["disability_details"] == "Déficience visuelle"


def test_init_refuses_bad_site_and_second_init(svc):
    with pytest.raises(CoopError) as e:
        svc.setup.init("VLG")
    assert e.value.code == "already_initialised"
    from coopdesk.services.setup import SetupService

    for bad, code in (("PARIS-1", "invalid_site_code"), ("XX", "unknown_site")):
        with pytest.raises(CoopError) as e:
            SetupService.validate_site(bad)
        assert e.value.code == code


def test_demo_matches_the_convention(demo):
    svc = demo
    people = svc.people.search("", limit=1000, action_id=svc.demo_ids["action_111"])
    assert len(people) == 120
    assert sum(p["commune_code"] == "TIZ" for p in people) == 90
    assert {p["sex"] for p in people} == {"F", "M"}
    assert any(p["last_name_ar"] for p in people)
    statuses = sorted(m["minutes_status"] for m in svc.committee.meetings())
    assert statuses == ["enforceable", "signed_one"]
    assert {m["country"] for m in svc.committee.meetings()} == {"FR", "MA"}
    assert {p["year"] for p in svc.plans.plans()} == {2025, 2026}
    assert {r["currency"] for r in svc.funding.requests()} == {"EUR", "MAD"}
    oly = svc.events.event(svc.demo_ids["olympiad"])
    assert oly["teams"] and all(t["mixed"] for t in oly["teams"])
    conv = svc.convention.convention()
    assert conv["deliberation_vlg"] == dt.date(2022, 12, 15) and conv["transmitted_prefecture"] == dt.date(2023, 1, 3)


def test_names_sort_as_the_reader_expects(svc):
    from coopdesk.i18n import set_language

    svc.people.create_person(first_name="Omar", last_name="Zerouali", first_name_ar="عمر", last_name_ar="الزروالي",
                             sex="M", commune="TIZ")
    svc.people.create_person(first_name="Émile", last_name="Bernard", sex="M", commune="VLG")
    svc.people.create_person(first_name="Brahim", last_name="Akhiat", first_name_ar="إبراهيم", last_name_ar="أخيات",
                             sex="M", commune="TIZ")
    svc.people.create_person(first_name="Ali", last_name="Ébrard", sex="M", commune="VLG")
    try:
        set_language("fr")
        assert [p["last_name"] for p in svc.people.search("")] == ["Akhiat", "Bernard", "Ébrard", "Zerouali"]
        set_language("ar")
        # Arabic-script names first in Arabic alphabetical order (أخيات before الزروالي), then the others
        assert [p["last_name"] for p in svc.people.search("")] == ["Akhiat", "Zerouali", "Bernard", "Ébrard"]
        assert [p["last_name"] for p in svc.people.search("", order="-name")][0] == "Ébrard"
    finally:
        set_language("fr")
