"""Import wizard: the dry run lists each problem by row and writes nothing; a cancelled import
writes nothing; Import writes the accepted rows."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from coopdesk.i18n import _
from ui.common import dialogs
from ui.people.import_wizard import ACTIONS


def _csv(tmp_path, demo) -> tuple[str, dict]:
    known = demo.people.search(limit=1)[0]
    rows = [
        "Nom;Prénom;Sexe;Date de naissance;Commune;Couleur",
        "Amrani;Yasmine;F;2005-03-02;TIZ;bleu",
        "Benali;Karim;M;2003-11-20;Villeneuve-la-Garenne;vert",
        "Chraibi;Nadia;F;2005-02-31;TIZ;rouge",  # no 31 February
        "Durand;Paul;M;2001-06-01;Paris;jaune",  # not a commune of the convention
        f"{known['last_name']};{known['first_name']};{known['sex']};"
        f"{known['birth_date'].isoformat() if known['birth_date'] else ''};{known['commune_code']};gris",
    ]
    path = tmp_path / "beneficiaires.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path), known


@pytest.fixture
def wizard(qtbot, demo, monkeypatch):
    from ui.people.import_wizard import ImportWizard

    seen: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: seen.append(text))
    w = ImportWizard(demo)
    w.warnings = seen
    qtbot.addWidget(w)
    w.show()
    return w


def _click(qtbot, w, name: str) -> None:
    button = w.findChild(QPushButton, name)
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_dry_run_lists_problems_then_cancel_writes_nothing_then_import_writes(
        qtbot, qtmodeltester, wizard, demo, tmp_path, monkeypatch):
    path, known = _csv(tmp_path, demo)
    before = demo.people.count()
    monkeypatch.setattr(dialogs, "open_file", lambda parent, title, filters="": path)
    _click(qtbot, wizard, "importChoose")
    _click(qtbot, wizard, "importNext")
    qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 1, timeout=5000)
    # the suggested mapping recognised the French headers; the unknown one is ignored
    combos = {wizard.map_form.itemAt(i, wizard.map_form.ItemRole.LabelRole).widget().text():
              wizard.map_form.itemAt(i, wizard.map_form.ItemRole.FieldRole).widget()
              for i in range(wizard.map_form.rowCount())}
    assert combos["Nom"].currentData() == "last_name"
    assert combos["Date de naissance"].currentData() == "birth_date"
    assert combos["Couleur"].currentData() == ""
    assert isinstance(combos["Sexe"], QComboBox)
    _click(qtbot, wizard, "importNext")
    qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 2, timeout=10000)

    qtmodeltester.check(wizard.preview)
    shown = {(wizard.preview.index(r, 0).data(), wizard.preview.index(r, 1).data()):
             wizard.preview.index(r, 3).data() for r in range(wizard.preview.rowCount())}
    rejected, create = _(ACTIONS["reject"]), _(ACTIONS["create"])
    assert "Couleur" in shown[("1", _(ACTIONS["file"]))]
    assert "2005-02-31" in shown[("4", rejected)]
    assert "Paris" in shown[("5", rejected)]
    dup = shown[("6", _(ACTIONS["duplicate"]))]
    assert known["last_name"] in dup
    assert shown[("2", create)] == "" and shown[("3", create)] == ""
    assert demo.people.count() == before  # a dry run writes nothing

    saved: list[str] = []
    monkeypatch.setattr(dialogs, "info", lambda parent, text: saved.append(text))
    out = tmp_path / "erreurs.csv"
    monkeypatch.setattr(dialogs, "save_file", lambda parent, title, name="", filters="": str(out))
    _click(qtbot, wizard, "importErrorFile")
    text = out.read_text(encoding="utf-8-sig")
    assert "Chraibi" in text and "Paris" in text and "Amrani" not in text

    # Import, then Cancel while it runs: nothing is written
    gate = threading.Event()
    real_run = demo.imports.run

    def gated(*args, **kwargs):
        assert gate.wait(10)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(demo.imports, "run", gated)
    _click(qtbot, wizard, "importApply")
    cancel = wizard.findChild(QPushButton, "importCancelTask")
    qtbot.waitUntil(cancel.isVisible, timeout=2000)
    with qtbot.waitSignal(wizard.task.signals.cancelled, timeout=10000):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        gate.set()
    assert wizard.summary.text() == _("Cancelled: nothing was changed.")
    assert demo.people.count() == before
    assert wizard.warnings == []

    with qtbot.waitSignal(wizard.imported, timeout=10000) as got:
        _click(qtbot, wizard, "importApply")
    assert got.args[0]["written"] is True
    assert demo.people.count() == before + 2
    assert [p["first_name"] for p in demo.people.search("Amrani")] == ["Yasmine"]
    assert demo.people.search("Chraibi") == []
    assert not wizard.findChild(QPushButton, "importApply").isEnabled()  # not twice


def test_saved_mapping_is_offered_next_time(qtbot, wizard, demo, tmp_path, monkeypatch):
    path, _known = _csv(tmp_path, demo)
    monkeypatch.setattr(dialogs, "open_file", lambda parent, title, filters="": path)
    _click(qtbot, wizard, "importChoose")
    _click(qtbot, wizard, "importNext")
    qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 1, timeout=5000)
    colour = wizard.map_combos["Couleur"]
    colour.setCurrentIndex(colour.findData("notes"))
    qtbot.keyClicks(wizard.mapping_name, "Fichier du lycee")
    _click(qtbot, wizard, "importSaveMapping")
    assert demo.imports.mapping("persons", "Fichier du lycee")["Couleur"] == "notes"

    from ui.people.import_wizard import ImportWizard

    again = ImportWizard(demo)
    qtbot.addWidget(again)
    again.show()
    _click(qtbot, again, "importChoose")
    _click(qtbot, again, "importNext")
    qtbot.waitUntil(lambda: again.steps.currentIndex() == 1, timeout=5000)
    assert again.map_combos["Couleur"].currentData() == ""
    again.saved.setCurrentIndex(again.saved.findData("Fichier du lycee"))
    again.saved.activated.emit(again.saved.currentIndex())
    assert again.map_combos["Couleur"].currentData() == "notes"
