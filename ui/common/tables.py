"""The read-only record table every page uses: rows selected whole, one at a time, no editing; its
columns fit the table's width (``FitHeader``)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QItemSelectionModel, QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QToolTip


def select_row(view: QTableView, row: int) -> None:
    """``view.selectRow(row)`` that also works right to left.

    Qt's ``QTableView.selectRow`` looks for the row's first cell one pixel past the viewport when
    the layout is right to left (Qt 6.11): in Arabic nothing got selected, so a page that reselects
    its current record after a change (a vote, a refresh) lost it. Here the first visible column
    is asked for by its visual position, which does not depend on the direction.
    """
    model = view.model()
    if model is None or not 0 <= row < model.rowCount(view.rootIndex()):
        return
    if not view.isRightToLeft():
        QTableView.selectRow(view, row)
        return
    header = view.horizontalHeader()
    column = next((header.logicalIndex(v) for v in range(header.count())
                   if not header.isSectionHidden(header.logicalIndex(v))), 0)
    index = model.index(row, column, view.rootIndex())
    flags = QItemSelectionModel.SelectionFlag.Rows
    if view.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection:
        flags |= QItemSelectionModel.SelectionFlag.ClearAndSelect
    else:
        flags |= QItemSelectionModel.SelectionFlag.Select
    view.selectionModel().setCurrentIndex(index, flags)


class RecordsView(QTableView):
    """A QTableView whose ``selectRow`` works in both directions (see :func:`select_row`), and
    whose cells cut short ("…") show their whole text when the mouse rests on them."""

    def selectRow(self, row: int) -> None:  # noqa: N802 (Qt API)
        select_row(self, row)

    def viewportEvent(self, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.ToolTip:
            index = self.indexAt(event.pos())
            if index.isValid() and not index.data(Qt.ItemDataRole.ToolTipRole):
                text = str(index.data() or "")
                rect = self.visualRect(index)
                font = index.data(Qt.ItemDataRole.FontRole)
                metrics = QFontMetrics(font.resolve(self.font())) if isinstance(font, QFont) else self.fontMetrics()
                # the text's width plus the cell's margins, as the delegate draws it
                if text and "\n" not in text and metrics.horizontalAdvance(text) + 8 > rect.width():
                    QToolTip.showText(event.globalPos(), text, self.viewport(), rect)
                    return True
        return super().viewportEvent(event)


class FitHeader(QHeaderView):
    """A horizontal header whose columns fit the table's width, so the table needs no horizontal
    scroll bar and no header is cut while there is room.

    Every column asks for its contents and its title on one line. When the table is wider than that,
    column ``stretch`` takes the spare width (shared with any column a page later sets to
    ``Stretch``). When it is narrower, first the titles of several words go onto two lines (with
    ``wrap``), then the ``elastic`` columns (the stretching ones by default) give width, in the order
    given, down to a few characters or their title, whichever is wider: their cells are cut with "…"
    and show their whole text on hover (``RecordsView``). Only when that is not enough does the
    horizontal scroll bar appear.
    """

    MIN_CHARS = 6  # an elastic column keeps at least this many characters
    TITLE_PAD = 4  # a Tifinagh title drawn bold (a made-up bold) is a little wider than measured
    # A longer list (the beneficiaries: 100 000 rows, read page by page) is measured on the rows in
    # sight only. Qt's own rule reads 1 000 rows per column, and every row of a table not shown:
    # at each search keystroke that was 0.25-0.55 s of the 100 ms a keystroke may take.
    MEASURED_ROWS = 300
    MIN_SECTION = 24

    def __init__(self, stretch: int, elastic: Sequence[int] | None = None, *, wrap: bool = False,
                 parent=None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.stretch = [stretch]
        self.elastic = list(elastic) if elastic is not None else [stretch]
        self.wrap = wrap
        self.wrapped = False  # some title is on two lines now
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # Qt's own minimum is the font's widest glyph: 78 px with the Arabic font, wider than a number
        self.setMinimumSectionSize(self.MIN_SECTION)
        self.setStretchLastSection(False)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        if wrap:
            self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        self._fitting = False
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.fit)

    def setModel(self, model) -> None:  # noqa: N802 (Qt API)
        old = self.model()
        if old is not None:
            for signal in self._signals(old):
                try:
                    signal.disconnect(self.fit_later)
                except (RuntimeError, TypeError):
                    pass
        super().setModel(model)
        if model is not None:
            for signal in self._signals(model):
                signal.connect(self.fit_later)
        self.fit_later()

    @staticmethod
    def _signals(model):
        return (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved,
                model.columnsInserted, model.columnsRemoved, model.dataChanged, model.headerDataChanged)

    def fit_later(self, *_args) -> None:
        self._later.start()

    def setSectionResizeMode(self, *args) -> None:  # noqa: N802 (Qt API)
        """A page that sets one more column to ``Stretch`` gets it sharing the spare width."""
        if len(args) == 2 and args[1] == QHeaderView.ResizeMode.Stretch:
            column = args[0]
            if column not in self.stretch:
                self.stretch.append(column)
            if column not in self.elastic:
                self.elastic.append(column)
            self.fit_later()
            return
        super().setSectionResizeMode(*args)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.LayoutDirectionChange):
            self.fit_later()

    def _title(self, column: int) -> str:
        model = self.model()
        return str(model.headerData(column, Qt.Orientation.Horizontal) or "") if model is not None else ""

    def _two_lines(self, column: int, one_line: int) -> int:
        """The width the title needs on two lines (its words split where the longer line is shortest)."""
        words = self._title(column).split()
        if not self.wrap or len(words) < 2:
            return one_line
        font = QFont(self.font())
        font.setBold(True)  # as QHeaderView measures a title (a highlighted one is drawn bold)
        fm = QFontMetrics(font)
        full = fm.horizontalAdvance(" ".join(words))
        best = min(max(fm.horizontalAdvance(" ".join(words[:i])), fm.horizontalAdvance(" ".join(words[i:])))
                   for i in range(1, len(words)))
        return one_line - full + best  # the section's margins and sort arrow stay

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        size = super().sizeHint()
        if self.wrapped:
            size.setHeight(size.height() + self.fontMetrics().lineSpacing())
        return size

    def widths(self) -> dict[int, int]:
        """The width each visible column gets in the table's present width (see the class)."""
        view = self.parentWidget()
        model = self.model()
        if model is None or not isinstance(view, QTableView):
            return {}
        columns = [c for c in range(self.count()) if not self.isSectionHidden(c)]
        title = {c: self.title_width(c) for c in columns}
        long_list = model.rowCount() > self.MEASURED_ROWS
        self.setResizeContentsPrecision(0 if long_list else -1)  # 0: the rows in sight
        if long_list and not view.isVisible():
            cells = dict.fromkeys(columns, 0)  # measured once it is shown (its resize fits it again)
        else:
            cells = {c: max(0, view.sizeHintForColumn(c)) for c in columns}
        least = self.minimumSectionSize()
        want = {c: max(cells[c], title[c], least) for c in columns}
        sizes = dict(want)
        over = sum(sizes.values()) - view.viewport().width()
        titled = {c: max(self._two_lines(c, title[c]), least) for c in columns}  # the title still whole
        if over > 0 and self.wrap:
            for c in columns:
                give = min(over, sizes[c] - max(cells[c], titled[c]))
                if give > 0:
                    sizes[c] -= give
                    over -= give
        chars = self.fontMetrics().horizontalAdvance("0" * self.MIN_CHARS) + 12  # not averageCharWidth: 20 px in Arabic
        for c in self.elastic:
            if over <= 0:
                break
            if c in sizes:
                give = min(over, sizes[c] - min(want[c], max(chars, titled[c])))
                if give > 0:
                    sizes[c] -= give
                    over -= give
        stretching = [c for c in self.stretch if c in sizes]
        if over < 0 and stretching:  # the spare width, shared
            spare = -over
            for i, c in enumerate(stretching):
                sizes[c] += spare // len(stretching) + (1 if i < spare % len(stretching) else 0)
        return sizes

    def title_width(self, column: int) -> int:
        """The width the column's title needs on one line."""
        return self.sectionSizeFromContents(column).width() + self.TITLE_PAD

    def fit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            sizes = self.widths()
            for c, width in sizes.items():
                if self.sectionSize(c) != width:
                    self.resizeSection(c, width)
            wrapped = self.wrap and any(width < self.title_width(c) and len(self._title(c).split()) > 1
                                        for c, width in sizes.items())
            if wrapped != self.wrapped:
                self.wrapped = wrapped
                self.updateGeometry()
                self.geometriesChanged.emit()
        finally:
            self._fitting = False


def records_view(model: QAbstractItemModel, name: str, stretch: int = 1, *, fit_contents: bool = True,
                 elastic: Sequence[int] | None = None, wrap_titles: bool = False) -> QTableView:
    """A table over ``model`` named ``name`` (object names are unique window-wide). With
    ``fit_contents`` its columns fit their contents and the table's width (``FitHeader``: column
    ``stretch`` takes the spare width, the ``elastic`` ones give width when it is short, titles of
    several words may go onto two lines with ``wrap_titles``); without, column ``stretch`` takes the
    spare width and the others keep Qt's default width."""
    view = RecordsView()
    if fit_contents:
        view.setHorizontalHeader(FitHeader(stretch, elastic, wrap=wrap_titles, parent=view))
    view.setObjectName(name)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    if not fit_contents:
        view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view
