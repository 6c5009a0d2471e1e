"""The sync centre: this site's identity, pairing, partners and bundles for them, import with a
preview, conflicts, history and the sharing policy. Everything goes through ``svc.sync``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.errors import CoopError
from coopdesk.i18n import _
from ui.common import ProgressPanel, Task, can_edit, commune_name, dialogs, execute, hide_for_viewer
from ui.common.labels import field_label
from ui.common.lazy import LazyLoad
from ui.common.tables import records_view as _table
from ui.common.worker import Cancelled
from ui.models import RecordsModel
from ui.sync.importer import ImportPanel, service_progress
from ui.sync.models import (
    CONFLICT_COLUMNS,
    HISTORY_COLUMNS,
    PARTNER_COLUMNS,
    PolicyModel,
    conflict_rows,
    entity_name,
    history_rows,
)

IDENTITY_FILTER = "*.coopid"




def _ltr(label: QLabel) -> QLabel:
    """Fingerprints and file names read left to right, in Arabic too."""
    label.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return label


def _conflicts_with(code: str, conflicts: list[dict[str, Any]]) -> int:
    n = 0
    for c in conflicts:
        theirs = c["theirs_by"] if isinstance(c["theirs_by"], list) else [c["theirs_by"]]
        if code == c["mine_by"] or code in theirs:
            n += 1
    return n


class SyncPage(LazyLoad, QWidget):
    data_changed = Signal()         # an import, a resolution or a pairing changed what is shown elsewhere
    exported = Signal(list)         # paths written

    TABS = ("partners", "import", "conflicts", "history", "policy")

    def __init__(self, services, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        # Pairing and the sharing policy are undo steps; applying a bundle and resolving a conflict
        # are confirmed instead (docs/decisions.md, "What is undone, and what is confirmed instead").
        self.undo_stack = undo_stack
        self.is_admin = services.actor.role == "admin"
        self.task: Task | None = None
        self.last_folder = ""
        self.written: list[str] = []
        self.conflict_list: list[dict[str, Any]] = []

        self._build_identity()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("syncTabs")
        self.tabs.addTab(self._build_partners(), "")
        self.importer = ImportPanel(services)
        self.importer.changed.connect(self._after_import)
        self.importer.previewed.connect(lambda _s: self.tabs.setCurrentIndex(self.TABS.index("import")))
        self.tabs.addTab(self.importer, "")
        self.tabs.addTab(self._build_conflicts(), "")
        self.tabs.addTab(self._build_history(), "")
        self.tabs.addTab(self._build_policy(), "")

        lay = QVBoxLayout(self)
        lay.addWidget(self.box_identity)
        lay.addWidget(self.tabs, 1)
        hide_for_viewer(self.svc, self.export_id_button, self.prepare_button, self.full_check, self.max_size,
                        self.max_size_label, self.keep_mine, self.keep_theirs)
        if not self.is_admin:  # the service refuses pairing to anyone else
            self.trust_button.hide()
            self.trust_button.setEnabled(False)
        self.retranslate()

    # ------------------------------------------------------------------ building

    def _build_identity(self) -> None:
        self.box_identity = QGroupBox()
        self.me_label = QLabel()
        self.me_label.setObjectName("myIdentity")
        self.fingerprint = _ltr(QLabel())
        self.fingerprint.setObjectName("myFingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.4)
        mono.setWeight(QFont.Weight.Bold)
        self.fingerprint.setFont(mono)
        self.fp_hint = QLabel()
        self.fp_hint.setWordWrap(True)
        self.export_id_button = QPushButton()
        self.export_id_button.setObjectName("exportIdentity")
        self.export_id_button.clicked.connect(self.export_identity)
        self.trust_button = QPushButton()
        self.trust_button.setObjectName("trustPartner")
        self.trust_button.clicked.connect(self.trust_partner)
        text = QVBoxLayout()
        text.addWidget(self.me_label)
        text.addWidget(self.fingerprint)
        text.addWidget(self.fp_hint)
        buttons = QVBoxLayout()
        buttons.addWidget(self.export_id_button)
        buttons.addWidget(self.trust_button)
        buttons.addStretch(1)
        lay = QHBoxLayout(self.box_identity)
        lay.addLayout(text, 1)
        lay.addLayout(buttons)

    def _build_partners(self) -> QWidget:
        w = QWidget()
        self.partners = RecordsModel(PARTNER_COLUMNS, parent=self)
        self.partner_view = _table(self.partners, "partnerTable", 2)
        self.partner_view.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.no_partner = QLabel()
        self.no_partner.setObjectName("noPartner")
        self.no_partner.setWordWrap(True)
        self.full_check = QCheckBox()
        self.full_check.setObjectName("sendEverything")
        self.max_size_label = QLabel()
        self.max_size = QDoubleSpinBox()
        self.max_size.setObjectName("maxSize")
        self.max_size.setRange(0.1, 1000)
        self.max_size.setDecimals(1)
        self.max_size.setValue(10)
        self.max_size_label.setBuddy(self.max_size)
        self.prepare_button = QPushButton()
        self.prepare_button.setObjectName("prepareBundle")
        self.prepare_button.clicked.connect(self.prepare_bundle)
        self.export_progress = ProgressPanel()
        self.export_progress.cancel_button.setObjectName("cancelSyncExport")
        self.export_result = _ltr(QLabel())
        self.export_result.setObjectName("exportResult")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton()
        self.open_folder_button.setObjectName("openBundleFolder")
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_folder_button.hide()

        row = QHBoxLayout()
        row.addWidget(self.prepare_button)
        row.addWidget(self.full_check)
        row.addStretch(1)
        row.addWidget(self.max_size_label)
        row.addWidget(self.max_size)
        done = QHBoxLayout()
        done.addWidget(self.export_result, 1)
        done.addWidget(self.open_folder_button)
        lay = QVBoxLayout(w)
        lay.addWidget(self.partner_view, 1)
        lay.addWidget(self.no_partner)
        lay.addLayout(row)
        lay.addWidget(self.export_progress)
        lay.addLayout(done)
        return w

    def _build_conflicts(self) -> QWidget:
        w = QWidget()
        self.conflicts = RecordsModel(CONFLICT_COLUMNS, parent=self)
        self.conflict_view = _table(self.conflicts, "conflictTable", 3)
        self.conflict_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.conflict_view.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.conflict_hint = QLabel()
        self.conflict_hint.setWordWrap(True)
        self.keep_mine = QPushButton()
        self.keep_mine.setObjectName("keepMine")
        self.keep_mine.clicked.connect(lambda: self.resolve("mine"))
        self.keep_theirs = QPushButton()
        self.keep_theirs.setObjectName("keepTheirs")
        self.keep_theirs.clicked.connect(lambda: self.resolve("theirs"))
        row = QHBoxLayout()
        row.addWidget(self.conflict_hint, 1)
        row.addWidget(self.keep_mine)
        row.addWidget(self.keep_theirs)
        lay = QVBoxLayout(w)
        lay.addWidget(self.conflict_view, 1)
        lay.addLayout(row)
        return w

    def _build_history(self) -> QWidget:
        w = QWidget()
        self.history = RecordsModel(HISTORY_COLUMNS, parent=self)
        self.history_view = _table(self.history, "historyTable", 1)
        QVBoxLayout(w).addWidget(self.history_view)
        return w

    def _build_policy(self) -> QWidget:
        w = QWidget()
        self.policy_text = QLabel()
        self.policy_text.setObjectName("policyExplanation")
        self.policy_text.setWordWrap(True)
        self.policy = PolicyModel(self._set_policy, parent=self)
        self.policy_view = _table(self.policy, "policyTable", 1)
        self.policy_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        lay = QVBoxLayout(w)
        lay.addWidget(self.policy_text)
        lay.addWidget(self.policy_view, 1)
        return w

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        communes = {c["code"]: commune_name(c) for c in self.svc.setup.communes()}
        try:
            me = self.svc.sync.identity()
        except CoopError as exc:  # e.g. a viewer on a site whose keys were never made
            self.me_label.setText(exc.message())
            self.fingerprint.clear()
        else:
            self.me_code = me["node_code"]
            self.me_label.setText(_("This site: {node} (commune {commune}). The fingerprint of its key:").format(
                node=me["node_code"], commune=communes.get(me["commune_code"], me["commune_code"])))
            self.fingerprint.setText(me["fingerprint"])
        self.conflict_list = self.svc.sync.conflicts()
        status = self.svc.sync.status()
        rows = [{**p, "conflicts": _conflicts_with(p["node_code"], self.conflict_list),
                 "commune": communes.get(p["commune_code"], p["commune_code"])} for p in status["partners"]]
        current = self.selected_partner()
        self.partners.set_rows(rows)
        self._select_partner(current or (rows[0]["node_code"] if rows else ""))
        self.no_partner.setVisible(not rows)
        rows = conflict_rows(self.conflict_list)
        for r in rows:
            r["record"] = self._record_label(r["entity"], r["row_id"])
        self.conflicts.set_rows(rows)
        self.history.set_rows(history_rows(self.svc.sync.history()))
        self.policy.set_rows(self.svc.sync.policy(), editable=self.is_admin)
        self._retitle_tabs()
        self._update_buttons()

    def _record_label(self, entity: str, row_id: str) -> str:
        """What a person recognises the record by (a title, a name, a number), when it can be read."""
        getters = {"event": self.svc.events.event, "action": self.svc.plans.action, "plan": self.svc.plans.plan,
                   "person": self.svc.people.person, "meeting": self.svc.committee.meeting,
                   "decision": self.svc.committee.decision}
        getter = getters.get(entity)
        if getter is None:
            return ""
        try:
            rec = getter(row_id)
        except CoopError:  # deleted here, or hidden from this user
            return ""
        if entity == "person":
            return " ".join(str(rec.get(k) or "") for k in ("last_name", "first_name")).strip()
        for key in ("title", "name", "code", "number", "year"):
            if rec.get(key):
                return str(rec[key])
        return ""

    def _select_partner(self, code: str) -> None:
        for r, row in enumerate(self.partners.rows):
            if row["node_code"] == code:
                self.partner_view.selectRow(r)
                return

    def selected_partner(self) -> str:
        idx = self.partner_view.currentIndex() if hasattr(self, "partner_view") else None
        if idx is None or not idx.isValid() or idx.row() >= len(self.partners.rows):
            return ""
        return self.partners.rows[idx.row()]["node_code"]

    def _selected_conflict(self) -> dict[str, Any] | None:
        idx = self.conflict_view.currentIndex()
        if not idx.isValid() or idx.row() >= len(self.conflicts.rows):
            return None
        return self.conflicts.rows[idx.row()]

    # ------------------------------------------------------------------ identity and pairing

    def export_identity(self) -> None:
        code = getattr(self, "me_code", "site")
        path = dialogs.save_file(self, _("Export my identity file"), f"{code}.coopid",
                                 _("CoopDesk identity ({pattern});;All files (*)").format(pattern=IDENTITY_FILTER))
        if not path:
            return
        try:
            data = self.svc.sync.export_identity(path)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        dialogs.info(self, _("The identity of {node} was written to {path}.\nSend it to the partner, then read the "
                             "fingerprint together on the phone:\n{fp}").format(
            node=data["node_code"], path=data["path"], fp=data["fingerprint"]))

    def trust_partner(self) -> None:
        path = dialogs.open_file(self, _("Trust a partner's identity file"),
                                 _("CoopDesk identity ({pattern});;All files (*)").format(pattern=IDENTITY_FILTER))
        if not path:
            return
        try:
            ident = _read_identity(path)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        question = _("Site {node} (commune {commune}, {name}).\n\nFingerprint of its key:\n{fp}\n\nRead these groups "
                     "with the partner on the phone. Trust this site only if every group matches what they "
                     "read to you.").format(node=ident["node_code"], commune=ident["commune_code"],
                                            name=ident["name"], fp=ident["fingerprint"])
        if not dialogs.confirm(self, question):
            return
        # One undo step: undo forgets the partner (refused once a bundle was exchanged with it) and
        # puts back a pairing this one replaced; redo trusts the content read here, not the file again.
        sync, content = self.svc.sync, ident["content"]
        try:
            data = execute(self.undo_stack, _("Trust site {node}").format(node=ident["node_code"]),
                           do=lambda: sync.trust_identity(content),
                           undo=lambda done: sync.untrust(done["node_code"], done["previous"]),
                           after=self._after_pairing)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self._select_partner(data["node_code"])
        dialogs.info(self, _("Site {node} ({commune}) is now trusted.\nFingerprint (check it on the phone): {fp}")
                     .format(node=data["node_code"], commune=data["commune_code"], fp=data["fingerprint"]))

    def _after_pairing(self) -> None:
        self.refresh()
        self.data_changed.emit()  # the dashboard lists the partners too

    # ------------------------------------------------------------------ export

    def prepare_bundle(self) -> None:
        code = self.selected_partner()
        if not code or (self.task is not None and self.task.running):
            return
        folder = dialogs.choose_folder(self, _("Folder for the bundle for {site}").format(site=code),
                                       self.last_folder)
        if not folder:
            return
        self.last_folder = folder
        sync, full, max_mb = self.svc.sync, self.full_check.isChecked(), self.max_size.value()

        def work(progress, cancelled):
            try:
                return sync.export_bundle(code, folder, full=full, max_mb=max_mb,
                                          progress=service_progress(progress), cancel=cancelled)
            except CoopError as exc:
                if exc.code == "sync_cancelled":
                    raise Cancelled() from exc
                raise

        self.written = []
        self.export_result.clear()
        self.open_folder_button.hide()
        self.task = Task(work)
        self.export_progress.watch(self.task)
        self.task.signals.finished.connect(self._exported)
        self.task.signals.failed.connect(self._export_failed)
        self.task.signals.cancelled.connect(self._export_cancelled)
        self.task.start()
        self._update_buttons()

    def _exported(self, paths: list[str]) -> None:
        self.written = list(paths)
        names = "\n".join(Path(p).name for p in paths)
        self.export_result.setText(_("Written in {folder}:\n{files}\nAttach these files to an email to the "
                                     "partner.").format(folder=str(Path(paths[0]).parent), files=names))
        self.open_folder_button.show()
        self.refresh()
        self.exported.emit(self.written)

    def _export_failed(self, exc: BaseException) -> None:
        text = exc.message() if isinstance(exc, CoopError) else _("The export failed: {error}").format(error=exc)
        self.export_result.setText(text)
        self._update_buttons()
        dialogs.warn(self, text)

    def _export_cancelled(self) -> None:
        self.export_result.setText(_("Cancelled: nothing was written."))
        self._update_buttons()

    def open_folder(self) -> None:
        if self.written:
            dialogs.open_folder(str(Path(self.written[0]).parent))

    # ------------------------------------------------------------------ import, conflicts, policy

    def preview_files(self, paths: list[str]) -> None:
        """Files chosen or dropped on the window: show the import tab and the preview."""
        self.tabs.setCurrentIndex(self.TABS.index("import"))
        self.importer.preview_files(paths)

    def _after_import(self) -> None:
        self.refresh()
        self.data_changed.emit()

    def resolve(self, keep: str) -> None:
        c = self._selected_conflict()
        if c is None:
            return
        # Not an undo step: the resolution marks both values as seen, everywhere, for good
        # (docs/decisions.md); the question says which value stays and that it cannot be undone.
        if not dialogs.confirm(self, resolve_question(c, keep)):
            return
        try:
            self.svc.sync.resolve(c["id"], keep=keep)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self.refresh()
        self.data_changed.emit()

    def _set_policy(self, entity: str, field: str, travels: bool) -> bool:
        """One undo step: undo sets the field back as it was (a change that travels like this one)."""
        was = next((r["travels"] for r in self.policy.rows if (r["entity"], r["field"]) == (entity, field)), None)
        if was == travels:
            return True
        sync = self.svc.sync
        text = (_("Let “{field}” ({data}) travel to the other commune") if travels
                else _("Keep “{field}” ({data}) in its commune")).format(field=field_label(field),
                                                                        data=entity_name(entity))
        try:
            # The model is in the middle of its setData: the list is read again once it is done.
            execute(self.undo_stack, text, do=lambda: sync.set_policy(entity, field, travels),
                    undo=lambda _r: sync.set_policy(entity, field, not travels),
                    after=lambda: QTimer.singleShot(0, self, self._reload_policy))
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return False
        return True

    def _reload_policy(self) -> None:
        self.policy.set_rows(self.svc.sync.policy(), editable=self.is_admin)

    def open_record(self, entity: str, row_id: str) -> None:
        if entity == "sync_conflict":
            self.tabs.setCurrentIndex(self.TABS.index("conflicts"))
        else:
            self.tabs.setCurrentIndex(self.TABS.index("partners"))
            if row_id:
                self._select_partner(row_id)

    # ------------------------------------------------------------------ text and state

    def _update_buttons(self) -> None:
        code = self.selected_partner()
        running = self.task is not None and self.task.running
        self.prepare_button.setText(_("Prepare a bundle for {site}…").format(site=code) if code
                                    else _("Prepare a bundle…"))
        self.prepare_button.setEnabled(bool(code) and not running and can_edit(self.svc))
        chosen = self._selected_conflict() is not None and can_edit(self.svc)
        self.keep_mine.setEnabled(chosen)
        self.keep_theirs.setEnabled(chosen)

    def _retitle_tabs(self) -> None:
        n = len(self.conflict_list)
        titles = [_("Partners"), _("Import"),
                  _("Conflicts ({n})").format(n=n) if n else _("Conflicts"), _("History"), _("Sharing policy")]
        for i, t in enumerate(titles):
            self.tabs.setTabText(i, t)

    def retranslate(self) -> None:
        self.box_identity.setTitle(_("This site's identity"))
        self.fp_hint.setText(_("Read these eight groups aloud to the partner on the phone, and listen to theirs, "
                               "before trusting each other's identity file."))
        self.export_id_button.setText(_("Export my identity file…"))
        self.trust_button.setText(_("Trust a partner's identity file…"))
        self.no_partner.setText(_("No partner site yet: export your identity file, send it to the partner, and "
                                  "trust theirs."))
        self.full_check.setText(_("Send everything again"))
        self.full_check.setToolTip(_("Use it when the partner lost a bundle or asks for everything: it is "
                                     "always safe, only bigger."))
        self.max_size_label.setText(_("Largest file (MB)"))
        self.open_folder_button.setText(_("Open the folder"))
        self.conflict_hint.setText(_("Two sites changed the same value. “Mine” is the value shown now, “theirs” "
                                     "the one that lost. For a deleted record, “mine” keeps it deleted and "
                                     "“theirs” restores it."))
        self.keep_mine.setText(_("Keep mine"))
        self.keep_theirs.setText(_("Keep theirs"))
        self.policy_text.setText(_("What travels to the sites of the other commune. By default, the names, "
                                   "contact details, birth date and health details of a commune's beneficiaries "
                                   "stay in that commune: the partner receives a pseudonymous record (sex, birth "
                                   "year, commune, enrolments, attendance), enough for the indicators. Sites of "
                                   "the same commune receive everything.")
                                 + ("" if self.is_admin else " " + _("Only an administrator can change it.")))
        for model in (self.partners, self.conflicts, self.history, self.policy):
            model.retranslate()
        self.export_progress.retranslate()
        self.importer.retranslate()
        self._retitle_tabs()
        self._update_buttons()
        self.reload_later()

    def screenshot_states(self):
        from ui.sync.demo_state import screenshot_states

        return screenshot_states(self)


def resolve_question(conflict: dict[str, Any], keep: str) -> str:
    """What resolving ``conflict`` (a row of ``conflict_rows``) by keeping ``keep`` does, asked first."""
    record = entity_name(conflict["entity"]) + (" — " + conflict["record"] if conflict.get("record") else "")
    if conflict["kind"] == "field":
        kept, other = ((conflict["mine_text"], conflict["theirs_text"]) if keep == "mine"
                       else (conflict["theirs_text"], conflict["mine_text"]))
        ask = _("Keep {value} for “{field}” ({record})?\nThe other value, {other}, will be set aside.").format(
            value=kept, other=other, field=conflict["field_label"], record=record)
        tail = _("This choice travels to the partner sites with the next bundle and cannot be undone; the value "
                 "can still be edited afterwards, like any other.")
    else:
        sites = ", ".join(conflict["theirs_by"])
        if keep == "mine":
            ask = _("Keep {record} deleted?\nThe changes {sites} made to it will be set aside.").format(
                record=record, sites=sites)
            tail = _("This choice travels to the partner sites with the next bundle and cannot be undone.")
        else:
            ask = _("Restore {record}, with the changes {sites} made to it?").format(record=record, sites=sites)
            tail = _("This choice travels to the partner sites with the next bundle and cannot be undone; the "
                     "record can still be edited or deleted afterwards, like any other.")
    return ask + "\n\n" + tail


def _read_identity(path: str) -> dict[str, Any]:
    """Name and fingerprint of an identity file *before* trusting it (pure parsing, no database),
    with its ``content``: what is trusted is what was shown, even if the file changes meanwhile."""
    from coopdesk.sync import keys

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CoopError("sync_file_unreadable", path=str(path)) from exc
    ident = keys.parse_identity(data)
    return {"node_code": ident.node_code, "commune_code": ident.commune_code, "name": ident.name,
            "fingerprint": ident.fingerprint, "content": data}
