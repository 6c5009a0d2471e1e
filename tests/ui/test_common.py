"""The shared helpers: errors next to their field, undo through services, work off the UI thread."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLineEdit

from coopdesk.errors import CoopError, ValidationError
from coopdesk.i18n import N_
from ui.common import DateField, Form, Task, dialogs, execute, report_error
from ui.common.worker import Cancelled


def test_error_shown_next_to_its_field_else_in_a_box(qtbot, monkeypatch):
    form = Form()
    qtbot.addWidget(form)
    form.add("title", N_("Title"), QLineEdit())
    form.add("end", N_("End"), DateField())
    form.show()
    seen = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: seen.append(text))
    report_error(form, ValidationError("end_before_start", field="end", start="2026-05-01", end="2026-04-01"), form)
    assert form.error_label("end").isVisible()
    assert "2026-04-01" in form.error_label("end").text()
    assert not seen
    report_error(form, CoopError("plan_exists", year=2026), form)
    assert not form.error_label("end").isVisible()
    assert seen and "2026" in seen[0]


def test_execute_pushes_only_what_succeeded_and_undo_calls_the_inverse(qtbot):
    stack = QUndoStack()
    log = []
    execute(stack, "add", do=lambda: log.append("do") or {"id": 1}, undo=lambda r: log.append(("undo", r["id"])))
    assert log == ["do"] and stack.count() == 1

    def refused():
        raise ValidationError("required", field="title")

    with pytest.raises(ValidationError):
        execute(stack, "bad", do=refused, undo=lambda r: None)
    assert stack.count() == 1
    stack.undo()
    assert log[-1] == ("undo", 1)
    stack.redo()
    assert log[-1] == "do"


def test_task_reports_progress_and_result_off_the_ui_thread(qtbot):
    def work(progress, cancelled):
        for i in range(3):
            progress(i * 50, "step")
        return 42

    task = Task(work)
    with qtbot.waitSignal(task.signals.finished, timeout=5000) as blocker:
        task.start()
    assert blocker.args == [42]

    def stoppable(progress, cancelled):
        while not cancelled():
            pass
        raise Cancelled

    task = Task(stoppable)
    with qtbot.waitSignal(task.signals.cancelled, timeout=5000):
        task.start()
        task.cancel()
