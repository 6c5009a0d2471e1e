from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopdesk.errors import CoopError
from coopdesk.sync import keys


def test_identity_roundtrip(tiz):
    data = keys.export_identity(tiz)
    ident = keys.parse_identity(data)
    assert ident == tiz.identity
    assert keys.parse_identity(keys.export_identity(tiz)) == ident  # stable bytes, same identity
    assert keys.export_identity(tiz) == data  # Ed25519 is deterministic: same file every time


def test_fingerprint_stable_and_readable(tiz, vlg):
    fp = keys.fingerprint(tiz.identity)
    assert fp == keys.fingerprint(keys.parse_identity(keys.export_identity(tiz)))
    assert fp != keys.fingerprint(vlg.identity)
    groups = fp.split(" ")
    assert len(groups) == 8 and all(len(g) == 4 and all(c in "0123456789ABCDEF" for c in g) for g in groups)


def test_fingerprint_known_value():
    """The fingerprint of fixed keys never changes (partners compare it across versions)."""
    ident = keys.Identity("00112233445566778899aabbccddeeff", "TIZ", "TIZNIT", "Commune de Tiznit",
                          bytes(range(32)), bytes(range(32, 64)), "2026-01-15")
    assert keys.fingerprint(ident) == "72CA 4F62 AB8E 4014 71A9 D6F5 6BC1 BE2C"
    # the definition, spelled out: SHA-256 of the sorted compact JSON without the signature
    import base64
    import hashlib

    canon = json.dumps({"commune_code": "TIZNIT", "created": "2026-01-15",
                        "encryption_key": base64.b64encode(bytes(range(32, 64))).decode(),
                        "format": "coopdesk-identity", "name": "Commune de Tiznit", "node_code": "TIZ",
                        "node_id": "00112233445566778899aabbccddeeff",
                        "signing_key": base64.b64encode(bytes(range(32))).decode(), "version": 1},
                       separators=(",", ":")).encode()
    assert hashlib.sha256(canon).hexdigest()[:8].upper() == "72CA4F62"


def test_private_keys_roundtrip(tiz):
    again = keys.NodeKeys.from_bytes(tiz.to_bytes())
    assert again.identity == tiz.identity
    assert again.signing_private_bytes() == tiz.signing_private_bytes()
    assert len(tiz.signing_private_bytes()) == 32 and len(tiz.encryption_private_bytes()) == 32
    restored = keys.NodeKeys.from_private_bytes(tiz.identity, tiz.signing_private_bytes(),
                                                tiz.encryption_private_bytes())
    assert restored.identity.verify(restored.sign(b"x"), b"x")


def test_private_keys_must_match_identity(tiz, vlg):
    with pytest.raises(CoopError) as e:
        keys.NodeKeys.from_private_bytes(tiz.identity, vlg.signing_private_bytes(), tiz.encryption_private_bytes())
    assert e.value.code == "identity_invalid"


def _tampered(tiz, **changes):
    obj = json.loads(keys.export_identity(tiz))
    obj.update(changes)
    return json.dumps(obj).encode()


@pytest.mark.parametrize("data", [
    b"", b"not json", b"[]", b"{}", b"\xff\xfe", b'{"format": "coopdesk-identity"}', b"9" * 20000,
])
def test_malformed_identity_refused(data):
    with pytest.raises(CoopError) as e:
        keys.parse_identity(data)
    assert e.value.code == "identity_invalid"


@pytest.mark.parametrize("changes", [
    {"name": "Commune de Tiznit (fake)"},  # signature no longer matches
    {"node_code": "tiz"}, {"node_id": "a b"}, {"created": "2026-02-30"}, {"version": 2},
    {"signing_key": "AAAA"}, {"encryption_key": 5}, {"signature": "not base64!"}, {"extra": 1},
])
def test_altered_identity_refused(tiz, changes):
    with pytest.raises(CoopError) as e:
        keys.parse_identity(_tampered(tiz, **changes))
    assert e.value.code == "identity_invalid"


def test_swapped_key_refused(tiz, vlg):
    """Someone replaces the encryption key (to read our bundles): the self-signature catches it."""
    other = json.loads(keys.export_identity(vlg))["encryption_key"]
    with pytest.raises(CoopError):
        keys.parse_identity(_tampered(tiz, encryption_key=other))


@settings(max_examples=200)
@given(st.data())
def test_any_flipped_byte_refused(tiz, data):
    raw = bytearray(keys.export_identity(tiz))
    i = data.draw(st.integers(0, len(raw) - 2))  # the final newline is not significant
    raw[i] ^= data.draw(st.integers(1, 255))
    try:
        ident = keys.parse_identity(bytes(raw))
    except CoopError as e:
        assert e.code == "identity_invalid"
    else:  # only a change JSON cannot see (e.g. an escape of the same character) may pass
        assert ident == tiz.identity


def test_generate_validates():
    with pytest.raises(CoopError):
        keys.generate("tiz", "TIZNIT", "Tiznit")
    with pytest.raises(CoopError):
        keys.generate("TIZ", "TIZNIT", "  ")
