"""Sync centre: two paired sites (the demo site TIZ and a fresh VLG site) exchange real bundles; the
person drops files on the window, reads the preview, applies, resolves a conflict, prepares a bundle."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QPushButton

from coopdesk.i18n import _
from coopdesk.services import Actor
from tests.ui.person import click as _click
from ui.common import dialogs


@pytest.fixture(scope="session")
def vlg_template(tmp_path_factory):
    from coopdesk.services import open_services

    path = tmp_path_factory.mktemp("vlg") / "vlg.db"
    s = open_services(path)
    s.setup.init("VLG", node_code="VLG")
    s.sync.identity()  # makes its keys once
    s.close()
    return path


def _partner(vlg_template, demo, folder: Path, pair: bool = True):
    from coopdesk.services import open_services

    shutil.copy(vlg_template, folder / "vlg.db")
    p = open_services(folder / "vlg.db")
    p.sync.backup = False
    demo.sync.export_identity(folder / "TIZ.coopid")
    p.sync.export_identity(folder / "VLG.coopid")
    p.sync.trust(folder / "TIZ.coopid")
    if pair:
        demo.sync.trust(folder / "VLG.coopid")
    return p


@pytest.fixture
def partner(vlg_template, demo, tmp_path):
    p = _partner(vlg_template, demo, tmp_path)
    yield p
    p.close()


@pytest.fixture
def seen(monkeypatch):
    """Message boxes and the file manager replaced: what the person would have seen."""
    out: dict[str, list] = {"warn": [], "info": [], "confirm": [], "opened": []}
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: out["warn"].append(text))
    monkeypatch.setattr(dialogs, "info", lambda parent, text: out["info"].append(text))
    monkeypatch.setattr(dialogs, "open_folder", lambda path: out["opened"].append(path) or True)
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: out["confirm"].append(text) or True)
    return out


def _sync_page(window):
    from ui.main_window import AREAS

    window.nav.setCurrentRow([k for k, _t in AREAS].index("sync"))
    return window.pages["sync"]


def _drop(window, paths) -> bool:
    """What the system sends when files are dragged from the file manager and released on the window."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = window.rect().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    return True


