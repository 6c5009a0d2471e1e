"""The minutes' life beyond tests/integration/test_services.py: the fingerprint follows the content,
a new version is needed after finalising, and a scan is checked against its version."""

import pytest

from coopdesk.domain.rules import fingerprint
from coopdesk.errors import CoopError
from coopdesk.pdf import render


def _meeting(svc):
    from coopdesk.domain.reference import commune_id

    m = svc.committee.create_meeting(host_commune_id=commune_id("TIZ"), place="Tiznit", held_at="2026-05-04T10:00",
                                     secretary="Hassan Oubaha")
    for name, site in (("Abdellah GHAZI", "TIZ"), ("Pascal PELAIN", "VLG")):
        svc.committee.add_attendee(meeting_id=m["id"], name=name, role="elected", commune_id=commune_id(site),
                                   presence="present", is_president=True)
    dec = svc.committee.add_decision(meeting_id=m["id"], number="1", title="Foire 2026")
    svc.committee.vote_all(dec["id"], "yes")
    return m


def test_fingerprint_changes_with_any_change_of_content():
    text = "Procès-verbal n° 3\nDécision 1 : adoptée"
    assert fingerprint(text) != fingerprint(text.replace("1", "2"))
    assert fingerprint(text) != fingerprint(text + ".")
    assert fingerprint(text) == fingerprint(text.replace("\n", "\r\n"))  # same text, other line ends


def test_correction_after_finalise_needs_a_new_unsigned_version_with_a_new_fingerprint(svc):
    m = _meeting(svc)
    v1 = svc.committee.finalise_minutes(svc.committee.draft_minutes(m["id"])["id"])
    svc.committee.sign_minutes(v1["id"], "TIZ")
    with pytest.raises(CoopError):
        svc.committee.update_meeting(m["id"], place="Agadir")
    svc.committee.new_minutes_version(m["id"])
    svc.committee.update_meeting(m["id"], place="Siège de la commune, Tiznit")
    v2 = svc.committee.finalise_minutes(svc.committee.draft_minutes(m["id"])["id"])
    assert v2["version"] == 2 and v2["signatures"] == [] and v2["status"] == "final"
    assert v2["fingerprint"] != v1["fingerprint"]
    # the old version still prints what was signed: its frozen text and its own fingerprint
    old = render(svc, "minutes", lang="fr", meeting_id=m["id"], minutes_id=v1["id"])
    att = svc.attachments.attach("minutes", v1["id"], data=old, filename="pv-v1.pdf")
    assert svc.committee.verify_scan(v1["id"], att["id"])["result"] == "match"
    assert svc.committee.verify_scan(v2["id"], att["id"])["result"] == "other_version"


def test_attach_scan_refuses_another_versions_scan_and_accepts_an_image(svc):
    m = _meeting(svc)
    v1 = svc.committee.finalise_minutes(svc.committee.draft_minutes(m["id"])["id"])
    pdf_v1 = render(svc, "minutes", lang="fr+ar", meeting_id=m["id"])
    svc.committee.new_minutes_version(m["id"])
    svc.committee.update_meeting(m["id"], secretary="Claire Moreau")  # the correction of version 2
    v2 = svc.committee.finalise_minutes(svc.committee.draft_minutes(m["id"])["id"])
    wrong = svc.attachments.attach("minutes", v2["id"], data=pdf_v1, filename="scan.pdf")
    with pytest.raises(CoopError) as e:
        svc.committee.attach_scan(v2["id"], wrong["id"])
    assert e.value.code == "scan_other_version"
    other = svc.attachments.attach("minutes", v2["id"], data=b"%PDF-1.4\n%garbage", filename="x.pdf")
    image = svc.attachments.attach("minutes", v2["id"], data=b"\xff\xd8\xff\xe0 a jpeg", filename="scan.jpg")
    assert svc.committee.verify_scan(v2["id"], other["id"])["result"] == "unreadable"
    done = svc.committee.attach_scan(v2["id"], image["id"])
    assert done["scan_attachment_id"] == image["id"] and done["scan_check"]["result"] == "unreadable"
    assert v1["fingerprint"] != v2["fingerprint"]
