"""The sync centre and the undo stack, as a person meets them: trusting a partner is one undo step
(Ctrl+Z forgets it, Ctrl+Y trusts it again, refused once a bundle went to it), a change of the
sharing policy too; resolving a conflict is not: it asks first, says which value stays and that it
cannot be undone, and resolves only on Yes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from coopdesk.i18n import _
from coopdesk.sync import keys
from tests.ui.person import click as _click
from tests.ui.person import go_to as _go
from tests.ui.person import redo as _redo
from tests.ui.person import undo as _undo
from ui.common import dialogs


@pytest.fixture
def seen(monkeypatch):
    """The message boxes a person would have seen; each question answered from ``answers`` (Yes when empty)."""
    out: dict[str, list] = {"warn": [], "info": [], "confirm": [], "answers": []}
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: out["warn"].append(text))
    monkeypatch.setattr(dialogs, "info", lambda parent, text: out["info"].append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: out["confirm"].append(text) or (
        out["answers"].pop(0) if out["answers"] else True))
    return out


@pytest.fixture
def vlg_file(tmp_path, monkeypatch):
    """Villeneuve's identity file, which the file dialog picks."""
    k = keys.generate("VLG", "VLG", "Villeneuve-la-Garenne")
    path = tmp_path / "VLG.coopid"
    path.write_bytes(keys.export_identity(k))
    monkeypatch.setattr(dialogs, "open_file", lambda parent, title, filters="": str(path))
    return path, k.identity.fingerprint


def _partners(page) -> list[tuple[str, str]]:
    """The partners list as shown: site and fingerprint."""
    m = page.partners
    return [(m.index(r, 0).data(), m.index(r, 2).data()) for r in range(m.rowCount())]


def _dashboard_sync(window, qtbot) -> list[str]:
    """The lines of the dashboard's box "Sync with the partner sites" (one per partner)."""
    dash = _go(window, qtbot, "dashboard")
    return [dash.sync_list.item(i).text() for i in range(dash.sync_list.count())]


# ---------------------------------------------------------------------- pairing


def test_trust_a_partner_then_ctrl_z_forgets_it_and_ctrl_y_trusts_it_again(window, qtbot, vlg_file, seen):
    path, fingerprint = vlg_file
    page = _go(window, qtbot, "sync")
    assert page.no_partner.isVisible() and _partners(page) == []
    _click(qtbot, page, "trustPartner")
    assert fingerprint in seen["confirm"][0]
    assert _partners(page) == [("VLG", fingerprint)] and not page.no_partner.isVisible()
    assert window.act_undo.text().endswith(_("Trust site {node}").format(node="VLG"))
    assert [line.split()[0] for line in _dashboard_sync(window, qtbot)] == ["VLG"]

    path.unlink()  # redo trusts what was read and confirmed, not the file again
    page = _go(window, qtbot, "sync")
    _undo(qtbot, page.partner_view)
    assert _partners(page) == [] and page.no_partner.isVisible()
    assert window.svc.sync.partners() == []
    assert _dashboard_sync(window, qtbot) == [_("No partner site yet: pair with one in the sync centre.")]

    page = _go(window, qtbot, "sync")
    _redo(qtbot, page.partner_view)
    assert _partners(page) == [("VLG", fingerprint)] and page.selected_partner() == "VLG"
    assert page.prepare_button.isEnabled()
    assert seen["warn"] == []
    assert [line.split()[0] for line in _dashboard_sync(window, qtbot)] == ["VLG"]


def test_undoing_a_pairing_after_a_bundle_was_sent_is_refused_and_said(window, qtbot, vlg_file, seen, tmp_path,
                                                                        monkeypatch):
    _path, fingerprint = vlg_file
    page = _go(window, qtbot, "sync")
    _click(qtbot, page, "trustPartner")
    monkeypatch.setattr(dialogs, "choose_folder", lambda parent, title, start="": str(tmp_path / "outbox"))
    with qtbot.waitSignal(page.exported, timeout=20000):
        _click(qtbot, page, "prepareBundle")

    _undo(qtbot, page.partner_view)
    assert seen["warn"] == [_("The pairing with {code} cannot be undone: bundles were already exchanged with it "
                              "(last sent: no. {sent}, last received: no. {received}). Forgetting it would lose "
                              "that numbering: {code} would refuse the next bundles from this site as already "
                              "received, and older bundles from {code} would no longer be refused.")
                            .format(code="VLG", sent=1, received=0)]
    assert _partners(page) == [("VLG", fingerprint)]
    # the refused step is dropped: nothing left to undo or redo about it
    assert not window.undo_stack.canUndo() and not window.undo_stack.canRedo()


# ---------------------------------------------------------------------- conflicts