def _texts(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_drop_a_bundle_read_the_preview_apply_and_see_the_record_arrive(window, partner, qtbot, tmp_path, seen,
                                                                       qtmodeltester):
    partner.events.create_event(title="Rencontre des jeunes de Villeneuve", start="2026-09-12")
    paths = partner.sync.export_bundle("TIZ", tmp_path / "mail")
    page = window.pages["sync"]
    with qtbot.waitSignal(page.importer.previewed, timeout=10000):
        assert _drop(window, paths)
    assert window.pages["sync"].isVisible() and page.tabs.currentWidget() is page.importer
    model = page.importer.model
    qtmodeltester.check(model)
    row = _texts(model, 2).index(_("Events"))
    assert [model.index(row, c).data() for c in (0, 3, 4, 5)] == ["VLG", "1", "0", "0"]
    titles = [e["title"] for e in window.svc.events.events()]
    assert "Rencontre des jeunes de Villeneuve" not in titles  # a preview writes nothing

    with qtbot.waitSignal(page.importer.applied, timeout=10000):
        _click(qtbot, page.importer, "applyBundles")
    assert "Rencontre des jeunes de Villeneuve" in [e["title"] for e in window.svc.events.events()]
    assert seen["warn"] == []
    # a database file: the question says a backup is taken first (a server database would not)
    assert seen["confirm"] == [_("Apply these sync bundles? This cannot be undone: the partner sites already have "
                                 "these changes.") + " " + _("A backup of the database is made first.")]
    assert _("Received from {site}").format(site="VLG") in _texts(page.history, 1)
    qtmodeltester.check(page.history)
    qtmodeltester.check(page.partners)
    assert _texts(page.partners, 4) == [_("no. {n}").format(n=1)]

    # the same file dropped again: nothing new, nothing to apply
    with qtbot.waitSignal(page.importer.previewed, timeout=10000):
        _drop(window, paths)
    assert page.importer.message.text() == _("These bundles were already imported: nothing new.")
    assert not page.importer.apply_button.isEnabled()


def test_a_tampered_bundle_is_refused_with_its_message_and_nothing_changes(window, partner, qtbot, tmp_path, seen):
    partner.events.create_event(title="Fête de quartier", start="2026-06-21")
    (path,) = partner.sync.export_bundle("TIZ", tmp_path / "mail")
    data = bytearray(Path(path).read_bytes())
    data[len(data) // 2] ^= 0x01
    Path(path).write_bytes(bytes(data))
    before = window.svc.sync.state_hash()
    page = _sync_page(window)
    with qtbot.waitSignal(page.importer.refused, timeout=10000) as refused:
        _drop(window, [path])
    from coopdesk.errors import CoopError

    with pytest.raises(CoopError) as exc:  # the service's own sentence is what the person reads
        window.svc.sync.preview([path])
    assert refused.args == [exc.value.message()]
    assert seen["warn"] == [exc.value.message()]
    assert exc.value.message() in page.importer.message.text()
    assert "Traceback" not in page.importer.message.text()
    assert not page.importer.apply_button.isEnabled()
    assert page.importer.model.rowCount() == 0
    assert window.svc.sync.state_hash() == before
    assert window.svc.sync.history() == []


def test_a_bundle_for_another_site_and_an_untrusted_sender_are_refused(demo, vlg_template, qtbot, tmp_path, seen):
    from ui.sync.page import SyncPage

    unknown = _partner(vlg_template, demo, tmp_path, pair=False)  # TIZ never trusted VLG
    try:
        unknown.events.create_event(title="Inconnu", start="2026-06-21")
        paths = unknown.sync.export_bundle("TIZ", tmp_path / "mail")
    finally:
        unknown.close()
    page = SyncPage(demo, QUndoStack())
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.importer.refused, timeout=10000) as refused:
        page.preview_files(paths)
    assert "VLG" in refused.args[0]
    assert page.importer.model.rowCount() == 0 and not page.importer.apply_button.isEnabled()


def test_two_sites_edit_the_same_field_the_conflict_shows_both_values_and_keep_theirs_resolves_it(
        window, partner, qtbot, tmp_path, seen, qtmodeltester):
    event = partner.events.create_event(title="Tournoi mixte", start="2026-07-04", place="Stade")
    window.svc.sync.import_bundles(partner.sync.export_bundle("TIZ", tmp_path / "1"))
    window.svc.events.update_event(event["id"], place="Stade municipal de Tiznit")
    partner.events.update_event(event["id"], place="Gymnase de Villeneuve")
    page = _sync_page(window)
    with qtbot.waitSignal(page.importer.previewed, timeout=10000):
        _drop(window, partner.sync.export_bundle("TIZ", tmp_path / "2"))
    row = _texts(page.importer.model, 2).index(_("Events"))
    assert page.importer.model.index(row, 6).data() == "1"  # the preview names the conflict
    with qtbot.waitSignal(page.importer.applied, timeout=10000):
        _click(qtbot, page.importer, "applyBundles")

    page.tabs.setCurrentIndex(page.TABS.index("conflicts"))
    assert page.tabs.tabText(page.tabs.currentIndex()) == _("Conflicts ({n})").format(n=1)
    qtmodeltester.check(page.conflicts)
    assert page.conflicts.rowCount() == 1
    mine, theirs = page.conflicts.index(0, 2).data(), page.conflicts.index(0, 3).data()
    shown_now = window.svc.events.event(event["id"])["place"]
    lost = ({"Stade municipal de Tiznit", "Gymnase de Villeneuve"} - {shown_now}).pop()
    assert shown_now in mine and lost in theirs
    rect = page.conflict_view.visualRect(page.conflicts.index(0, 1))
    qtbot.mouseClick(page.conflict_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    _click(qtbot, page, "keepTheirs")
    assert window.svc.events.event(event["id"])["place"] == lost
    assert page.conflicts.rowCount() == 0 and window.svc.sync.conflicts() == []
    assert seen["warn"] == []


def test_prepare_a_bundle_shows_progress_and_writes_the_file(window, partner, qtbot, tmp_path, seen, monkeypatch):
    folder = tmp_path / "outbox"
    monkeypatch.setattr(dialogs, "choose_folder", lambda parent, title, start="": str(folder))
    window.svc.events.create_event(title="Caravane médicale", start="2026-10-03")
    page = _sync_page(window)
    assert page.selected_partner() == "VLG"
    assert page.prepare_button.text() == _("Prepare a bundle for {site}…").format(site="VLG")
    values: list[int] = []
    page.export_progress.bar.valueChanged.connect(values.append)
    page.full_check.setChecked(True)
    with qtbot.waitSignal(page.exported, timeout=20000) as done:
        _click(qtbot, page, "prepareBundle")
        assert page.export_progress.isVisible() and not page.prepare_button.isEnabled()
    paths = done.args[0]
    assert len(paths) == 1 and Path(paths[0]).is_file() and Path(paths[0]).parent == folder
    assert values and max(values) >= 80
    assert Path(paths[0]).name in page.export_result.text()
    _click(qtbot, page, "openBundleFolder")
    assert seen["opened"] == [str(folder)]
    assert _texts(page.partners, 3) == [_("no. {n}").format(n=1)]
    assert _("Sent to {site}").format(site="VLG") in _texts(page.history, 1)
    result = partner.sync.import_bundles(paths)  # the partner can read what was written
    assert result["bundles"][0]["status"] == "applied"
    assert "Caravane médicale" in [e["title"] for e in partner.events.events()]


def test_trust_shows_the_fingerprint_and_asks_to_confirm(window, vlg_template, demo, qtbot, tmp_path, seen,
                                                       monkeypatch):
    p = _partner(vlg_template, demo, tmp_path, pair=False)
    fingerprint = p.sync.identity()["fingerprint"]
    p.close()
    monkeypatch.setattr(dialogs, "open_file", lambda parent, title, filters="": str(tmp_path / "VLG.coopid"))
    answers = [False, True]
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: seen["confirm"].append(text) or answers.pop(0))
    page = _sync_page(window)
    assert page.no_partner.isVisible()
    _click(qtbot, page, "trustPartner")
    assert fingerprint in seen["confirm"][0]
    assert window.svc.sync.partners() == []  # said no: not trusted
    _click(qtbot, page, "trustPartner")
    assert _texts(page.partners, 0) == ["VLG"] and _texts(page.partners, 2) == [fingerprint]
    assert any(fingerprint in text for text in seen["info"])


def test_sharing_policy_is_explained_and_changed_by_the_admin(window, qtbot, seen, qtmodeltester):
    page = _sync_page(window)
    page.tabs.setCurrentIndex(page.TABS.index("policy"))
    model = page.policy
    qtmodeltester.check(model)
    rows = [(r["entity"], r["field"]) for r in model.rows]
    row = rows.index(("person", "phone"))
    index = model.index(row, 2)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked  # stays in its commune
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert {(p["entity"], p["field"]): p["travels"] for p in window.svc.sync.policy()}[("person", "phone")]
    assert page.policy_text.isVisible() and page.policy_text.text()
    assert model.index(rows.index(("person", "last_name")), 3).data() == _("stays in its commune")


def test_a_viewer_sees_no_export_import_or_trust_button(qtbot, demo, settings, tmp_path):
    from ui.main_window import MainWindow

    viewer = demo.as_user(Actor("lecteur", "viewer", False))
    w = MainWindow(viewer, settings=settings)
    qtbot.addWidget(w)
    w.show()
    page = _sync_page(w)
    for name in ("exportIdentity", "trustPartner", "prepareBundle", "importBundles", "applyBundles",
                 "keepMine", "keepTheirs"):
        button = page.findChild(QPushButton, name)
        assert button is not None and not button.isVisible(), name
    bundle = tmp_path / "x.coopsync"
    bundle.write_bytes(b"not really")
    assert not _drop(w, [bundle])  # the window does not take the drop
    assert not page.policy.flags(page.policy.index(0, 2)) & Qt.ItemFlag.ItemIsUserCheckable


def test_dashboard_shows_sync_status_per_partner_and_opens_the_sync_centre(window, partner, qtbot, tmp_path):
    window.svc.sync.import_bundles(partner.sync.export_bundle("TIZ", tmp_path / "1"))
    dash = window.pages["dashboard"]
    dash.refresh()
    items = [dash.sync_list.item(i) for i in range(dash.sync_list.count())]
    assert len(items) == 1 and items[0].text().startswith("VLG")
    rect = dash.sync_list.visualItemRect(items[0])
    qtbot.mouseClick(dash.sync_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.pages["sync"]
    assert page.isVisible() and page.selected_partner() == "VLG"
    assert page.tabs.currentIndex() == page.TABS.index("partners")

