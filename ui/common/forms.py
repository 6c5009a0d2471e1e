"""Forms that show a refused field's message next to the field, in the user's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from coopdesk.errors import CoopError, ValidationError
from coopdesk.i18n import _
from ui import fonts
from ui.common import dialogs


class ChoiceCombo(QComboBox):
    """Codes stored, translated labels shown. ``empty`` (a msgid) adds a first "any/none" entry.

    Its width does not follow its longest entry (a long action title would widen the window past
    1366 px): it asks for ``min_chars`` characters, grows with its layout (in a ``Form``, as wide as
    the line edits), and its list opens wide. A choice longer than the box is cut with "…" and shown
    whole on hover; in Arabic its points between digits are Latin points (``fonts.figures_font``).
    """

    def __init__(self, choices: dict[str, str] | list[tuple[str, str]], empty: str | None = None,
                 translate: bool = True, parent: QWidget | None = None, *, min_chars: int = 14) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(min_chars)
        self._translate = translate
        self._empty = empty
        self.set_choices(choices)

    def set_choices(self, choices: dict[str, str] | list[tuple[str, str]]) -> None:
        current = self.code() if self.count() else None
        self._choices = list(choices.items()) if isinstance(choices, dict) else list(choices)
        self.blockSignals(True)
        self.clear()
        if self._empty is not None:
            self.addItem(_(self._empty), "")
        for code, label in self._choices:
            self.addItem(_(label) if self._translate else label, code)
        self.blockSignals(False)
        if current is not None:
            self.set_code(current)

    def code(self) -> str:
        return self.currentData() or ""

    def set_code(self, code: str | None) -> None:
        idx = self.findData(code or "")
        if idx >= 0:
            self.setCurrentIndex(idx)

    def retranslate(self) -> None:
        for i in range(self.count()):
            code = self.itemData(i)
            if code == "" and self._empty is not None:
                self.setItemText(i, _(self._empty))
            elif self._translate:
                label = dict(self._choices).get(code)
                if label is not None:
                    self.setItemText(i, _(label))

    def _label(self) -> tuple[QStyleOptionComboBox, QFont]:
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        font = (fonts.figures_font(self.font()) if fonts.has_figures(opt.currentText) else None) or self.font()
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        room = field.width() - 4  # the label's margins in the edit field
        if not opt.currentIcon.isNull():
            room -= opt.iconSize.width() + 4
        opt.currentText = QFontMetrics(font).elidedText(opt.currentText, Qt.TextElideMode.ElideRight, max(room, 0))
        return opt, font

    def shown_text(self) -> str:
        """The text the closed box shows: the current choice, or its start and "…" when it is longer."""
        return self._label()[0].currentText

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        painter = QStylePainter(self)
        opt, font = self._label()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        painter.setFont(font)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and not self.toolTip() and self.shown_text() != self.currentText():
            QToolTip.showText(event.globalPos(), self.currentText(), self)
            return True
        return super().event(event)


class CheckList(QListWidget):
    """A short list of checkable items (partners, themes): ``checked()`` gives their keys.

    A long item goes onto several lines rather than being cut or scrolled sideways, and the list is as
    tall as its items, up to ``max_height`` (then it scrolls up and down)."""

    def __init__(self, parent: QWidget | None = None, *, max_height: int = 110) -> None:
        super().__init__(parent)
        self.max_height = max_height
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def content_height(self) -> int:
        """The height its items take, each on as many lines as the list's width needs."""
        self.executeDelayedItemsLayout()
        rows = sum(self.visualItemRect(self.item(i)).height() for i in range(self.count()))
        return rows + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().sizeHint().width(), min(max(self.content_height(), self.fontMetrics().height() + 8),
                                                     self.max_height))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # narrower or wider: its items take more or fewer lines

    def set_items(self, items: list[tuple[str, str]]) -> None:
        keep = set(self.checked())
        self.clear()
        for key, label in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in keep else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.updateGeometry()

    def checked(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, keys: list[str] | None) -> None:
        wanted = set(keys or [])
        for i in range(self.count()):
            item = self.item(i)
            key = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked)


