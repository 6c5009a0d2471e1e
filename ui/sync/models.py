"""Table models of the sync centre: partners, the preview of an import, conflicts, history, policy.

The short lists (partners, preview, conflicts, history) are ``RecordsModel`` over plain rows made
here from what ``svc.sync`` returns; the sharing policy is a checkable model that writes through a
callback (the page calls ``set_policy``), so the model itself never touches a service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from coopdesk.i18n import N_, _, format_datetime, format_number
from ui.common.labels import field_label
from ui.models import Column

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight

ENTITY_NAMES = {
    "action": N_("Actions"), "action_partner": N_("Partners of actions"), "action_theme": N_("Themes of actions"),
    "agenda_item": N_("Agenda items"), "amendment": N_("Amendments"), "attachment": N_("Attached files"),
    "attendee": N_("Meeting attendees"), "axis": N_("Axes"), "commune": N_("Communes"),
    "convention": N_("Convention"), "decision": N_("Decisions"), "enrolment": N_("Enrolments"),
    "event": N_("Events"), "funding_request": N_("Funding requests"), "indicator": N_("Indicators"),
    "indicator_target": N_("Indicator targets"), "indicator_value": N_("Indicator values"),
    "meeting": N_("Meetings"), "milestone": N_("Milestones"), "minutes": N_("Minutes"), "node": N_("Sites"),
    "organisation": N_("Organisations"), "participation": N_("Participations"), "person": N_("Beneficiaries"),
    "plan": N_("Action plans"), "signature": N_("Signatures"), "team": N_("Teams"),
    "team_member": N_("Team members"), "vote": N_("Votes"), "sharing_policy": N_("Sharing policy"),
}

# What the service reports while it works, as a person would say it.
STAGES = {
    "collect": N_("Collecting the changes…"), "encrypt": N_("Signing and encrypting…"),
    "write": N_("Writing the files…"), "verify": N_("Checking signatures and integrity…"),
    "backup": N_("Backing up the database…"), "apply": N_("Applying the changes…"),
    "index": N_("Preparing the duplicate check…"), "done": N_("Done"),
}

STATUSES = {"applied": N_("applied"), "dry_run": N_("preview, nothing written"),
            "already_applied": N_("already applied, nothing new")}


def entity_name(entity: str) -> str:
    msgid = ENTITY_NAMES.get(entity)
    return _(msgid) if msgid else entity


def stage_text(stage: str) -> str:
    msgid = STAGES.get(stage)
    return _(msgid) if msgid else stage


def value_text(value: Any) -> str:
    """A stored value as a person reads it (a conflict may hold any JSON value)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float | int):
        return format_number(value)
    if isinstance(value, list | dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _seq(n: Any) -> str:
    return _("no. {n}").format(n=n) if n else "—"


def _when(value: Any) -> str:
    if not value:
        return "—"
    try:
        return format_datetime(value, "short")
    except (TypeError, ValueError, AttributeError):
        return str(value)


PARTNER_COLUMNS = [
    Column(N_("Site"), lambda r: r["node_code"]),
    Column(N_("Commune"), lambda r: r.get("commune") or r["commune_code"]),
    Column(N_("Fingerprint of its key"), lambda r: r["fingerprint"]),
    Column(N_("Last bundle sent"), lambda r: _seq(r["last_bundle_out"]), RIGHT),
    Column(N_("Last bundle received"), lambda r: _seq(r["last_bundle_in"]), RIGHT),
    Column(N_("Changes waiting"), lambda r: format_number(r["pending_changes"]), RIGHT),
    Column(N_("Open conflicts"), lambda r: format_number(r["conflicts"]), RIGHT),
]

PREVIEW_COLUMNS = [
    Column(N_("From"), lambda r: r["sender"]),
    Column(N_("Bundle"), lambda r: _seq(r["seq"]), RIGHT),
    Column(N_("What"), lambda r: entity_name(r["entity"]) if r["entity"] else _(STATUSES.get(r["status"], "—"))),
    Column(N_("Created"), lambda r: format_number(r["created"]), RIGHT),
    Column(N_("Updated"), lambda r: format_number(r["updated"]), RIGHT),
    Column(N_("Deleted"), lambda r: format_number(r["deleted"]), RIGHT),
    Column(N_("Conflicts"), lambda r: format_number(r["conflicts"]), RIGHT),
]

CONFLICT_COLUMNS = [
    Column(N_("Record"), lambda r: entity_name(r["entity"]) + (" — " + r["record"] if r.get("record") else "")),
    Column(N_("Field"), lambda r: r["field_label"]),
    Column(N_("Mine: value shown now"), lambda r: r["mine_text"]),
    Column(N_("Theirs: value that lost"), lambda r: r["theirs_text"]),
]

HISTORY_COLUMNS = [
    Column(N_("Date"), lambda r: _when(r["at"])),
    Column(N_("Direction"), lambda r: _("Sent to {site}").format(site=r["partner"]) if r["direction"] == "out"
           else _("Received from {site}").format(site=r["partner"])),
    Column(N_("Bundle"), lambda r: _seq(r["seq"]), RIGHT),
    Column(N_("Everything again"), lambda r: _("Yes") if r["full"] else ""),
    Column(N_("Changes"), lambda r: format_number(r["changes"]), RIGHT),
]


def preview_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per bundle and entity of ``preview()``/``import_bundles()``; one row for a bundle
    that brings nothing new."""
    rows = []
    for b in summary.get("bundles", []):
        counts = b.get("counts") or {}
        if not counts:
            rows.append({"sender": b["sender"], "seq": b["seq"], "status": b["status"], "entity": "",
                         "created": 0, "updated": 0, "deleted": 0, "conflicts": 0})
        for entity, c in sorted(counts.items(), key=lambda kv: entity_name(kv[0])):
            rows.append({"sender": b["sender"], "seq": b["seq"], "status": b["status"], "entity": entity,
                         **{k: int(c.get(k, 0)) for k in ("created", "updated", "deleted", "conflicts")}})
    return rows


def conflict_rows(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for c in conflicts:
        if c["kind"] == "field":
            mine = _("{value} (by {site})").format(value=value_text(c["mine"]), site=c["mine_by"])
            theirs = _("{value} (by {site})").format(value=value_text(c["theirs"]), site=c["theirs_by"])
            label = field_label(c["field"])
        else:
            mine = _("Deleted (by {site})").format(site=c["mine_by"])
            edits = "; ".join(f"{field_label(f)}: {value_text(v)}" for f, v in c["edits"].items())
            theirs = _("Edited (by {sites}): {edits}").format(sites=", ".join(c["theirs_by"]), edits=edits)
            label = _("the whole record")
        rows.append({**c, "field_label": label, "mine_text": mine, "theirs_text": theirs})
    return rows


def history_rows(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for h in history:
        counts = (h.get("summary") or {}).get("counts") or {}
        n = 0
        for v in counts.values():
            n += sum(v.values()) if isinstance(v, dict) else int(v)
        rows.append({**h, "changes": n})
    return rows


class PolicyModel(QAbstractTableModel):
    """Every synced field with a check box: does it travel to the sites of the other commune?"""

    HEADERS = (N_("Data"), N_("Field"), N_("Travels to the other commune"), N_("By default"))

    def __init__(self, on_change: Callable[[str, str, bool], bool], parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.editable = False
        self._on_change = on_change  # returns False when the service refused the change

    def set_rows(self, rows: list[dict[str, Any]], editable: bool) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.editable = editable
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return entity_name(r["entity"])
            if col == 1:
                return field_label(r["field"])
            if col == 2:
                return _("Yes") if r["travels"] else _("No, stays in its commune")
            if col == 3:
                return _("travels") if r["default"] else _("stays in its commune")
        if role == Qt.ItemDataRole.CheckStateRole and col == 2:
            return Qt.CheckState.Checked if r["travels"] else Qt.CheckState.Unchecked
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 2 and self.editable:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (index.isValid() and index.column() == 2 and role == Qt.ItemDataRole.CheckStateRole and self.editable):
            return False
        travels = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        r = self.rows[index.row()]
        if not self._on_change(r["entity"], r["field"], travels):
            return False
        r["travels"] = travels
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.CheckStateRole])
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return _(self.HEADERS[section])
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.HEADERS) - 1))
