"""Fixed texts of the printed documents, and the translator a document uses.

Every fixed text is an English msgid marked with ``N_`` (extracted into the catalogs). A document
translates through :func:`doc_gettext`: the language's catalog first; when the catalog does not have
the message yet, the translation below (so a PV printed before the catalogs are complete is still in
the language asked for, never in English). The catalogs always win: the i18n team may take these
texts into ``translations/`` and correct them there. The Amazigh (Tifinagh) texts are the headings and
key fixed texts only, and should be reviewed by a Tamazight speaker; what has no Tifinagh text falls
back to French, the convention's official language (article 8).
"""

from __future__ import annotations

from collections.abc import Callable

from coopdesk.i18n import N_, gettext_for, normalise_language

# msgid: (French, Arabic, Tifinagh or "")
TEXTS: dict[str, tuple[str, str, str]] = {
    # header and common
    N_("Kingdom of Morocco"): ("Royaume du Maroc", "المملكة المغربية", "ⵜⴰⴳⵍⴷⵉⵜ ⵏ ⵍⵎⵖⵔⵉⴱ"),
    N_("French Republic"): ("République française", "الجمهورية الفرنسية", "ⵜⴰⴳⴷⵓⴷⴰ ⵜⴰⴼⵔⴰⵏⵙⵉⵙⵜ"),
    N_("Commune of {name}"): ("Commune de {name}", "جماعة {name}", "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ ⵏ {name}"),
    N_("Emblem"): ("Emblème", "الشعار", "ⴰⵣⵓⵎⵎⴻⵍ"),
    N_("Decentralised cooperation Tiznit — Villeneuve-la-Garenne"): (
        "Coopération décentralisée Tiznit — Villeneuve-la-Garenne",
        "التعاون اللامركزي تيزنيت — فيلنوف لاغارين", ""),
    N_("{date} at {time}"): ("{date} à {time}", "{date} على الساعة {time}", "{date}, {time}"),
    N_("Name"): ("Nom", "الاسم", "ⵉⵙⵎ"),
    N_("Title"): ("Fonction", "الصفة", ""),
    N_("Commune"): ("Commune", "الجماعة", "ⵜⴰⵎⵙⵙⵓⴷⵙⵜ"),
    N_("Role"): ("Qualité", "الدور", ""),
    N_("Place"): ("Lieu", "المكان", "ⴰⴷⵖⴰⵔ"),
    N_("Date"): ("Date", "التاريخ", "ⴰⵙⴰⴽⵓⴷ"),
    N_("Signature"): ("Signature", "التوقيع", "ⴰⵙⵙⵏⵜⵍ"),
    N_("No."): ("N°", "رقم", "ⵓⵟⵟ."),
    N_("Done at {place} on {date}"): ("Fait à {place}, le {date}", "حرر في {place} بتاريخ {date}", ""),
    N_("Done at ____________ on ____________"): ("Fait à ____________, le ____________",
                                                 "حرر في ____________ بتاريخ ____________", ""),
    # minutes
    N_("Minutes of the steering committee no. {number}"): (
        "Procès-verbal du comité de pilotage n° {number}", "محضر اجتماع لجنة القيادة رقم {number}",
        "ⴰⴷⵍⵉⵙ ⵏ ⵓⵙⵇⵇⵉⵎ ⵏ ⵓⵙⵏⵎⵍ, ⵓⵟⵟⵓⵏ {number}"),
    N_("Held on {date} in {place} ({host})"): ("Tenu le {date} à {place} ({host})",
                                               "انعقد بتاريخ {date} في {place} ({host})", ""),
    N_("Secretary: {name}"): ("Secrétaire de séance : {name}", "كاتب الجلسة: {name}", ""),
    N_("Meeting"): ("Séance", "الجلسة", "ⴰⴳⵔⴰⵡ"),
    N_("Date and time"): ("Date et heure", "التاريخ والساعة", "ⴰⵙⴰⴽⵓⴷ"),
    N_("Host commune"): ("Commune d'accueil", "الجماعة المضيفة", ""),
    N_("Convened on"): ("Convoqué le", "تاريخ الاستدعاء", ""),
    N_("Co-chairs"): ("Coprésidence", "الرئاسة المشتركة", ""),
    N_("Secretary of the session"): ("Secrétaire de séance", "كاتب الجلسة", ""),
    N_("Version"): ("Version", "النسخة", ""),
    N_("Status"): ("Statut", "الحالة", ""),
    N_("Attendance"): ("Présences", "الحضور", "ⵉⵏⴰⵎⴰⵔⵏ"),
    N_("Presence"): ("Présence", "حالة الحضور", ""),
    N_("Invited guests attend without a vote."): ("Les invités assistent sans voix délibérative.",
                                                  "يحضر الضيوف المدعوون دون حق التصويت.", ""),
    N_("Agenda"): ("Ordre du jour", "جدول الأعمال", "ⴰⵙⵖⵉⵡⵙ"),
    N_("Summary of the debate"): ("Résumé des débats", "ملخص المناقشة", ""),
    N_("Decisions"): ("Décisions", "المقررات", "ⵜⵉⵖⵜⴰⵙⵉⵏ"),
    N_("Decision {number}: {title}"): ("Décision {number} : {title}", "المقرر {number}: {title}",
                                       "ⵜⴰⵖⵜⴰⵙⵜ {number}: {title}"),
    N_("Member"): ("Membre", "العضو", ""),
    N_("Vote"): ("Vote", "التصويت", ""),
    N_("No vote recorded"): ("Aucun vote enregistré", "لم يسجل أي تصويت", ""),
    N_("Adopted unanimously."): ("Adoptée à l'unanimité.", "صودق عليه بالإجماع.", ""),
    N_("Not adopted (no unanimity)."): ("Non adoptée (pas d'unanimité).", "لم تتم المصادقة عليه (لا إجماع).", ""),
    N_("Signatures"): ("Signatures", "التوقيعات", "ⵉⵙⵙⵏⵜⵍ"),
    N_("Signed on {date} in {place}"): ("Signé le {date} à {place}", "وقع بتاريخ {date} في {place}", ""),
    N_("The secretary of the session"): ("Le secrétaire de séance", "كاتب الجلسة", ""),
    N_("These minutes are enforceable only once signed by the President of the commune of Tiznit and the "
       "Mayor of Villeneuve-la-Garenne (article 5 of the convention)."): (
        "Le présent procès-verbal n'est exécutoire qu'après signature du Président de la commune de Tiznit et "
        "du Maire de Villeneuve-la-Garenne (article 5 de la convention).",
        "لا يصبح هذا المحضر نافذا إلا بعد توقيعه من طرف رئيس جماعة تيزنيت وعمدة فيلنوف لاغارين "
        "(المادة 5 من الاتفاقية).", ""),
    N_("Version {version} · fingerprint {fingerprint}"): (
        "Version {version} · empreinte {fingerprint}", "النسخة {version} · البصمة {fingerprint}",
        "{version} · {fingerprint}"),
    N_("DRAFT, not for signature"): ("PROJET, à ne pas signer", "مسودة، غير معدة للتوقيع", ""),
    N_("Text of the frozen minutes, version {version}"): (
        "Texte du procès-verbal figé, version {version}", "نص المحضر المجمد، النسخة {version}", ""),
    N_("Elected member"): ("Élu", "عضو منتخب", ""),
    N_("Technician"): ("Technicien", "تقني", ""),
    N_("Invited guest"): ("Invité", "ضيف مدعو", ""),
    N_("Present"): ("Présent", "حاضر", ""),
    N_("Represented"): ("Représenté", "ممثل", ""),
    N_("Excused"): ("Excusé", "معتذر", ""),
    N_("Absent"): ("Absent", "غائب", ""),
    N_("For"): ("Pour", "موافق", ""),
    N_("Against"): ("Contre", "معارض", ""),
    N_("Abstention"): ("Abstention", "امتناع", ""),
    N_("Draft"): ("Projet", "مسودة", ""),
    N_("Final, awaiting signatures"): ("Définitif, en attente de signatures", "نهائي، في انتظار التوقيعات", ""),
    N_("Signed by one president"): ("Signé par un président", "موقع من طرف رئيس واحد", ""),
    N_("Signed by both presidents: enforceable"): ("Signé par les deux présidents : exécutoire",
                                                   "موقع من طرف الرئيسين: نافذ", ""),
    # attendance sheet and convocation
    N_("Attendance sheet"): ("Feuille d'émargement", "ورقة الحضور", "ⵜⴰⵙⵏⴰ ⵏ ⵉⵏⴰⵎⴰⵔⵏ"),
    N_("Meeting of the steering committee no. {number}"): (
        "Réunion du comité de pilotage n° {number}", "اجتماع لجنة القيادة رقم {number}",
        "ⴰⴳⵔⴰⵡ ⵏ ⵓⵙⵇⵇⵉⵎ ⵏ ⵓⵙⵏⵎⵍ, ⵓⵟⵟⵓⵏ {number}"),
    N_("Participants not registered in advance"): ("Participants non inscrits à l'avance",
                                                   "مشاركون غير مسجلين مسبقا", ""),
    N_("Convocation"): ("Convocation", "استدعاء", "ⴰⵙⵖⵓⵍ"),
    N_("To the members of the steering committee"): ("Aux membres du comité de pilotage",
                                                      "إلى السيدات والسادة أعضاء لجنة القيادة", ""),
    N_("You are invited to the meeting of the steering committee of the decentralised cooperation between the "
       "communes of Tiznit and Villeneuve-la-Garenne, to be held on {date} at {place}."): (
        "Vous êtes invité(e) à la réunion du comité de pilotage de la coopération décentralisée entre les "
        "communes de Tiznit et de Villeneuve-la-Garenne, qui se tiendra le {date} à l'adresse suivante : {place}.",
        "يشرفنا دعوتكم لحضور اجتماع لجنة القيادة للتعاون اللامركزي بين جماعتي تيزنيت وفيلنوف لاغارين، "
        "الذي سينعقد بتاريخ {date} في {place}.", ""),
    N_("Invited members"): ("Membres convoqués", "الأعضاء المدعوون", ""),
    N_("For the host commune"): ("Pour la commune d'accueil", "عن الجماعة المضيفة", ""),
    # report
    N_("Annual activity report {year}"): ("Rapport annuel d'activité {year}", "التقرير السنوي للأنشطة {year}",
                                          "ⴰⵏⵇⵇⵉⵙ ⵏ ⵓⵙⴳⴳⵯⴰⵙ {year}"),
    N_("Action plan {year}"): ("Plan d'action {year}", "برنامج العمل {year}", "ⴰⵙⵖⵉⵡⵙ {year}"),
    N_("Validated on {date}"): ("Validé le {date}", "صودق عليه بتاريخ {date}", ""),
    N_("Evaluation"): ("Évaluation", "التقييم", ""),
    N_("Summary"): ("Synthèse", "ملخص", ""),
    N_("Axis {code}: {name}"): ("Axe {code} : {name}", "المحور {code}: {name}", "{code}: {name}"),
    N_("Actions"): ("Actions", "الأنشطة", "ⵜⵉⴳⴰⵡⵉⵏ"),
    N_("Code"): ("Code", "الرمز", ""),
    N_("Action"): ("Action", "النشاط", "ⵜⴰⴳⴰⵡⵜ"),
    N_("Lead commune"): ("Commune pilote", "الجماعة الرائدة", ""),
    N_("Calendar"): ("Calendrier", "الجدولة الزمنية", ""),
    N_("Budget"): ("Budget", "الميزانية", ""),
    N_("Partners"): ("Partenaires", "الشركاء", ""),
    N_("Transversal themes"): ("Thèmes transversaux", "المحاور الأفقية", ""),
    N_("Indicators: target against achieved"): ("Indicateurs : cible et réalisé", "المؤشرات: الهدف مقابل المنجز", ""),
    N_("Indicator"): ("Indicateur", "المؤشر", ""),
    N_("Target"): ("Cible", "الهدف", ""),
    N_("Achieved"): ("Réalisé", "المنجز", ""),
    N_("Women"): ("Femmes", "نساء", ""),
    N_("Men"): ("Hommes", "رجال", ""),
    N_("Total"): ("Total", "المجموع", ""),
    N_("Funding"): ("Financements", "التمويل", ""),
    N_("Funder"): ("Financeur", "الممول", ""),
    N_("Requested"): ("Demandé", "المطلوب", ""),
    N_("Granted"): ("Accordé", "الممنوح", ""),
    N_("Paid"): ("Versé", "المدفوع", ""),
    N_("Total in EUR (at the rate recorded with each request)"): (
        "Total en EUR (au taux enregistré avec chaque demande)", "المجموع باليورو (بسعر الصرف المسجل مع كل طلب)", ""),
    N_("Events held"): ("Événements réalisés", "الأنشطة المنظمة", ""),
    N_("Event"): ("Événement", "الحدث", ""),
    N_("Participants"): ("Participants", "المشاركون", ""),
    N_("No action under this axis."): ("Aucune action sous cet axe.", "لا يوجد أي نشاط في هذا المحور.", ""),
    N_("No event."): ("Aucun événement.", "لا يوجد أي حدث.", ""),
    N_("No funding request."): ("Aucune demande de financement.", "لا يوجد أي طلب تمويل.", ""),
    N_("No indicator."): ("Aucun indicateur.", "لا يوجد أي مؤشر.", ""),
    N_("{n} actions, {done} done"): ("{n} actions, dont {done} réalisées", "{n} أنشطة، منها {done} منجزة", ""),
    N_("Planned"): ("Prévue", "مبرمج", ""),
    N_("In progress"): ("En cours", "في طور الإنجاز", ""),
    N_("Done"): ("Réalisée", "منجز", ""),
    N_("Postponed"): ("Reportée", "مؤجل", ""),
    N_("Cancelled"): ("Annulée", "ملغى", ""),
    N_("Validated"): ("Validé", "مصادق عليه", ""),
    N_("Evaluated"): ("Évalué", "مقيم", ""),
    # certificate
    N_("Certificate of attendance"): ("Attestation de participation", "شهادة حضور", "ⵜⴰⴳⵉⵔⴰ ⵏ ⵓⵏⴰⵎⴰⵔ"),
    N_("We certify that {name}, of the commune of {commune}, took part in “{event}”, held on {date} at "
       "{place}."): (
        "Nous certifions que {name}, de la commune de {commune}, a participé à « {event} », qui s'est tenu "
        "le {date} à {place}.",
        "نشهد بأن {name}، من جماعة {commune}، قد شارك(ت) في «{event}» المنظم بتاريخ {date} في {place}.", ""),
    N_("This certificate is issued for whatever purpose it may serve."): (
        "La présente attestation est délivrée pour servir et valoir ce que de droit.",
        "سلمت هذه الشهادة للإدلاء بها عند الحاجة.", ""),
    N_("The person in charge of the event"): ("Le responsable de l'événement", "المسؤول عن النشاط", ""),
}

_COLUMN = {"fr": 0, "ar": 1, "zgh": 2}


def doc_gettext(lang: str) -> Callable[[str], str]:
    """The ``_`` of a printed document in ``lang`` (catalog first, then the texts above)."""
    lang = normalise_language(lang)
    catalog = gettext_for(lang)
    french = gettext_for("fr")
    column = _COLUMN.get(lang)

    def translate(message: str) -> str:
        text = catalog(message)
        if text != message or lang == "en":
            return text
        row = TEXTS.get(message)
        if row is not None and column is not None and row[column]:
            return row[column]
        # No Tifinagh text yet: French, the official language, rather than English.
        text = french(message)
        if text != message:
            return text
        return row[0] if row is not None else message

    return translate
