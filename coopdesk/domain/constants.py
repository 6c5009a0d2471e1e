"""Reference values of the convention, with names marked for translation.

Statuses, roles and kinds are stored as short codes; what a person reads is the translated label.
"""

from __future__ import annotations

from coopdesk.i18n import N_

CURRENCIES = ("EUR", "MAD")

SEXES = {"F": N_("Female"), "M": N_("Male")}

PLAN_STATUSES = {
    "draft": N_("Draft"),
    "validated": N_("Validated"),
    "in_progress": N_("In progress"),
    "evaluated": N_("Evaluated"),
}
PLAN_STATUS_ORDER = ("draft", "validated", "in_progress", "evaluated")

ACTION_STATUSES = {
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "postponed": N_("Postponed"),
    "cancelled": N_("Cancelled"),
}

AXIS_KINDS = {"strategic": N_("Strategic axis"), "transversal": N_("Transversal axis")}

ORGANISATION_KINDS = {
    "funder": N_("Funder"),
    "association": N_("Association"),
    "cooperative": N_("Cooperative"),
    "public": N_("Public body"),
    "company": N_("Company"),
    "other": N_("Other"),
}

FUNDING_STATUSES = {
    "draft": N_("Being prepared"),
    "submitted": N_("Submitted"),
    "granted": N_("Granted"),
    "refused": N_("Refused"),
    "paid": N_("Paid"),
}

INDICATOR_METHODS = {
    "enrolments": N_("Persons enrolled in the action"),
    "milestone": N_("Persons who reached a milestone"),
    "participants": N_("Participants who attended the action's events"),
    "manual": N_("Reported by hand"),
}

MILESTONE_KINDS = {
    "schooling": N_("Schooling started"),
    "training": N_("Training completed"),
    "internship": N_("Internship"),
    "job": N_("Job obtained"),
}

EVENT_TYPES = {
    "sport": N_("Sport event"),
    "olympiad": N_("Olympiad"),
    "fair": N_("Craft fair"),
    "camp": N_("Youth work camp"),
    "stay": N_("Youth stay"),
    "training": N_("Training"),
    "workshop": N_("Awareness workshop"),
    "visit": N_("Study visit"),
    "other": N_("Other"),
}

# Age bands of indicators and of anonymous head counts (completed years on the reference date).
AGE_BANDS = {
    "0-14": N_("0–14 years"),
    "15-24": N_("15–24 years"),
    "25-59": N_("25–59 years"),
    "60+": N_("60 years and over"),
}
AGE_BAND_LIMITS = (("0-14", 0, 14), ("15-24", 15, 24), ("25-59", 25, 59), ("60+", 60, None))
# Named persons without a birth date, and anonymous counts given by sex only.
AGE_UNKNOWN = "unknown"
AGE_UNKNOWN_LABEL = N_("Age not known")

PARTICIPATION_STATUSES = {
    "registered": N_("Registered"),
    "attended": N_("Attended"),
    "excused": N_("Excused"),
    "absent": N_("Absent"),
}

ATTENDEE_ROLES = {
    "elected": N_("Elected member"),
    "technician": N_("Technician"),
    "invited": N_("Invited guest"),
}

PRESENCES = {
    "present": N_("Present"),
    "represented": N_("Represented"),
    "excused": N_("Excused"),
    "absent": N_("Absent"),
}

VOTES = {"yes": N_("For"), "no": N_("Against"), "abstain": N_("Abstention")}

MINUTES_STATUSES = {
    "draft": N_("Draft"),
    "final": N_("Final, awaiting signatures"),
    "signed_one": N_("Signed by one president"),
    "enforceable": N_("Signed by both presidents: enforceable"),
}

ENROLMENT_STATUSES = {
    "active": N_("Active"),
    "completed": N_("Completed"),
    "dropped": N_("Dropped out"),
}

USER_ROLES = {"admin": N_("Administrator"), "editor": N_("Editor"), "viewer": N_("Viewer")}

DECISION_KINDS = {
    "general": N_("General"),
    "plan_validation": N_("Validation of an action plan"),
    "new_axis": N_("New axis"),
    "amendment": N_("Amendment"),
    "evaluation": N_("Evaluation"),
}

# What a person reads for a database field (conflicts, sharing policy, audit trail); a field not
# listed here is shown by its code.
FIELD_LABELS = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "first_name_ar": N_("First name (Arabic script)"),
    "last_name_ar": N_("Last name (Arabic script)"),
    "search_key": N_("Name"),
    "sex": N_("Sex"),
    "birth_date": N_("Birth date"),
    "birth_year": N_("Birth year"),
    "commune_id": N_("Commune"),
    "lead_commune_id": N_("Lead commune"),
    "host_commune_id": N_("Commune"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "address": N_("Address"),
    "disability": N_("Disability"),
    "notes": N_("Notes"),
    "title": N_("Title"),
    "name": N_("Name"),
    "short_name": N_("Short name"),
    "description": N_("Description"),
    "start": N_("Start"),
    "end": N_("End"),
    "place": N_("Place"),
    "status": N_("Status"),
    "budget": N_("Budget"),
    "budget_currency": N_("Currency"),
    "currency": N_("Currency"),
    "code": N_("Code"),
    "year": N_("Year"),
    "evaluation": N_("Evaluation"),
    "secretary": N_("Secretary"),
    "presence": N_("Presence"),
    "role": N_("Role"),
    "requested": N_("Requested"),
    "granted": N_("Granted"),
    "paid": N_("Paid"),
    "requested_on": N_("Requested on"),
    "type": N_("Type"),
    "kind": N_("Kind"),
    "country": N_("Country"),
    "contact": N_("Contact"),
    "emergency_contact": N_("Emergency contact"),
    "consent_scope": N_("Consent scope"),
    "debate": N_("Debate"),
    "target": N_("Target"),
    "target_total": N_("Target"),
    "convened_on": N_("Convened on"),
    "version": N_("Version"),
    "on": N_("Date"),
}
