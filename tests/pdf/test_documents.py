"""The printed documents, checked on the PDF bytes (pypdf): fonts embedded, pages numbered, the
fingerprint and QR on every page of the minutes, signatures kept with the last decision."""

import io
import re

import pytest
from pypdf import PdfReader

from coopdesk.errors import CoopError
from coopdesk.pdf import render
from coopdesk.pdf.common import Doc
from coopdesk.pdf.data import communes
from coopdesk.pdf.minutes import story_for
from coopdesk.pdf.preflight import flowable_problems

LANGS = ("fr", "ar", "fr+ar", "zgh")


@pytest.fixture(scope="module")
def demo_ro(demo_template):
    from coopdesk.services import open_services

    path, ids = demo_template
    svc = open_services(path)
    svc.demo_ids = ids
    yield svc
    svc.close()


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def texts(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in reader(pdf).pages]


def all_docs(svc):
    ids = svc.demo_ids
    olympiad = svc.events.event(ids["olympiad"])
    person = next(p["person_id"] for p in olympiad["participants"] if p["status"] == "attended")
    meeting = ids["meetings"][1]
    return {
        "minutes": dict(meeting_id=meeting),
        "attendance": dict(meeting_id=meeting),
        "attendance-event": dict(event_id=ids["olympiad"]),
        "convocation": dict(meeting_id=meeting),
        "report": dict(year=2026),
        "certificate": dict(event_id=ids["olympiad"], person_id=person),
    }


@pytest.fixture(scope="module")
def rendered(demo_ro):
    out = {}
    for name, kw in all_docs(demo_ro).items():
        for lang in LANGS:
            out[name, lang] = render(demo_ro, name.split("-")[0], lang=lang, **kw)
    return out


def test_every_document_embeds_all_its_fonts_and_numbers_every_page(rendered):
    for (name, lang), pdf in rendered.items():
        r = reader(pdf)
        for page in r.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                desc = descendant["/FontDescriptor"].get_object()
                assert "/FontFile2" in desc, (name, lang, font["/BaseFont"])
        n = len(r.pages)
        for i, text in enumerate(texts(pdf), start=1):
            assert f"{i} / {n}" in text, (name, lang, i)


def test_french_documents_contain_names_and_decisions(rendered, demo_ro):
    meeting = demo_ro.committee.meeting(demo_ro.demo_ids["meetings"][1])
    pv = "\n".join(texts(rendered["minutes", "fr"]))
    for a in meeting["attendees"]:
        assert a["name"] in pv
    for d in meeting["decisions"]:
        assert d["title"] in pv
    assert "Adoptée à l'unanimité." in pv and "Non adoptée (pas d'unanimité)." in pv  # 2025-03 had an abstention
    assert "Claire Moreau" in pv and "Abstention" in pv
    convocation = "\n".join(texts(rendered["convocation", "fr"]))
    assert all(item["title"] in convocation for item in meeting["agenda"])
    report = "\n".join(texts(rendered["report", "fr"]))
    assert "Rapport annuel d'activité 2026" in report and "Personnes accompagnées" in report
    assert "Olympiades intergénérationnelles 2026" in report
    sheet = "\n".join(texts(rendered["attendance-event", "fr"]))
    assert "Feuille d'émargement" in sheet and "Participants non inscrits à l'avance" in sheet


def test_minutes_print_fingerprint_and_qr_payload_on_every_page(rendered, demo_ro):
    mn = demo_ro.committee.minutes(demo_ro.demo_ids["minutes"][1])
    for lang in LANGS:
        pdf = rendered["minutes", lang]
        for text in texts(pdf):
            assert mn["fingerprint"] in re.sub(r"\s", "", text), lang
        r = reader(pdf)
        assert f"fp={mn['fingerprint']}" in r.metadata["/Subject"]
        # one QR code on every page: the same form XObject (drawn once, many small filled squares)
        for page in r.pages:
            forms = page["/Resources"]["/XObject"]
            qr = next(v.get_object() for k, v in forms.items() if "CoopDeskQR" in k)
            assert qr.get_data().count(b" re") > 200
            assert b"CoopDeskQR" in page.get_contents().get_data()


