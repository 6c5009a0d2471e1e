"""The read-only record table every page uses: rows selected whole, one at a time, no editing."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QItemSelectionModel, Qt
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
                # the text's width plus the cell's margins, as the delegate draws it
                if text and "\n" not in text and self.fontMetrics().horizontalAdvance(text) + 8 > rect.width():
                    QToolTip.showText(event.globalPos(), text, self.viewport(), rect)
                    return True
        return super().viewportEvent(event)


def records_view(model: QAbstractItemModel, name: str, stretch: int = 1, *,
                 fit_contents: bool = True) -> QTableView:
    """A table over ``model`` named ``name`` (object names are unique window-wide); column
    ``stretch`` takes the spare width, the others fit their contents unless ``fit_contents`` is off."""
    view = RecordsView()
    view.setObjectName(name)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    if fit_contents:
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view
