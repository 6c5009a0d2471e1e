"""The plan's provisional calendar: one bar per action across the twelve months of the year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from coopdesk.domain import constants as C
from coopdesk.i18n import _, format_date
from ui import fonts
from ui.common.labels import code_text

ROW_H = 20
HEADER_H = 22
LABEL_W = 60
STATUS_COLOURS = {"planned": "#5b8def", "in_progress": "#f0a030", "done": "#3aa76d",
                  "postponed": "#9e9e9e", "cancelled": "#d05050"}


class Timeline(QWidget):
    """Mirrors itself in a right-to-left layout; a click on a bar emits the action's id; hovering a
    bar tells which action it is, its dates and status (the row shows only the code)."""

    action_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = dt.date.today().year
        self.actions: list[dict[str, Any]] = []
        self.setObjectName("planTimeline")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(HEADER_H + ROW_H * 3)

    def set_actions(self, year: int, actions: list[dict[str, Any]]) -> None:
        self.year = year
        self.actions = [a for a in actions if a.get("start") or a.get("end")]
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, HEADER_H + ROW_H * max(3, len(self.actions)) + 4)

    def _x(self, day: dt.date, width: float) -> float:
        start = dt.date(self.year, 1, 1)
        days = (dt.date(self.year + 1, 1, 1) - start).days
        frac = min(max((day - start).days / days, 0.0), 1.0)
        x = LABEL_W + frac * (width - LABEL_W)
        return width - x if self.layoutDirection() == Qt.LayoutDirection.RightToLeft else x

    def bar_rect(self, row: int) -> QRectF:
        a = self.actions[row]
        w = float(self.width())
        start = a.get("start") or a.get("end")
        end = a.get("end") or a.get("start")
        x1, x2 = self._x(start, w), self._x(end + dt.timedelta(days=1), w)
        left, right = min(x1, x2), max(x1, x2)
        return QRectF(left, HEADER_H + row * ROW_H + 3, max(3.0, right - left), ROW_H - 6)

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = float(self.width())
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        p.setPen(QPen(QColor("#c8c8c8")))
        for month in range(1, 13):
            first = dt.date(self.year, month, 1)
            nxt = dt.date(self.year + (month == 12), month % 12 + 1, 1)
            x1, x2 = self._x(first, w), self._x(nxt, w)
            p.drawLine(int(x1), HEADER_H - 2, int(x1), self.height())
            rect = QRectF(min(x1, x2), 0, abs(x2 - x1), HEADER_H)
            p.setPen(QPen(self.palette().text().color()))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, format_date(first, "LLL"))
            p.setPen(QPen(QColor("#c8c8c8")))
        today = dt.date.today()
        p.setFont(fonts.figures_font(self.font()) or self.font())  # the codes read 1.1.1 in Arabic too
        for row, a in enumerate(self.actions):
            y = HEADER_H + row * ROW_H
            label = QRectF(w - LABEL_W if rtl else 0, y, LABEL_W - 4, ROW_H)
            p.setPen(QPen(self.palette().text().color()))
            p.drawText(label, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading, code_text(a.get("code", "")))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(STATUS_COLOURS.get(a.get("status", ""), "#5b8def")))
            p.drawRoundedRect(self.bar_rect(row), 4, 4)
        if today.year == self.year:
            p.setPen(QPen(QColor("#d05050"), 1, Qt.PenStyle.DashLine))
            x = self._x(today, w)
            p.drawLine(int(x), HEADER_H - 2, int(x), self.height())
        p.end()

    def row_at(self, pos) -> int | None:
        for row in range(len(self.actions)):
            if self.bar_rect(row).adjusted(-2, -3, 2, 3).contains(pos):
                return row
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        row = self.row_at(event.position())
        if row is not None:
            self.action_clicked.emit(self.actions[row]["id"])
            return
        super().mousePressEvent(event)

    def bar_text(self, row: int) -> str:
        a = self.actions[row]
        start, end = a.get("start") or a.get("end"), a.get("end") or a.get("start")
        status = C.ACTION_STATUSES.get(a.get("status", ""))
        lines = [f"{a.get('code', '')} — {a.get('title', '')}",
                 _("{start} to {end}").format(start=format_date(start, "medium"), end=format_date(end, "medium"))]
        if status:
            lines.append(_(status))
        return "\n".join(lines)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            row = self.row_at(event.pos())
            if row is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.bar_text(row), self, self.bar_rect(row).toRect())
            return True
        return super().event(event)
