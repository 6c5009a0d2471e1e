"""Message boxes and file dialogs in one place, so tests can replace them (Picard's dialog service)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from coopdesk.i18n import _


def warn(parent: QWidget | None, text: str) -> None:
    QMessageBox.warning(parent, _("CoopDesk"), text)


def info(parent: QWidget | None, text: str) -> None:
    QMessageBox.information(parent, _("CoopDesk"), text)


def confirm(parent: QWidget | None, text: str) -> bool:
    answer = QMessageBox.question(parent, _("CoopDesk"), text)
    return answer == QMessageBox.StandardButton.Yes


def open_file(parent: QWidget | None, title: str, filters: str = "") -> str:
    path, _selected = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path


def save_file(parent: QWidget | None, title: str, name: str = "", filters: str = "") -> str:
    path, _selected = QFileDialog.getSaveFileName(parent, title, name, filters)
    return path


def open_files(parent: QWidget | None, title: str, filters: str = "") -> list[str]:
    paths, _selected = QFileDialog.getOpenFileNames(parent, title, "", filters)
    return list(paths)


def choose_folder(parent: QWidget | None, title: str, start: str = "") -> str:
    return QFileDialog.getExistingDirectory(parent, title, start)


def open_folder(path: str) -> bool:
    """Show a folder in the system's file manager."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def ask_date(parent: QWidget | None, title: str, label: str, default: object = "") -> str | None:
    """A date typed or picked from a calendar (``DateField``), as the text typed; None on Cancel.
    The service that receives it checks it and says what is wrong."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

    from ui.common.forms import DateField

    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    field = DateField()
    field.setText(default)
    caption = QLabel(label)
    caption.setBuddy(field.edit)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    lay = QVBoxLayout(dialog)
    lay.addWidget(caption)
    lay.addWidget(field)
    lay.addWidget(buttons)
    field.edit.setFocus()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return field.text()