def _long_meeting(svc, decisions=14):
    from coopdesk.domain.reference import commune_id

    m = svc.committee.create_meeting(host_commune_id=commune_id("VLG"), place="Hôtel de ville",
                                     held_at="2026-11-20T14:00", secretary="Claire Moreau", convened_on="2026-10-30")
    voters = []
    for name, site, president in (("Abdellah GHAZI", "TIZ", True), ("Pascal PELAIN", "VLG", True),
                                  ("Fatima Bakkali", "TIZ", False), ("Marc Dupont", "VLG", False)):
        a = svc.committee.add_attendee(meeting_id=m["id"], name=name, role="elected", commune_id=commune_id(site),
                                       presence="present", is_president=president)
        voters.append(a["id"])
    svc.committee.add_attendee(meeting_id=m["id"], name="Invité Sans Vote", role="invited", presence="present")
    svc.committee.add_attendee(meeting_id=m["id"], name="Représentée Par Procuration", role="elected",
                               commune_id=commune_id("TIZ"), presence="represented")
    for k in range(1, decisions + 1):
        item = svc.committee.add_agenda_item(meeting_id=m["id"], position=k, title=f"Point {k}",
                                             debate="Débat nourri sur le calendrier. " * 12)
        dec = svc.committee.add_decision(meeting_id=m["id"], agenda_item_id=item["id"], number=f"2026-{k:02d}",
                                         title=f"Décision numéro {k}", text="Le comité approuve. " * 10)
        svc.committee.vote_all(dec["id"], "yes")
    return m


def test_long_minutes_keep_both_signatures_with_the_last_decision(svc):
    m = _long_meeting(svc)
    mn = svc.committee.finalise_minutes(svc.committee.draft_minutes(m["id"])["id"])
    pdf = render(svc, "minutes", lang="fr", meeting_id=m["id"])
    pages = texts(pdf)
    assert len(pages) >= 4
    last = pages[-1]
    assert "Décision numéro 14" in last and "Adoptée à l'unanimité." in last
    assert "Président de la commune de Tiznit" in last and "Maire de Villeneuve-la-Garenne" in last
    assert "Abdellah GHAZI" in last and "Pascal PELAIN" in last and "Le secrétaire de séance" in last
    assert not any("Maire de Villeneuve-la-Garenne\nPascal PELAIN" in p for p in pages[:-1])
    assert all(mn["fingerprint"] in re.sub(r"\s", "", p) for p in pages)
    first = pages[0]
    assert "Représenté" in first and "Invité" in first


def test_draft_minutes_say_so_and_edited_text_is_printed_as_frozen(svc):
    m = _long_meeting(svc, decisions=2)
    draft = render(svc, "minutes", lang="fr", meeting_id=m["id"])
    assert "PROJET, à ne pas signer" in texts(draft)[0]
    mn = svc.committee.draft_minutes(m["id"])
    svc.committee.edit_minutes(mn["id"], mn["content"] + "\n\nMention ajoutée à la main par la secrétaire.")
    mn = svc.committee.finalise_minutes(mn["id"])
    pdf = "\n".join(texts(render(svc, "minutes", lang="fr", meeting_id=m["id"])))
    assert "Mention ajoutée à la main par la secrétaire." in pdf
    assert "Texte du procès-verbal figé, version 1" in pdf


def test_glyph_preflight_covers_every_text_of_the_minutes(demo_ro):
    meeting = demo_ro.committee.meeting(demo_ro.demo_ids["meetings"][1])
    for lang in LANGS:
        story = story_for(Doc(lang), meeting, meeting["minutes"][-1], communes(demo_ro))
        assert flowable_problems(story) == []


def test_a_name_no_font_can_draw_is_refused_with_a_reason(svc):
    m = _long_meeting(svc, decisions=1)
    svc.committee.add_attendee(meeting_id=m["id"], name="王小明", role="invited", presence="present")
    with pytest.raises(CoopError) as e:
        render(svc, "attendance", lang="fr", meeting_id=m["id"])
    assert e.value.code == "print_missing_glyph"


def test_bad_requests_are_refused_with_codes(demo_ro):
    with pytest.raises(CoopError) as e:
        render(demo_ro, "report", lang="fr", year=1999)
    assert e.value.code == "print_no_plan"
    with pytest.raises(CoopError) as e:
        render(demo_ro, "minutes", lang="de", meeting_id=demo_ro.demo_ids["meetings"][0])
    assert e.value.code == "print_bad_language"
    with pytest.raises(CoopError) as e:
        render(demo_ro, "certificate", lang="fr", event_id=demo_ro.demo_ids["sport"],
               person_id=demo_ro.demo_ids["people_tiz"][0])
    assert e.value.code == "print_not_participant"


def test_convocation_to_tiznit_is_bilingual_by_default(demo_ro):
    tiznit_meeting = demo_ro.demo_ids["meetings"][1]
    pdf = render(demo_ro, "convocation", lang=None, meeting_id=tiznit_meeting)
    assert "Convocation" in texts(pdf)[0]
    assert any("Amiri" in str(f) for f in reader(pdf).pages[0]["/Resources"]["/Font"].values()
               for f in [f.get_object()["/BaseFont"]])
