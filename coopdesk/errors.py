"""Typed errors with a code and parameters; the sentence a person reads is made at display time.

Every refusal of a service is a :class:`CoopError`. Its ``code`` is stable (tests, ``--json``
output and the UI rely on it); ``message(lang)`` gives the translated sentence with the parameters
filled in. New codes go in ``MESSAGES`` so the catalogs pick them up.
"""

from __future__ import annotations

from typing import Any

from coopdesk.i18n import N_, gettext_for

MESSAGES: dict[str, str] = {
    # generic input
    "required": N_("The field “{field}” is required."),
    "invalid_date": N_("“{value}” is not a valid date (expected YYYY-MM-DD)."),
    "invalid_number": N_("“{value}” is not a valid number."),
    "invalid_choice": N_("“{value}” is not an allowed value for “{field}”."),
    "end_before_start": N_("The end date ({end}) is before the start date ({start})."),
    "negative_amount": N_("The amount “{field}” cannot be negative."),
    "unknown_currency": N_("Unknown currency “{currency}”: use EUR or MAD."),
    "not_found": N_("No {entity} with the identifier {id}."),
    "duplicate": N_("A {entity} with {field} “{value}” already exists."),
    "unknown_site": N_("Unknown site code “{code}”. Known codes: {known}; a new partner also needs --name."),
    "invalid_site_code": N_("A site code is 2 to 8 capital letters or digits, not “{code}”."),
    "already_initialised": N_("This database is already initialised for site {code}."),
    "not_initialised": N_("This database is not initialised yet: run “coopdesk init --site CODE” first."),
    # database files
    "db_not_sqlite": N_("The file {path} is not a CoopDesk database (not SQLite)."),
    "db_not_coopdesk": N_("The file {path} is an SQLite database of another program, not of CoopDesk."),
    "db_newer": N_("This database was written by a newer CoopDesk (schema {found}); update CoopDesk to open it."),
    "db_unwritable": N_("Cannot write to {path}: check the folder exists and is writable."),
    "db_locked": N_("The database is busy (another CoopDesk is writing); try again."),
    # permissions
    "forbidden": N_("Your role ({role}) does not allow this action."),
    # convention rules
    "decision_not_adopted": N_("Decision {number} was not adopted unanimously."),
    "vote_not_voting_member": N_("{name} has no vote: only present elected members and technicians vote."),
    "new_axis_needs_decision": N_("A new axis needs an adopted decision of the steering committee."),
    "minutes_frozen": N_("These minutes are final and cannot be changed; start a new version."),
    "minutes_not_final": N_("The minutes must be finalised before they are signed."),
    "minutes_already_signed": N_("{commune} has already signed these minutes."),
    "minutes_signer_unknown": N_("Only the presidents of the partner communes sign the minutes."),
    "team_not_mixed": N_("Team “{team}” must have residents of both towns (now only {communes})."),
    "plan_exists": N_("There is already an action plan for {year}."),
    "plan_status_order": N_("An action plan cannot go from “{current}” to “{target}”."),
    "amendment_decision_required": N_("An amendment must be linked to an adopted committee decision."),
    # sync: site identities and bundle files
    "identity_invalid": N_("This is not a valid CoopDesk site identity file (or it was altered)."),
    "bundle_not_a_bundle": N_("This file is not a CoopDesk sync bundle."),
    "bundle_truncated": N_("The sync bundle is incomplete ({size} of {expected} bytes): ask for it to be sent again."),
    "bundle_corrupt": N_("The sync bundle is damaged or was altered: ask for it to be sent again."),
    "bundle_bad_signature": N_("The signature of part {part} does not match site {sender}: the file was altered or not made by that site."),
    "bundle_untrusted_sender": N_("The sync bundle comes from site {sender}, which is not paired with this site: exchange keys and check the fingerprints first."),
    "bundle_wrong_recipient": N_("This sync bundle is addressed to another site ({recipients}), not to {me}."),
    "bundle_missing_parts": N_("Part(s) {missing} of {count} of this sync bundle are missing: import all the parts together."),
    "bundle_mixed_parts": N_("These files belong to different sync bundles: import the parts of one bundle together."),
    "bundle_newer_schema": N_("This sync bundle comes from a newer CoopDesk (schema {found}): update CoopDesk to version {app_version}."),
    "bundle_format_newer": N_("This sync bundle uses a newer file format ({found}): update CoopDesk to version {app_version}."),
}


def register_messages(messages: dict[str, str]) -> None:
    """Areas (sync, printing, people) add their codes here from their own module."""
    for code, template in messages.items():
        MESSAGES.setdefault(code, template)


class CoopError(Exception):
    """A refusal a person can understand: a stable code and its parameters."""

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        template = MESSAGES.get(self.code, self.code)
        from coopdesk.i18n import current_language

        text = gettext_for(lang or current_language())(template)
        try:
            return text.format(**{k: _display(v) for k, v in self.params.items()})
        except (KeyError, IndexError, ValueError):
            return text

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _display(v) for k, v in self.params.items()},
                "message": self.message()}


class ValidationError(CoopError):
    """Bad input in one field; ``field`` lets a form show the message next to it."""

    def __init__(self, code: str, /, field: str | None = None, **params: Any) -> None:
        self.field = field
        if field is not None:
            params.setdefault("field", field)
        super().__init__(code, **params)


class PermissionDenied(CoopError):
    def __init__(self, role: str) -> None:
        super().__init__("forbidden", role=role)


def _display(value: Any) -> str:
    return value if isinstance(value, str) else str(value)
