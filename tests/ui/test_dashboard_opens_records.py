"""Every item of the dashboard opens the record behind it, as a person clicks or presses Enter."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QListWidget

from ui.main_window import AREAS

KEYS = [k for k, _t in AREAS]


def _area(window) -> str:
    return KEYS[window.stack.currentIndex()]


def _click_text(qtbot, label: QLabel) -> None:
    x = label.width() - 20 if label.isRightToLeft() else 20
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=QPoint(x, label.height() // 2))


def _enter_on(qtbot, view: QListWidget, starts: str) -> None:
    row = next(i for i in range(view.count()) if view.item(i).text().lstrip("⚠ℹ ").startswith(starts))
    view.setFocus()
    view.setCurrentRow(row)
    qtbot.keyClick(view, Qt.Key.Key_Return)


def test_the_plan_title_opens_the_plan_of_the_year(window, qtbot):
    label = window.findChild(QLabel, "planLabel")
    assert "2026" in label.text()
    _click_text(qtbot, label)
    assert _area(window) == "plans"
    plans = window.pages["plans"]
    assert plans.current_plan()["year"] == 2026


def test_the_renewal_dates_open_the_convention(window, qtbot):
    label = window.findChild(QLabel, "renewalDates")
    assert "2029" in label.text()
    _click_text(qtbot, label)
    assert _area(window) == "convention"


def test_a_missing_plan_or_meeting_opens_the_area_where_it_is_made(window, qtbot):
    warnings = window.findChild(QListWidget, "warningList")
    _enter_on(qtbot, warnings, "Pas encore de plan d'action pour 2027")
    assert _area(window) == "plans"
    window.nav.setCurrentRow(0)
    _enter_on(qtbot, warnings, "Aucune réunion du comité de pilotage ne s'est tenue")
    assert _area(window) == "committee"
    window.nav.setCurrentRow(0)
    _enter_on(qtbot, warnings, "Le procès-verbal de la réunion n° 2")
    assert _area(window) == "committee"
    assert window.pages["committee"].tabs.currentIndex() == 4  # the minutes and their signatures


def test_sync_status_per_partner_and_its_conflicts_open_the_sync_centre(window, qtbot):
    from ui.sync.demo_state import _prepare

    sync = window.pages["sync"]
    _prepare(sync)  # a paired partner (VLG), one bundle each way, one conflict
    dashboard = window.pages["dashboard"]
    dashboard.reload()
    view = window.findChild(QListWidget, "syncStatusList")
    texts = [view.item(i).text() for i in range(view.count())]
    partner = texts[0]
    assert partner.startswith("VLG (Villeneuve-la-Garenne)")
    # the window is in French: "Dernier lot envoyé : n° 1, <date>" and "… reçu : n° 1, <date>"
    assert "n° 1," in partner.splitlines()[1] and "n° 1," in partner.splitlines()[2]
    assert partner.splitlines()[3].startswith("2 ")  # changes waiting to be sent
    assert texts[1].startswith("⚠ 1 ")  # one open conflict, an item of its own

    _enter_on(qtbot, view, "1 ")
    assert _area(window) == "sync"
    assert sync.tabs.currentIndex() == sync.TABS.index("conflicts")

    window.nav.setCurrentRow(0)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualItemRect(view.item(0)).center())
    assert _area(window) == "sync"
    assert sync.tabs.currentIndex() == sync.TABS.index("partners")
    assert sync.selected_partner() == "VLG"