@pytest.fixture
def conflict(window, tmp_path):
    """Tiznit (the window) and Villeneuve changed the same event's place; the conflict is imported.
    Returns (event id, the place shown now, the place that lost)."""
    from coopdesk.services import open_services

    vlg = open_services(tmp_path / "vlg.db")
    try:
        vlg.sync.backup = False
        vlg.setup.init("VLG", node_code="VLG")
        tiz = window.svc
        vlg.sync.export_identity(tmp_path / "VLG.coopid")
        tiz.sync.export_identity(tmp_path / "TIZ.coopid")
        vlg.sync.trust(tmp_path / "TIZ.coopid")
        tiz.sync.trust(tmp_path / "VLG.coopid")
        tiz.sync.backup = False
        event = vlg.events.create_event(title="Tournoi mixte", start="2026-07-04", place="Stade")
        tiz.sync.import_bundles(vlg.sync.export_bundle("TIZ", tmp_path / "1"))
        tiz.events.update_event(event["id"], place="Stade municipal de Tiznit")
        vlg.events.update_event(event["id"], place="Gymnase de Villeneuve")
        tiz.sync.import_bundles(vlg.sync.export_bundle("TIZ", tmp_path / "2"))
    finally:
        vlg.close()
    now = tiz.events.event(event["id"])["place"]
    return event["id"], now, ({"Stade municipal de Tiznit", "Gymnase de Villeneuve"} - {now}).pop()


def test_resolving_a_conflict_asks_which_value_stays_and_resolves_only_on_yes(window, qtbot, conflict, seen):
    event_id, shown, lost = conflict
    page = _go(window, qtbot, "sync")
    page.tabs.setCurrentIndex(page.TABS.index("conflicts"))
    assert page.conflicts.rowCount() == 1
    rect = page.conflict_view.visualRect(page.conflicts.index(0, 1))
    qtbot.mouseClick(page.conflict_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    steps = window.undo_stack.count()

    seen["answers"] = [False]
    _click(qtbot, page, "keepTheirs")
    (question,) = seen["confirm"]
    assert question.startswith(_("Keep {value} for “{field}” ({record})?\nThe other value, {other}, will be set "
                                 "aside.").format(value=page.conflicts.index(0, 3).data(),
                                                  other=page.conflicts.index(0, 2).data(), field=_("Place"),
                                                  record=_("Events") + " — Tournoi mixte"))
    assert lost in question.split("\n")[0] and shown in question.split("\n")[1]
    assert question.endswith(_("This choice travels to the partner sites with the next bundle and cannot be "
                               "undone; the value can still be edited afterwards, like any other."))
    # said no: nothing resolved
    assert window.svc.events.event(event_id)["place"] == shown
    assert page.conflicts.rowCount() == 1 and len(window.svc.sync.conflicts()) == 1

    _click(qtbot, page, "keepTheirs")  # said yes
    assert len(seen["confirm"]) == 2
    assert window.svc.events.event(event_id)["place"] == lost
    assert page.conflicts.rowCount() == 0 and window.svc.sync.conflicts() == []
    assert window.undo_stack.count() == steps  # not an undo step: Ctrl+Z does not reopen it
    assert seen["warn"] == []


def test_the_question_for_a_deleted_record_says_whether_it_stays_deleted_or_comes_back(window):
    from ui.sync.page import resolve_question

    c = {"kind": "delete", "entity": "event", "record": "Tournoi mixte", "theirs_by": ["VLG", "TIZ2"]}
    record = _("Events") + " — Tournoi mixte"
    assert resolve_question(c, "mine") == (
        _("Keep {record} deleted?\nThe changes {sites} made to it will be set aside.").format(
            record=record, sites="VLG, TIZ2")
        + "\n\n" + _("This choice travels to the partner sites with the next bundle and cannot be undone."))
    assert resolve_question(c, "theirs").startswith(
        _("Restore {record}, with the changes {sites} made to it?").format(record=record, sites="VLG, TIZ2"))
    assert "VLG, TIZ2" in resolve_question(c, "theirs")


# ---------------------------------------------------------------------- sharing policy


def test_a_change_of_the_sharing_policy_is_undone_and_redone(window, qtbot, seen):
    page = _go(window, qtbot, "sync")
    page.tabs.setCurrentIndex(page.TABS.index("policy"))
    model = page.policy
    row = [(r["entity"], r["field"]) for r in model.rows].index(("person", "phone"))

    def shown() -> Qt.CheckState:
        return model.index(row, 2).data(Qt.ItemDataRole.CheckStateRole)

    def travels() -> bool:
        return {(p["entity"], p["field"]): p["travels"] for p in window.svc.sync.policy()}[("person", "phone")]

    assert shown() == Qt.CheckState.Unchecked and not travels()
    page.policy_view.scrollTo(model.index(row, 2))
    page.policy_view.setCurrentIndex(model.index(row, 2))
    qtbot.keyClick(page.policy_view, Qt.Key.Key_Space)  # ticks the check box of the current cell
    assert shown() == Qt.CheckState.Checked and travels()

    _undo(qtbot, page.policy_view)
    qtbot.waitUntil(lambda: shown() == Qt.CheckState.Unchecked)
    assert not travels()
    _redo(qtbot, page.policy_view)
    qtbot.waitUntil(lambda: shown() == Qt.CheckState.Checked)
    assert travels() and seen["warn"] == []
