"""The convention's rules, each on its own (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.domain import fields as F
from coopdesk.domain import rules as R
from coopdesk.errors import ValidationError

D = dt.date


def voters(*specs):
    return [R.Voter(f"a{i}", role, presence) for i, (role, presence) in enumerate(specs)]


class TestUnanimity:
    def test_all_present_voting_members_yes_is_adopted(self):
        people = voters(("elected", "present"), ("technician", "present"), ("invited", "present"))
        assert R.is_adopted(people, {"a0": "yes", "a1": "yes"})

    def test_one_no_rejects(self):
        people = voters(("elected", "present"), ("elected", "present"))
        assert not R.is_adopted(people, {"a0": "yes", "a1": "no"})

    def test_abstention_or_missing_vote_rejects(self):
        people = voters(("elected", "present"), ("elected", "present"))
        assert not R.is_adopted(people, {"a0": "yes", "a1": "abstain"})
        assert not R.is_adopted(people, {"a0": "yes"})

    def test_absent_members_and_guests_do_not_vote(self):
        people = voters(("elected", "present"), ("elected", "absent"), ("invited", "present"))
        assert [v.attendee_id for v in R.voting_members(people)] == ["a0"]
        assert R.is_adopted(people, {"a0": "yes"})

    def test_represented_member_votes(self):
        people = voters(("elected", "present"), ("elected", "represented"))
        assert not R.is_adopted(people, {"a0": "yes"})

    def test_nobody_to_vote_is_not_adopted(self):
        assert not R.is_adopted(voters(("invited", "present")), {})


class TestMinutes:
    def test_lifecycle(self):
        both = ["tiz", "vlg"]
        assert R.minutes_status(False, [], both) == "draft"
        assert R.minutes_status(True, [], both) == "final"
        assert R.minutes_status(True, ["tiz"], both) == "signed_one"
        assert R.minutes_status(True, ["tiz", "vlg"], both) == "enforceable"

    def test_fingerprint_changes_with_any_change(self):
        a = R.fingerprint("Décision 1 : adoptée.")
        assert a == R.fingerprint("Décision 1 : adoptée.\r\n")
        assert a != R.fingerprint("Décision 1 : adoptee.")
        assert len(a) == 64


class TestPlanDeadline:
    def test_deadline_is_31_december_of_previous_year(self):
        assert R.plan_deadline(2026) == D(2025, 12, 31)

    def test_validated_after_deadline_is_late(self):
        assert R.plan_is_late(2026, D(2026, 1, 1), D(2026, 5, 1))
        assert not R.plan_is_late(2026, D(2025, 12, 31), D(2026, 5, 1))

    def test_not_validated_is_late_only_after_deadline(self):
        assert not R.plan_is_late(2026, None, D(2025, 12, 1))
        assert R.plan_is_late(2026, None, D(2026, 1, 2))


class TestMeetings:
    def test_two_in_a_row_in_same_country(self):
        ms = [(D(2024, 11, 1), "FR"), (D(2025, 6, 1), "MA"), (D(2025, 12, 1), "MA")]
        assert R.alternation_breaks(ms) == [(D(2025, 6, 1), D(2025, 12, 1), "MA")]

    def test_alternating_is_fine(self):
        assert R.alternation_breaks([(D(2024, 1, 1), "FR"), (D(2025, 1, 1), "MA")]) == []

    def test_years_without_meeting(self):
        assert R.years_without_meeting([D(2024, 3, 1)], 2023, D(2026, 2, 1)) == [2023, 2025]


class TestTerm:
    def test_effective_date_is_last_of_signatures_and_visas(self):
        assert R.effective_date(D(2023, 1, 20), D(2023, 2, 14), D(2023, 3, 10), D(2023, 2, 1)) == D(2023, 3, 10)
        assert R.effective_date(D(2023, 1, 20), None, D(2023, 3, 10), D(2023, 2, 1)) is None

    def test_renewals_every_term_and_notice_three_months_before(self):
        ren = R.renewal_dates(D(2023, 3, 10), 3, D(2027, 1, 1))
        assert ren == [D(2026, 3, 10), D(2029, 3, 10)]
        assert R.notice_deadline(D(2029, 3, 10), 3) == D(2028, 12, 10)

    def test_add_months_clamps_end_of_month(self):
        assert R.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)


class TestTeamsDatesAmounts:
    def test_mixed_team_needs_both_towns(self):
        assert R.team_is_mixed(["TIZ", "VLG", "TIZ"], ["TIZ", "VLG"])
        assert not R.team_is_mixed(["TIZ", "TIZ"], ["TIZ", "VLG"])

    def test_end_before_start_refused(self):
        with pytest.raises(ValidationError) as e:
            R.check_period(D(2026, 5, 1), D(2026, 4, 30))
        assert e.value.code == "end_before_start" and e.value.field == "end"
        R.check_period(D(2026, 5, 1), D(2026, 5, 1))

    def test_negative_amount_refused(self):
        with pytest.raises(ValidationError) as e:
            F.parse_money("-5", "requested")
        assert e.value.code == "negative_amount"

    @pytest.mark.parametrize("raw,minor", [("1 234,50", 123450), ("1234.5", 123450), (12, 1200), ("0", 0),
                                           ("1\u202f234,50", 123450)])
    def test_money_parsing(self, raw, minor):
        assert F.parse_money(raw, "x") == minor

    @pytest.mark.parametrize("raw", ["12,345,6", "abc", "1.234.5"])
    def test_bad_money(self, raw):
        with pytest.raises(ValidationError) as e:
            F.parse_money(raw, "x")
        assert e.value.code == "invalid_number"

    def test_dates(self):
        assert F.parse_date("2026-02-03") == D(2026, 2, 3)
        assert F.parse_date("03/02/2026") == D(2026, 2, 3)
        with pytest.raises(ValidationError) as e:
            F.parse_date("2026-02-30", "start")
        assert e.value.code == "invalid_date" and e.value.field == "start"

    def test_unknown_currency(self):
        with pytest.raises(ValidationError) as e:
            F.clean({"c": F.currency()}, {"c": "USD"})
        assert e.value.code == "unknown_currency"

    def test_missing_required_field(self):
        with pytest.raises(ValidationError) as e:
            F.clean({"title": F.text(required=True)}, {})
        assert e.value.code == "required" and e.value.field == "title"


def test_fold_name_latin_and_arabic():
    assert R.fold_name("Fatima-Zahra Aït Ali") == "fatima zahra ait ali"
    assert R.fold_name("آيت علي") == R.fold_name("ايت علي")
    assert R.fold_name("فاطِمة") == "فاطمه"
