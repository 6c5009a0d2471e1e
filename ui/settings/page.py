"""The settings page. The language switches at run time through the main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language, format_datetime, format_number
from ui.common import ChoiceCombo, Form, ProgressPanel, Task, commune_name, dialogs, report_error
from ui.common.lazy import LazyLoad
from ui.common.tables import records_view as _table
from ui.common.worker import Cancelled, TaskDialog
from ui.models import Column, RecordsModel
from ui.settings import accounts

USER_COLUMNS = [
    Column(N_("User name"), lambda r: r["username"]),
    Column(N_("Full name"), lambda r: r.get("full_name") or ""),
    Column(N_("Role"), lambda r: _(C.USER_ROLES.get(r["role"], r["role"]))),
    Column(N_("Sees health data"), lambda r: _("Yes") if r.get("can_see_health") else _("No")),
    Column(N_("Locked"), lambda r: _("Yes") if r.get("locked") else _("No")),
]

BACKUP_COLUMNS = [
    Column(N_("Backup"), lambda r: r["name"]),
    Column(N_("Date"), lambda r: format_datetime(r["modified"], "short")),
    Column(N_("Size (KB)"), lambda r: format_number(round(r["size"] / 1024)), Qt.AlignmentFlag.AlignRight),
]




class SettingsPage(LazyLoad, QWidget):
    data_changed = Signal()  # a backup restored: every other page reloads (the main window listens)

    def __init__(self, services, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.is_admin = services.actor.role == "admin"
        self.task: Task | None = None

        # this node
        self.box_site = QGroupBox()
        self.site_form = QFormLayout(self.box_site)
        self.site_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("node", "commune", "country", "currency", "timezone", "user"):
            caption, value = QLabel(), QLabel()
            value.setObjectName(f"site_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.site_form.addRow(caption, value)
            self.site_labels[key] = (caption, value)

        # language
        self.box_lang = QGroupBox()
        self.language = ChoiceCombo([(code, LANGUAGE_NAMES[code]) for code in LANGUAGES], translate=False)
        self.language.setObjectName("languageCombo")
        self.language.set_code(current_language())
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.lang_hint = QLabel()
        self.lang_hint.setWordWrap(True)
        v = QVBoxLayout(self.box_lang)
        v.addWidget(self.language)
        v.addWidget(self.lang_hint)

        # users and roles (administrators)
        self.box_users = QGroupBox()
        self.users = RecordsModel(USER_COLUMNS, parent=self)
        self.user_view = _table(self.users, "userTable", 1)
        self.user_form = Form()
        self.user_form.add("username", N_("User name"), QLineEdit())
        self.user_form.add("full_name", N_("Full name"), QLineEdit())
        self.user_form.add("role", N_("Role"), ChoiceCombo(C.USER_ROLES))
        self.user_form.add("can_see_health", N_("Sees health data"), QCheckBox())
        # Passwords are typed here by an administrator (the login screen sends locked-out users and
        # accounts without a password to them); left empty, the password does not change.
        for name, label in (("password", N_("New password")), ("password_repeat", N_("New password again"))):
            edit = self.user_form.add(name, label, QLineEdit())
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.user_view.selectionModel().currentRowChanged.connect(self._user_chosen)
        self.add_user_button = QPushButton()
        self.add_user_button.setObjectName("addUser")
        self.add_user_button.clicked.connect(self.add_user)
        self.set_role_button = QPushButton()
        self.set_role_button.setObjectName("setRole")
        self.set_role_button.clicked.connect(self.set_role)
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("unlockUser")
        self.unlock_button.clicked.connect(self.unlock_user)
        self.unlock_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.set_role_button)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        row.addWidget(self.add_user_button)
        self.user_status = QLabel()
        self.user_status.setObjectName("userStatus")
        self.user_status.setWordWrap(True)
        v = QVBoxLayout(self.box_users)
        v.addWidget(self.user_view)
        v.addWidget(self.user_form)
        v.addLayout(row)
        v.addWidget(self.user_status)
        self.box_users.setVisible(self.is_admin)

        # backups
        self.box_backup = QGroupBox()
        self.backups = RecordsModel(BACKUP_COLUMNS, parent=self)
        self.backup_view = _table(self.backups, "backupTable", 0)
        self.backup_button = QPushButton()
        self.backup_button.setObjectName("backupNow")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton()
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.clicked.connect(self.restore)
        self.progress = ProgressPanel()
        self.backup_status = QLabel()
        self.backup_status.setObjectName("backupStatus")
        self.backup_status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        v = QVBoxLayout(self.box_backup)
        v.addWidget(self.backup_view)
        v.addLayout(row)
        v.addWidget(self.progress)
        v.addWidget(self.backup_status)
        self.backup_button.setVisible(services.actor.can_edit)
        self.restore_button.setVisible(self.is_admin)

        # Two tabs: these settings, and personal data (ui/settings/privacy.py).
        from ui.settings.privacy import PrivacySection

        self.general = QWidget()
        self.privacy = PrivacySection(services, undo_stack)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.addTab(self.general, "")
        self.tabs.addTab(self.privacy, "")
        QVBoxLayout(self).addWidget(self.tabs)
        grid = QGridLayout(self.general)
        grid.addWidget(self.box_site, 0, 0)
        grid.addWidget(self.box_lang, 1, 0)
        grid.addWidget(self.box_backup, 2, 0)
        grid.addWidget(self.box_users, 0, 1, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)
        self.retranslate()

    # ------------------------------------------------------------------ language

    def _language_chosen(self, *_args: Any) -> None:
        code = self.language.code()
        window = self.window()
        if code and code != current_language() and hasattr(window, "set_language"):
            window.set_language(code)

    # ------------------------------------------------------------------ users

    def refresh_users(self, select: str = "") -> None:
        if not self.is_admin:
            return
        current = select or (self._selected_user() or {}).get("username", "")
        self.users.set_rows(self.svc.users.users())
        row = next((r for r, u in enumerate(self.users.rows) if u["username"] == current), -1)
        if row >= 0:
            self.user_view.selectRow(row)
        else:
            self.unlock_button.setEnabled(False)

    def _selected_user(self) -> dict[str, Any] | None:
        idx = self.user_view.currentIndex()
        return self.users.row_dict(idx.row()) if idx.isValid() and idx.row() < self.users.rowCount() else None

    def _user_chosen(self, *_args: Any) -> None:
        """The form shows the chosen user's role and health access, ready to change them."""
        user = self._selected_user()
        self.unlock_button.setEnabled(bool(user and user.get("locked")))
        if user is not None:
            self.user_form.set_values({**user, "password": "", "password_repeat": ""})

    def _typed_password(self) -> str | None:
        """The new password typed twice, "" when none; None (and the message next to the field)
        when the two differ."""
        v = self.user_form.values()
        if v["password"] != v["password_repeat"]:
            label = self.user_form.error_label("password_repeat")
            label.setText(_("The two passwords are not the same."))
            label.show()
            self.user_form.widget("password_repeat").setFocus()
            return None
        if v["password"] and v["role"] != "admin" and not self.svc.auth.login_required():
            # The first password makes everyone log in from the next start: an administrator
            # without one could no longer unlock accounts or set passwords.
            label = self.user_form.error_label("password")
            label.setText(_("Give an administrator a password first: from then on everyone logs in."))
            label.show()
            self.user_form.widget("password").setFocus()
            return None
        return v["password"]

    # Each change of an account is one undo step (ui/settings/accounts.py).
    def add_user(self) -> None:
        accounts.add_user(self)

    def set_role(self) -> None:
        """Role, health access and (when typed) a new password for the selected user."""
        accounts.save_user(self)

    def unlock_user(self) -> None:
        accounts.unlock_user(self)

    # ------------------------------------------------------------------ backups

    def refresh_backups(self) -> None:
        try:
            self.backups.set_rows(self.svc.setup.list_backups())
        except CoopError as exc:
            self.backup_status.setText(exc.message())
            self.backup_button.setEnabled(False)
            self.restore_button.setEnabled(False)

    def backup_now(self) -> None:
        setup = self.svc.setup

        def work(progress, _cancelled):
            progress(10, _("Backing up…"))
            return setup.backup_now()

        self.task = Task(work)
        self.progress.watch(self.task)
        self.backup_button.setEnabled(False)
        self.task.signals.finished.connect(self._backup_done)
        self.task.signals.failed.connect(self._backup_failed)
        self.task.start()

    def _backup_done(self, info: dict[str, Any]) -> None:
        self.backup_button.setEnabled(True)
        self.backup_status.setText(_("Backup made: {name}").format(name=info["name"]))
        self.refresh_backups()

    def _backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        if isinstance(exc, CoopError):
            report_error(self, exc)
        else:
            dialogs.warn(self, _("The backup failed: {error}").format(error=str(exc)))

    # A restore replaces the file every service reads: it runs in a worker behind a modal dialog,
    # so nothing else writes meanwhile and the window keeps painting; Cancel is refused once the
    # swap has started (it is one SQLite write transaction, which runs to its end).
    RESTORE_STEPS = {"check": (0, 25), "safety": (25, 40), "swap": (40, 100), "done": (100, 100)}
    restore_dialog: TaskDialog | None = None

    def restore(self) -> None:
        idx = self.backup_view.currentIndex()
        if not idx.isValid():
            dialogs.warn(self, _("Choose a backup in the list first."))
            return
        info = self.backups.row_dict(idx.row())
        if not dialogs.confirm(self, _("Replace the current data with the backup {name}? A backup of the "
                                       "current data is made first.").format(name=info["name"])):
            return
        setup, path = self.svc.setup, info["path"]

        def work(progress, cancelled):
            try:
                return setup.restore_backup(path, cancelled=cancelled, progress=lambda step, fraction: progress(
                    round(self._restore_percent(step, fraction)), step))
            except CoopError as exc:
                if exc.code == "restore_cancelled":
                    raise Cancelled from exc
                raise

        self.task = Task(work)
        if self.restore_dialog is not None:
            self.restore_dialog.deleteLater()
        self.restore_dialog = TaskDialog(_("Restore the selected backup"), self)
        self.restore_dialog.watch(self.task, progress=False)
        self.task.signals.progress.connect(self._restore_step)
        self.task.signals.finished.connect(self._restored)
        self.task.signals.failed.connect(self._restore_failed)
        self.task.signals.cancelled.connect(self._restore_cancelled)
        self.backup_button.setEnabled(False)
        self.restore_button.setEnabled(False)
        self._restore_step(0, "check")
        self.restore_dialog.show()
        self.task.start()

    def _restore_percent(self, step: str, fraction: float) -> float:
        low, high = self.RESTORE_STEPS.get(step, (0, 0))
        return low + (high - low) * max(0.0, min(1.0, fraction))

    def _restore_step(self, pct: int, step: str) -> None:
        texts = {"check": _("Checking the backup…"), "safety": _("Backing up the current data first…"),
                 "swap": _("Replacing the data with the backup… This step cannot be cancelled."),
                 "done": _("Restored.")}
        self.restore_dialog.set_progress(pct, texts.get(step, ""))
        if step in ("swap", "done"):
            self.restore_dialog.set_cancellable(False)

    def _restore_ended(self) -> None:
        self.backup_button.setEnabled(True)
        self.restore_button.setEnabled(True)
        self.refresh_backups()

    def _restored(self, out: dict[str, Any]) -> None:
        self.undo_stack.clear()  # the commands refer to data that no longer exists
        text = _("Restored {name}; the previous data was saved as {safety}.").format(
            name=out["restored"]["name"], safety=out["safety_backup"]["name"])
        if out.get("changes_after_backup"):
            text += " " + _("Changes made on this PC after the backup were already sent to the partners: "
                            "ask a partner for a full bundle (Sync centre) to get them back.")
        self.backup_status.setText(text)
        self._restore_ended()
        self.refresh_site()
        self.refresh_users()
        self.privacy.reload_later()
        self.data_changed.emit()  # every other page reloads what it shows

    def _restore_failed(self, exc: BaseException) -> None:
        self._restore_ended()
        if isinstance(exc, CoopError):
            report_error(self, exc)
        else:
            dialogs.warn(self, _("The restore failed: {error}").format(error=str(exc)))

    def _restore_cancelled(self) -> None:
        self._restore_ended()
        self.backup_status.setText(_("Cancelled: nothing was restored."))

    # ------------------------------------------------------------------ texts

    def refresh_site(self) -> None:
        site = self.svc.setup.site()
        commune = next((c for c in self.svc.setup.communes() if c["id"] == site["commune_id"]), {})
        values = {"node": f"{site['node_code']} — {site['node_name']}",
                  "commune": commune_name(commune) if commune else site["commune_name"],
                  "country": site["country"], "currency": site["currency"], "timezone": site["timezone"],
                  "user": f"{self.svc.actor.username} ({_(C.USER_ROLES.get(self.svc.actor.role, ''))})"}
        for key, (_caption, label) in self.site_labels.items():
            label.setText(values[key])

    def retranslate(self) -> None:
        captions = {"node": N_("This node"), "commune": N_("Commune"), "country": N_("Country"),
                    "currency": N_("Currency"), "timezone": N_("Time zone"), "user": N_("Signed in as")}
        for key, (caption, _label) in self.site_labels.items():
            caption.setText(_(captions[key]))
        self.tabs.setTabText(0, _("This site and its users"))
        self.tabs.setTabText(1, _("Personal data"))
        self.privacy.retranslate()
        self.box_site.setTitle(_("This site"))
        self.box_lang.setTitle(_("Language of the interface"))
        self.lang_hint.setText(_("The change applies at once, without restarting."))
        self.box_users.setTitle(_("Users and roles"))
        self.box_backup.setTitle(_("Backups"))
        self.add_user_button.setText(_("Add user"))
        self.set_role_button.setText(_("Save for the selected user"))
        self.unlock_button.setText(_("Unlock the account"))
        self.backup_button.setText(_("Back up now"))
        self.restore_button.setText(_("Restore the selected backup"))
        self.progress.retranslate()
        self.user_form.retranslate()
        self.users.retranslate()
        self.backups.retranslate()
        self.language.blockSignals(True)
        self.language.set_code(current_language())
        self.language.blockSignals(False)
        self.reload_later()

    def reload(self) -> None:
        self.refresh_site()
        self.refresh_users()
        self.refresh_backups()

    def open_record(self, entity: str, row_id: str) -> None:
        self.retranslate()
