"""What an administrator changes in Settings › Users and roles, each change one undo step.

Adding a user: undo deletes the account, redo puts the same one back (same id, same password).
Saving the selected user (role, health access, a new password) and unlocking an account: undo puts
the account back as it was, redo as it was made. The services keep the account's state as an
opaque snapshot, which holds the password's hash and never the password itself: a redo does not
need the password typed, and nothing keeps it in memory after the first save. See docs/decisions.md.
"""

from __future__ import annotations

from typing import Any

from coopdesk.errors import CoopError
from coopdesk.i18n import _
from ui.common import dialogs, execute, report_error
from ui.common.commands import execute_creation
from ui.common.repeat import execute_again


def _after(page: Any, username: str):
    """After the step, its undo or its redo: the list as it is now, the account selected if it exists,
    and no "saved" line left from before."""
    def refresh() -> None:
        page.user_status.clear()
        page.refresh_users(select=username)
    return refresh


def _typed(page: Any) -> tuple[Any, dict[str, Any], str] | None:
    """The user form, its values and the password typed (empty: unchanged); None when the two
    password fields disagree (the page has said so)."""
    form = page.user_form
    values = form.values()
    form.clear_errors()
    password = page._typed_password()
    return None if password is None else (form, values, password)


def add_user(page: Any) -> None:
    typed = _typed(page)
    if typed is None:
        return
    form, v, password = typed
    users, auth = page.svc.users, page.svc.auth
    name = (v["username"] or "").strip()
    try:
        user = execute_creation(
            page.undo_stack, _("Add user {name}").format(name=name),
            lambda: users.create_user(name, role=v["role"] or "editor", full_name=v["full_name"],
                                      can_see_health=bool(v["can_see_health"])),
            users.delete_user, users.restore_user, after=_after(page, name))
    except CoopError as exc:
        report_error(page, exc, form)
        return
    if password:
        # The account exists, selected: a refused password leaves it to be set (undo removes the
        # account, and redo brings back the password set here with it).
        try:
            auth.set_password(user["username"], password)
        except CoopError as exc:
            report_error(page, exc, form)
            return
    page.user_status.setText(_("User {name} saved.").format(name=user["username"]))


def save_user(page: Any) -> None:
    """Role, health access and (when typed) a new password for the selected user."""
    user = page._selected_user()
    if user is None:
        dialogs.warn(page, _("Choose a user in the list first."))
        return
    typed = _typed(page)
    if typed is None:
        return
    form, v, password = typed
    users, auth = page.svc.users, page.svc.auth
    uid, name = user["id"], user["username"]
    held = {"password": password}

    def save() -> Any:
        before = users.account_state(uid)
        try:
            secret = held.pop("password")  # only for this first run
            if secret:  # first: a refused password then changes nothing
                auth.set_password(name, secret)
            users.set_role(uid, v["role"], can_see_health=bool(v["can_see_health"]))
        except CoopError:
            users.restore_user(before)
            raise
        return before, users.account_state(uid)

    try:
        execute_again(page.undo_stack, _("Change the account {name}").format(name=name), save,
                      undo=lambda states: users.restore_user(states[0]),
                      again=lambda states, _token: users.restore_user(states[1]),
                      after=_after(page, name), changed=lambda states: states[0] != states[1])
    except CoopError as exc:
        report_error(page, exc, form)
        return
    page.user_status.setText(_("User {name} saved.").format(name=name))


def unlock_user(page: Any) -> None:
    user = page._selected_user()
    if user is None:
        return
    users, auth = page.svc.users, page.svc.auth
    uid, name = user["id"], user["username"]
    try:
        before = users.account_state(uid)
        execute(page.undo_stack, _("Unlock the account {name}").format(name=name), lambda: auth.unlock(name),
                undo=lambda _r: users.restore_user(before), after=_after(page, name))
    except CoopError as exc:
        report_error(page, exc)
        return
    page.user_status.setText(_("The account {name} is unlocked.").format(name=name))