class DateField(QWidget):
    """A date typed as YYYY-MM-DD (or DD/MM/YYYY), or picked from a calendar; empty allowed."""

    textChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("YYYY-MM-DD")
        self.edit.textChanged.connect(self.textChanged)
        self.button = QToolButton()
        self.button.setText("…")
        self.button.setObjectName("pickDate")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        self.calendar = QCalendarWidget()
        self.calendar.clicked.connect(self._picked)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        self.button.setMenu(menu)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, value: Any) -> None:  # noqa: N802
        self.edit.setText(value.isoformat() if isinstance(value, dt.date) else (value or ""))

    def _sync_calendar(self) -> None:
        d = QDate.fromString(self.text(), "yyyy-MM-dd")
        if d.isValid():
            self.calendar.setSelectedDate(d)

    def _picked(self, day: QDate) -> None:
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self.button.menu().hide()


class CodeEdit(QLineEdit):
    """A field for a code (action 1.1.1, indicator 1.1.1-a): written left to right in every language,
    aligned with the other fields, its points drawn as Latin points in Arabic too."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        latin = QFont()
        latin.setFamilies(["Noto Sans", "Noto Naskh Arabic", "Noto Sans Tifinagh"])  # codes are ASCII
        self.setFont(latin)
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self._align()

    def _align(self) -> None:
        self.setAlignment(Qt.AlignmentFlag.AlignRight if QGuiApplication.isRightToLeft()
                          else Qt.AlignmentFlag.AlignLeft)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationLayoutDirectionChange:
            self._align()
        return super().event(event)


def _read(widget: QWidget) -> Any:
    if isinstance(widget, CheckList):
        return widget.checked()
    if isinstance(widget, ChoiceCombo):
        return widget.code()
    if isinstance(widget, DateField | QLineEdit):
        return widget.text().strip()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentData() if widget.currentData() is not None else widget.currentText()
    raise TypeError(type(widget).__name__)


def _write(widget: QWidget, value: Any) -> None:
    if isinstance(widget, CheckList):
        widget.set_checked(value or [])
    elif isinstance(widget, ChoiceCombo):
        widget.set_code(value)
    elif isinstance(widget, DateField):
        widget.setText(value)
    elif isinstance(widget, QLineEdit):
        widget.setText("" if value is None else str(value))
        widget.setCursorPosition(0)
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(value or "")
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value or 0))
    elif isinstance(widget, QComboBox):
        idx = widget.findData(value)
        if idx >= 0:
            widget.setCurrentIndex(idx)


def _label(label: str | Callable[[], str]) -> str:
    return label() if callable(label) else _(label)


class Form(QWidget):
    """Rows named by the service's field names; each row has an error line under its widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.fields: dict[str, QWidget] = {}
        self._labels: dict[str, tuple[QLabel, str | Callable[[], str]]] = {}
        self._errors: dict[str, QLabel] = {}
        self._aliases: dict[str, str] = {}
        self._baseline: dict[str, Any] | None = None  # the values as last loaded or saved

    def add(self, name: str, label: str | Callable[[], str], widget: QWidget, *,
            aliases: tuple[str, ...] = ()) -> QWidget:
        """``label``: a msgid (``N_("Start")``), or for a word with two meanings a function that
        translates it with its context (``lambda: pgettext("record", "Title")``).
        ``aliases``: other field names a service may report for this row (``lead_commune`` …)."""
        caption = QLabel()
        caption.setBuddy(widget)
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        lay.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{name}")
        error.setStyleSheet("color: #b00020;")
        error.setWordWrap(True)
        error.hide()
        lay.addWidget(error)
        widget.setObjectName(widget.objectName() or f"field_{name}")
        if isinstance(widget, QComboBox):  # as wide as the line edits: long choices show whole
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, widget.sizePolicy().verticalPolicy())
        self.layout_.addRow(caption, box)
        self.fields[name] = widget
        self._labels[name] = (caption, label)
        self._errors[name] = error
        for alias in aliases:
            self._aliases[alias] = name
        caption.setText(_label(label))
        # tab order follows the order of the rows
        names = list(self.fields)
        if len(names) > 1:
            QWidget.setTabOrder(self.fields[names[-2]], widget)
        return widget

    def widget(self, name: str) -> QWidget:
        return self.fields[name]

    def error_label(self, name: str) -> QLabel:
        return self._errors[name]

    def values(self) -> dict[str, Any]:
        return {name: _read(w) for name, w in self.fields.items()}

    def set_values(self, record: dict[str, Any]) -> None:
        self.clear_errors()
        for name, w in self.fields.items():
            if name in record:
                _write(w, record[name])
        self.mark_saved()

    def clear(self) -> None:
        self.clear_errors()
        for w in self.fields.values():
            _write(w, 0 if isinstance(w, QCheckBox | QSpinBox) else ([] if isinstance(w, CheckList) else ""))
        self.mark_saved()

    def mark_saved(self) -> None:
        """What the form shows now is what the database holds (loaded, or just saved)."""
        self._baseline = self.values()

    def is_modified(self) -> bool:
        """The user changed something since the record was loaded or saved (closing would lose it)."""
        return self._baseline is not None and self.values() != self._baseline

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear()
            label.hide()

    def show_error(self, exc: CoopError) -> bool:
        """Show ``exc`` under its field; False when it names no field of this form."""
        field = getattr(exc, "field", None) if isinstance(exc, ValidationError) else exc.params.get("field")
        name = self._aliases.get(field, field) if field else None
        if name not in self._errors:
            return False
        label = self._errors[name]
        label.setText(exc.message())
        label.show()
        self.fields[name].setFocus()
        return True

    def set_read_only(self, read_only: bool) -> None:
        for w in self.fields.values():
            if isinstance(w, QLineEdit | QPlainTextEdit):
                w.setReadOnly(read_only)
            elif isinstance(w, DateField):
                w.edit.setReadOnly(read_only)
                w.button.setEnabled(not read_only)
            elif isinstance(w, CheckList):
                for i in range(w.count()):
                    item = w.item(i)
                    flags = item.flags()
                    item.setFlags(flags & ~Qt.ItemFlag.ItemIsUserCheckable if read_only
                                  else flags | Qt.ItemFlag.ItemIsUserCheckable)
            else:
                w.setEnabled(not read_only)

    def retranslate(self) -> None:
        for caption, msgid in self._labels.values():
            caption.setText(_label(msgid))
        for w in self.fields.values():
            if isinstance(w, ChoiceCombo):
                w.retranslate()


