"""Shared widgets and helpers of every page (forms, undo commands, background work, labels).

Use them so every screen behaves the same way:

``Form`` (ui.common.forms) — a QFormLayout that knows its fields by the *service's field names*::

    form = Form()                                  # a QWidget with a QFormLayout
    form.add("place", N_("Place"), QLineEdit())    # label msgid, translated in retranslate()
    form.add("title", lambda: pgettext("record", "Title"), QLineEdit())  # a word with two meanings
    form.add("start", N_("Start"), DateField())    # DateField: ISO text + calendar button
    form.add("status", N_("Status"), ChoiceCombo(C.ACTION_STATUSES))
    form.values() -> {"title": "...", "start": "2026-03-01", "status": "planned"}
    form.set_values(record)                        # fills what it knows, ignores the rest
    form.show_error(exc) -> bool                   # ValidationError with .field -> red text under it
    form.clear_errors(); form.retranslate()
    form.error_label("end")                        # the QLabel (objectName "error_end") for tests

``scrolling(form)`` — a long form in a vertical scroll area (``FormScroll``): add it to the layout
instead of the form, so the window fits 1366×768 in every language (nothing sideways, nothing cut).
``ChoiceCombo`` asks for 14 characters whatever its entries (``min_chars=``); its list opens wide; in a
``Form`` it is as wide as the line edits, and a longer choice is cut with "…" and whole on hover.
``CheckList`` items go onto several lines rather than sideways. ``CodeEdit``: a code field (1.1.1).

``report_error(widget, exc, form=None)`` — the one way to show a refused service call: next to the
field when ``exc.field`` is one of the form's fields, else ``dialogs.warn``; never a traceback.

``dialogs`` (ui.common.dialogs) — message boxes and file dialogs behind a module, so tests replace
them: ``monkeypatch.setattr(dialogs, "warn", lambda parent, text: seen.append(text))``.
Functions: ``warn(parent, text)``, ``confirm(parent, text) -> bool``, ``open_file(parent, title,
filter) -> str``, ``save_file(parent, title, name, filter) -> str``. Always call them as
``dialogs.warn(...)`` (never ``from ... import warn``) so the replacement is seen.

``ServiceCommand`` / ``execute`` (ui.common.commands) — undo through services::

    result = execute(undo_stack, _("Create action {code}").format(code=c),
                     do=lambda: svc.plans.create_action(**values),
                     undo=lambda created: svc.plans.delete_action(created["id"]),
                     after=self.refresh)
    # do() runs once now; a CoopError propagates and nothing is pushed. redo() calls do() again,
    # undo() calls undo(<result of the last do()>); after() refreshes views. A CoopError during a
    # later undo/redo is shown with dialogs.warn and the command is made obsolete.
    # For a creation use execute_creation(stack, text, create=…, delete=svc.x.delete_x,
    # restore=svc.x.restore_x, after=…): undo deletes it, redo puts the same record back (same id).
Pages also refresh on ``undo_stack.indexChanged`` when what they show may have changed elsewhere.

``deleting`` (ui.common.deleting) — ``delete_button(services, name)`` (hidden from a viewer),
``delete_key(services, view, handler)`` (the Delete key while a table has the focus) and
``delete_with_undo(parent, stack, question, text, do=…, undo=…, after=…)``: confirmed, then one undo
step; the service's ``delete_x`` returns a snapshot and ``restore_x(snapshot)`` puts it back.
``AppliedCommand`` (ui.common.commands) — a change made in a worker (an import) pushed afterwards:
undo calls ``revert()``, redo ``reapply(token)``.

``Task`` / ``ProgressPanel`` (ui.common.worker) — long work off the UI thread::

    task = Task(lambda progress, cancelled: svc2.do_long_thing(progress=progress))
    panel.watch(task)            # ProgressPanel: QProgressBar + Cancel, hidden when idle
    task.signals.finished.connect(on_result)      # (object) result
    task.signals.failed.connect(on_error)         # (object) exception (CoopError or other)
    task.signals.cancelled.connect(...)
    task.start()                 # QThreadPool.globalInstance()
    # fn(progress, cancelled): progress(pct:int, msg:str); cancelled() -> bool; return a result.
    # The worker never touches widgets: it only emits signals. Use a unit of work per service
    # call (each service call already is one) so a cancel leaves no half change.
``TaskDialog`` (ui.common.worker) — the same progress in a dialog modal to the whole app, for work
during which nothing else may write (restoring a backup): ``dialog.watch(task)``, ``show()``;
``set_cancellable(False)`` greys Cancel once the work can no longer stop. ``run_modal(fn, title,
step)`` runs ``fn`` in a worker behind one and returns its result (or raises) when done, the window
painting meanwhile: for an undo or redo, which must have finished when it returns. A command given a
``size`` (``AppliedCommand(size=n)``, ``execute(..., size=lambda result: n)``) runs its undo and redo
that way from ``commands.LARGE`` rows on.

``ChoiceCombo(choices: dict[code, msgid], empty=None)`` — a combo of codes shown translated;
``.code()``, ``.set_code(code)``, ``.retranslate()``. ``DateField`` — ``.text()``/``.setText()`` ISO.
``CheckList`` — checkable short list: ``set_items([(key, label)])``, ``checked()``, ``set_checked(keys)``.

``labels`` (ui.common.labels) — ``axis_name(axis)``, ``commune_name(commune)`` in the UI language
(falls back to French); ``money(minor, currency)`` via Babel; ``code_text(text)``: a code isolated
left to right in Arabic (``RecordsModel`` does it for every cell).

``tables`` (ui.common.tables) — ``records_view(model, name, stretch, elastic=…, wrap_titles=…)`` and
``FitHeader``: columns fit the table's width; narrow, titles wrap and elastic columns are cut ("…").

``export`` (ui.common.export) — ``export_button(name)`` and ``export_table(parent, view, N_("events"))``:
the rows and visible columns of a table as shown, to XLSX or CSV through ``dialogs.save_file``.

``can_edit(services)`` and ``hide_for_viewer(services, *widgets)`` — a viewer sees no edit buttons.
"""

from __future__ import annotations

from ui.common import dialogs
from ui.common.commands import ServiceCommand, execute
from ui.common.forms import CheckList, ChoiceCombo, DateField, Form, FormScroll, report_error, scrolling
from ui.common.labels import axis_name, can_edit, commune_name, hide_for_viewer, money
from ui.common.worker import ProgressPanel, Task

__all__ = ["CheckList", "ChoiceCombo", "DateField", "Form", "FormScroll", "ProgressPanel", "ServiceCommand", "Task",
           "axis_name", "can_edit", "commune_name", "dialogs", "execute", "hide_for_viewer", "money", "report_error",
           "scrolling"]
