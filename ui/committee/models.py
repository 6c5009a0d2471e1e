"""Qt model of a decision's votes: one row per voting member, the vote shown translated."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from coopdesk.domain import constants as C
from coopdesk.i18n import N_, _

Index = QModelIndex | QPersistentModelIndex

VOTE_COLUMNS = (N_("Voting member"), N_("Commune"), N_("Vote"))


class VotesModel(QAbstractTableModel):
    """``set_decision(decision, attendees)``: rows are the decision's voters (present elected members
    and technicians); ``ROLE_ID`` gives the attendee id."""

    ROLE_ID = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.voters: list[dict[str, Any]] = []
        self.votes: dict[str, str] = {}

    def set_decision(self, decision: dict[str, Any] | None, attendees: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        if decision is None:
            self.voters, self.votes = [], {}
        else:
            by_id = {a["id"]: a for a in attendees}
            self.voters = [by_id[v] for v in decision.get("voters", []) if v in by_id]
            self.votes = dict(decision.get("votes", {}))
        self.endResetModel()

    def attendee_id(self, row: int) -> str | None:
        return self.voters[row]["id"] if 0 <= row < len(self.voters) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.voters)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(VOTE_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.voters):
            return None
        a = self.voters[index.row()]
        if role == self.ROLE_ID:
            return a["id"]
        vote = self.votes.get(a["id"])
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return a["name"]
            if index.column() == 1:
                return a.get("commune_code", "")
            return _(C.VOTES[vote]) if vote in C.VOTES else _("not recorded")
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2 and vote in ("no", "abstain"):
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(VOTE_COLUMNS):
                return _(VOTE_COLUMNS[section])
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(VOTE_COLUMNS) - 1)
        if self.voters:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.voters) - 1, len(VOTE_COLUMNS) - 1))
