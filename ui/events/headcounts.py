"""Anonymous participants of a public event counted by sex and age band: a small grid of spin
boxes (one row per sex, one column per age band). When any count is given, the event's totals by
sex are the sums of the rows (the events service sets them)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSpinBox, QWidget

from coopdesk.domain import constants as C
from coopdesk.i18n import _


class HeadcountGrid(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headcountGrid")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.band_labels: dict[str, QLabel] = {}
        self.sex_labels: dict[str, QLabel] = {}
        self.spins: dict[tuple[str, str], QSpinBox] = {}
        for col, band in enumerate(C.AGE_BANDS, start=1):
            label = self.band_labels[band] = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(label, 0, col)
        for row, sex in enumerate(C.SEXES, start=1):
            grid.addWidget(self.sex_labels.setdefault(sex, QLabel()), row, 0)
            for col, band in enumerate(C.AGE_BANDS, start=1):
                spin = QSpinBox()
                spin.setRange(0, 100000)
                spin.setObjectName(f"headcount_{sex}_{band}")
                spin.valueChanged.connect(self.changed)
                self.spins[(sex, band)] = spin
                grid.addWidget(spin, row, col)
        self.retranslate()

    def values(self) -> dict[tuple[str, str], int]:
        """The non-zero counts {(sex, band): n}."""
        return {key: spin.value() for key, spin in self.spins.items() if spin.value()}

    def set_values(self, counts: dict[tuple[str, str], int] | None) -> None:
        counts = counts or {}
        for key, spin in self.spins.items():
            spin.blockSignals(True)
            spin.setValue(int(counts.get(key, 0)))
            spin.blockSignals(False)
        self.changed.emit()

    def totals(self) -> dict[str, int]:
        return {sex: sum(spin.value() for (sx, _b), spin in self.spins.items() if sx == sex) for sex in C.SEXES}

    def set_read_only(self, read_only: bool) -> None:
        for spin in self.spins.values():
            spin.setEnabled(not read_only)

    def retranslate(self) -> None:
        for band, label in self.band_labels.items():
            label.setText(_(C.AGE_BANDS[band]))
        for sex, label in self.sex_labels.items():
            label.setText(_(C.SEXES[sex]))
