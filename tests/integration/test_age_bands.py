"""Anonymous head counts by sex and age band, and indicators split by age band, against a count
made by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.domain.reference import axis_id, commune_id
from coopdesk.domain.rules import age_band
from coopdesk.errors import ValidationError

TIZ, VLG = commune_id("TIZ"), commune_id("VLG")


def test_age_band_on_a_date():
    on = dt.date(2026, 3, 8)
    assert age_band(dt.date(2011, 3, 9), on) == "0-14"     # 14 the day before the birthday
    assert age_band(dt.date(2011, 3, 8), on) == "15-24"    # 15 on the day
    assert age_band(dt.date(1966, 3, 9), on) == "25-59"    # 59 the day before turning 60
    assert age_band(dt.date(1966, 3, 8), on) == "60+"
    assert age_band(None, on) == "unknown"


def test_headcounts_set_the_totals_by_sex(svc):
    ev = svc.events.create_event(title="Course", start="2026-03-08", commune_id=TIZ,
                                 anonymous_f=4, anonymous_m=1)
    assert svc.events.headcounts(ev["id"]) == {}
    before = svc.events.set_headcounts(ev["id"], {("F", "0-14"): 7, ("F", "25-59"): 5, ("M", "60+"): 2,
                                                  ("M", "15-24"): 0})
    assert before == {}
    assert svc.events.headcounts(ev["id"]) == {("F", "0-14"): 7, ("F", "25-59"): 5, ("M", "60+"): 2}
    got = svc.events.event(ev["id"])
    assert (got["anonymous_f"], got["anonymous_m"]) == (12, 2)
    # a total that disagrees with the bands is refused; the bands are changed instead
    with pytest.raises(ValidationError) as err:
        svc.events.update_event(ev["id"], anonymous_f=3)
    assert err.value.code == "headcount_total"
    with pytest.raises(ValidationError):
        svc.events.set_headcounts(ev["id"], {("X", "0-14"): 1})
    with pytest.raises(ValidationError):
        svc.events.set_headcounts(ev["id"], {("F", "5-10"): 1})
    with pytest.raises(ValidationError):
        svc.events.set_headcounts(ev["id"], {("F", "0-14"): -1})
    svc.events.update_event(ev["id"], headcounts={("F", "60+"): 1}, anonymous_f=99, place="Stade")
    got = svc.events.event(ev["id"])
    assert (got["anonymous_f"], got["anonymous_m"], got["place"]) == (1, 0, "Stade")
    # back to totals by sex only
    svc.events.update_event(ev["id"], headcounts={}, anonymous_f=6, anonymous_m=5)
    got = svc.events.event(ev["id"])
    assert svc.events.headcounts(ev["id"]) == {} and (got["anonymous_f"], got["anonymous_m"]) == (6, 5)
    created = svc.events.create_event(title="Olympiade", start="2026-05-01", headcounts={("M", "0-14"): 3})
    assert created["anonymous_m"] == 3 and created["anonymous_f"] == 0
    svc.events.delete_event(created["id"])


# (name, sex, commune, birth date, attended the sport event on 2026-03-08)
PEOPLE = [
    ("Fatima", "F", "TIZ", "2012-05-01", True),   # 13 -> 0-14
    ("Aicha", "F", "TIZ", "2001-03-09", True),    # 24, 25 the day after -> 15-24
    ("Mohamed", "M", "TIZ", "1960-01-01", True),  # 66 -> 60+
    ("Brahim", "M", "TIZ", None, True),           # unknown
    ("Lucas", "M", "VLG", "2005-03-08", True),    # 21 -> 15-24
    ("Inès", "F", "VLG", "1990-07-14", True),     # 35 -> 25-59
    ("Nora", "F", "VLG", "1990-07-14", False),    # absent
]


def test_indicators_by_age_band_equal_a_hand_count(svc):
    plan = svc.plans.create_plan(2026)
    sport = svc.plans.create_action(plan_id=plan["id"], code="4.1.1", axis_id=axis_id("IV"), title="Sport",
                                    lead_commune_id=TIZ)
    tawori = svc.plans.create_action(plan_id=plan["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori",
                                     lead_commune_id=TIZ)
    svc.plans.create_indicator(action_id=sport["id"], code="C", name="sport", method="participants",
                               target_total=100)
    svc.plans.create_indicator(action_id=tawori["id"], code="A", name="accompagnées", method="enrolments")
    ev = svc.events.create_event(action_id=sport["id"], title="Course des femmes", start="2026-03-08",
                                 type="sport", commune_id=TIZ)
    svc.events.set_headcounts(ev["id"], {("F", "0-14"): 10, ("F", "25-59"): 4, ("M", "60+"): 3})
    # an older event counted by sex only
    svc.events.create_event(action_id=sport["id"], title="Marche", start="2026-04-01", commune_id=VLG,
                            anonymous_f=2, anonymous_m=1)
    statuses = {}
    for name, sex, commune, birth, attended in PEOPLE:
        p = svc.people.create_person(first_name=name, last_name="Test", sex=sex, commune=commune,
                                     **({"birth_date": birth} if birth else {}))
        svc.events.register(ev["id"], [p["id"]])
        statuses[p["id"]] = "attended" if attended else "absent"
        if name in ("Fatima", "Mohamed"):
            svc.people.enrol(p["id"], tawori["id"], "2026-01-10")
    svc.events.mark_attendance(ev["id"], statuses)

    got = {i["code"]: i for i in svc.indicators.for_year(2026, by_age_band=True)}
    zero = {"0-14": 0, "15-24": 0, "25-59": 0, "60+": 0, "unknown": 0}
    # counted by hand from the table above, plus the head counts
    assert got["C"]["achieved_by_band"] == {
        "TIZ": {"F": {**zero, "0-14": 1 + 10, "15-24": 1, "25-59": 4},
                "M": {**zero, "60+": 1 + 3, "unknown": 1}},
        "VLG": {"F": {**zero, "25-59": 1, "unknown": 2},
                "M": {**zero, "15-24": 1, "unknown": 1}},
    }
    for commune, by_sex in got["C"]["achieved"].items():
        for sex, n in by_sex.items():
            assert sum(got["C"]["achieved_by_band"][commune][sex].values()) == n
    # enrolments: age on 31 December 2026 (Fatima 14, Mohamed 66)
    assert got["A"]["achieved_by_band"]["TIZ"] == {"F": {**zero, "0-14": 1}, "M": {**zero, "60+": 1}}
    assert "achieved_by_band" not in svc.indicators.for_year(2026)[0]
