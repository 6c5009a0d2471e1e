"""Indicator progress as a chart: target against achieved per commune, achieved split by sex."""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter

from coopdesk.i18n import _


class IndicatorChart(QChartView):
    """One indicator: per commune, the target bar beside the women and men reached. A click on a bar
    emits ``bar_clicked`` (the dashboard opens the action behind it)."""

    bar_clicked = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("indicatorChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(180)
        self.record: dict[str, Any] | None = None
        self.sets: dict[str, QBarSet] = {}
        chart = QChart()
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setShowToolTips(True)  # a legend cut short ("…") shows its whole text on hover
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(chart)

    def show_indicator(self, record: dict[str, Any] | None, communes: list[tuple[str, str]]) -> None:
        """``communes``: (code, name in the UI language)."""
        self.record = record
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.sets = {}
        if record is None:
            chart.setTitle(_("No indicator for this year."))
            return
        chart.setTitle(f"{record['action_code']} — {record['name']}")
        target = QBarSet(_("Target"))
        women = QBarSet(_("Women and girls reached"))
        men = QBarSet(_("Men and boys reached"))
        target.setColor(QColor("#9e9e9e"))
        women.setColor(QColor("#c2185b"))
        men.setColor(QColor("#1565c0"))
        top = 1
        for code, _name in communes:
            t = int(record["targets"].get(code, 0) or 0)
            f = int(record["achieved"].get(code, {}).get("F", 0))
            m = int(record["achieved"].get(code, {}).get("M", 0))
            target.append(t)
            women.append(f)
            men.append(m)
            top = max(top, t, f, m)
        series = QHorizontalBarSeries()
        for s in (target, women, men):
            series.append(s)
            s.clicked.connect(lambda _i: self.bar_clicked.emit())
        self.sets = {"target": target, "F": women, "M": men}
        series.setLabelsVisible(True)
        chart.addSeries(series)
        cats = QBarCategoryAxis()
        cats.append([name for _c, name in communes])
        values = QValueAxis()
        values.setRange(0, top * 1.15)
        values.setLabelFormat("%d")
        chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(cats)
        series.attachAxis(values)