class FormScroll(QScrollArea):
    """A long form that scrolls up and down, never sideways: the window then fits 1366×768 in every
    language. Its minimum width is the form's (labels and fields stay whole); its minimum height is
    small, the rest of the form is reached with the scroll bar or by tabbing through the fields."""

    MIN_HEIGHT = 160

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form = widget
        inner = QWidget()  # the form keeps its height at the top; the space left stays below it
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(widget)
        lay.addStretch(1)
        self.setWidget(inner)
        inner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # new labels (another language): the minimum width follows
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget().minimumSizeHint()
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        return QSize(inner.width() + bar + 2 * self.frameWidth(), min(inner.height(), self.MIN_HEIGHT))

    def sizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget().sizeHint()
        return QSize(max(inner.width(), self.minimumSizeHint().width()), inner.height())


def scrolling(widget: QWidget) -> FormScroll:
    """``widget`` (a long ``Form``) in a vertical scroll area; add the result to the layout instead."""
    return FormScroll(widget)


def report_error(parent: QWidget | None, exc: BaseException, form: Form | None = None) -> None:
    """A refused service call: next to its field when the form has it, else in a message box."""
    if not isinstance(exc, CoopError):
        raise exc
    if form is not None:
        form.clear_errors()
        if form.show_error(exc):
            return
    dialogs.warn(parent, exc.message())
