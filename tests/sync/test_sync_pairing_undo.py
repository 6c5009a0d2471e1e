"""Undoing a pairing (``svc.sync.untrust``): the site is as it was before the trust, and a partner
with which bundles were exchanged cannot be forgotten."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from coopdesk.errors import CoopError, PermissionDenied
from coopdesk.services import Actor
from coopdesk.sync import keys

# Everything a pairing could touch on this site; the audit trail is a log and only grows.
TABLES = ("sync_partner", "node", "local_setting", "sync_vector", "sync_touch", "sync_row", "sync_bundle",
          "sync_blob_sent", "change")


def _tables(svc) -> dict[str, list[tuple]]:
    with svc.ctx.uow() as s:
        return {t: sorted(map(tuple, s.execute(text(f'SELECT * FROM "{t}"')).all()), key=repr) for t in TABLES}


def _audit(svc) -> list[tuple[str, str]]:
    with svc.ctx.uow() as s:
        return [tuple(r) for r in s.execute(text(
            "SELECT op, row_id FROM audit WHERE entity = 'sync_partner' ORDER BY id")).all()]


@pytest.fixture
def paired_site(svc):
    svc.sync.identity()  # this site's keys exist before (they are its own, not the pairing's)
    return svc


def test_trust_then_untrust_leaves_the_site_as_before(paired_site, vlg):
    svc = paired_site
    before, hash_before = _tables(svc), svc.sync.state_hash()
    done = svc.sync.trust_identity(keys.export_identity(vlg))
    assert [p["node_code"] for p in svc.sync.partners()] == ["VLG"] and done["previous"] == []

    assert svc.sync.untrust("VLG", done["previous"]) == {"node_code": "VLG", "restored": []}
    assert svc.sync.partners() == [] and svc.sync.status()["partners"] == []
    assert _tables(svc) == before and svc.sync.state_hash() == hash_before
    assert _audit(svc) == [("trust", "VLG"), ("untrust", "VLG")]  # who paired and who unpaired, kept

    again = svc.sync.trust_identity(done["identity"])  # redo: the same content, no file read
    assert again["fingerprint"] == done["fingerprint"] == vlg.identity.fingerprint
    assert [p["fingerprint"] for p in svc.sync.partners()] == [vlg.identity.fingerprint]


def test_undoing_the_trust_of_a_reinstalled_partner_puts_the_old_pairing_back(nodes, tmp_path):
    tiz, vlg = nodes["TIZ"], nodes["VLG"]
    tiz.sync.import_bundles(vlg.sync.export_bundle("TIZ", tmp_path / "1"))
    tiz.sync.export_bundle("VLG", tmp_path / "2")
    old = tiz.sync.partners()
    reinstalled = keys.generate("VLG", vlg.sync.identity()["commune_code"], "Villeneuve-la-Garenne")

    done = tiz.sync.trust_identity(keys.export_identity(reinstalled))
    vlg_now = next(p for p in tiz.sync.partners() if p["node_code"] == "VLG")
    assert vlg_now["fingerprint"] == reinstalled.identity.fingerprint and vlg_now["last_bundle_in"] == 0
    tiz.sync.untrust("VLG", done["previous"])
    assert tiz.sync.partners() == old  # same key, same bundle numbers, same date of pairing
    # and bundles flow again with the old pairing
    vlg.events.create_event(title="Retour", start="2026-05-02")
    result = tiz.sync.import_bundles(vlg.sync.export_bundle("TIZ", tmp_path / "3"))
    assert result["bundles"][0]["status"] == "applied"


def test_a_partner_with_exchanged_bundles_cannot_be_forgotten(nodes, tmp_path):
    tiz, vlg, tiz2 = nodes["TIZ"], nodes["VLG"], nodes["TIZ2"]
    tiz.sync.untrust("TIZ3")  # paired, nothing exchanged yet: forgotten
    assert "TIZ3" not in [p["node_code"] for p in tiz.sync.partners()]

    tiz.sync.export_bundle("VLG", tmp_path / "out")  # sent only
    tiz.sync.import_bundles(tiz2.sync.export_bundle("TIZ", tmp_path / "in"))  # received only
    partners = tiz.sync.partners()
    for code, sent, received in (("VLG", 1, 0), ("TIZ2", 0, 1)):
        with pytest.raises(CoopError) as exc:
            tiz.sync.untrust(code)
        assert exc.value.code == "sync_untrust_exchanged"
        assert exc.value.params == {"code": code, "sent": sent, "received": received}
        assert "cannot be undone" in exc.value.message("en")
    assert tiz.sync.partners() == partners

    # trusting VLG's file again, then undoing it, is allowed: the numbers are those it had
    done = tiz.sync.trust_identity(keys.export_identity(vlg.sync._keys()))
    tiz.sync.untrust("VLG", done["previous"])
    assert tiz.sync.partners() == partners
    # but not once a bundle went to it after that trust
    done = tiz.sync.trust_identity(done["identity"])
    tiz.sync.export_bundle("VLG", tmp_path / "out2")
    with pytest.raises(CoopError) as exc:
        tiz.sync.untrust("VLG", done["previous"])
    assert exc.value.params == {"code": "VLG", "sent": 2, "received": 0}


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_an_administrator_pairs_and_unpairs(paired_site, vlg, role):
    svc = paired_site
    done = svc.sync.trust_identity(keys.export_identity(vlg))
    other = svc.as_user(Actor("someone", role, False))
    with pytest.raises(PermissionDenied):
        other.sync.untrust("VLG", done["previous"])
    with pytest.raises(PermissionDenied):
        other.sync.trust_identity(done["identity"])
    assert [p["node_code"] for p in svc.sync.partners()] == ["VLG"]


def test_untrust_refuses_an_unknown_partner_and_a_previous_pairing_that_is_not_its_identity(paired_site, vlg,
                                                                                             other):
    svc = paired_site
    with pytest.raises(CoopError) as exc:
        svc.sync.untrust("XYZ")
    assert exc.value.code == "sync_unknown_partner"
    done = svc.sync.trust_identity(keys.export_identity(vlg))
    # a "previous pairing" whose fingerprint is another site's key: never put back as trusted
    forged = {"node_id": vlg.identity.node_id, "node_code": "VLG", "commune_code": "92078", "name": "x",
              "identity": done["identity"], "fingerprint": other.identity.fingerprint, "trusted_at": None,
              "acked": "{}", "sent": "{}", "last_seq_out": 0, "last_seq_in": 0}
    with pytest.raises(CoopError) as exc:
        svc.sync.untrust("VLG", [forged])
    assert exc.value.code == "identity_invalid"
    assert [p["fingerprint"] for p in svc.sync.partners()] == [vlg.identity.fingerprint]
