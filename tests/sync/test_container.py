from __future__ import annotations

import json
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopdesk.errors import MESSAGES, CoopError
from coopdesk.sync import container as c

MANIFEST = {"app_version": "0.3.0", "schema_version": 4, "seq": 12,
            "version_vector": {"TIZ": "0190f3a1b2c3.0000.TIZ"}, "counts": {"changes": 3}}


def rows(n: int, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    names = ["Fatima", "Mohamed", "Aïcha", "Youssef", "Léa", "Hugo", "فاطمة", "محمد"]
    out = [json.dumps({"entity": "beneficiary", "row_id": f"{rnd.getrandbits(64):016x}",
                       "field": rnd.choice(["first_name", "phone", "note"]),
                       "value": rnd.choice(names) + " " + rnd.choice(names),
                       "hlc": f"{1_750_000_000_000 + rnd.randrange(10**8):012x}.0000.TIZ"},
                      ensure_ascii=False) for _ in range(n)]
    return "\n".join(out).encode()


@pytest.fixture(scope="module")
def small(tiz, vlg):
    payload = rows(200)
    return payload, c.pack(payload, MANIFEST, tiz, [vlg.identity])


@pytest.fixture(scope="module")
def split(tiz, vlg):
    payload = os.urandom(300_000) + rows(2000)
    parts = c.pack(payload, MANIFEST, tiz, [vlg.identity], max_part_bytes=60_000)
    return payload, parts


def trusted(*ks):
    return {k.identity.node_id: k.identity for k in ks}


def refused(code, parts, keys_, trust, **kw):
    with pytest.raises(CoopError) as e:
        c.open_parts(parts, keys_, trust, **kw)
    assert e.value.code == code, (e.value.code, e.value.params)
    assert e.value.code in MESSAGES
    return e.value


def test_roundtrip(small, tiz, vlg):
    payload, parts = small
    assert len(parts) == 1
    manifest, out = c.open_parts(parts, vlg, trusted(tiz))
    assert out == payload
    for k, v in MANIFEST.items():
        assert manifest[k] == v
    assert manifest["sender"]["node_code"] == "TIZ" and manifest["recipients"] == [vlg.node_id]
    assert manifest["payload_size"] == len(payload) and manifest["parts"] == 1
    assert manifest["compression"] == "lzma"


def test_payload_not_readable_in_file(small):
    payload, parts = small
    assert b"beneficiary" not in parts[0] and "فاطمة".encode() not in parts[0]


@pytest.mark.parametrize("compression", ["lzma", "zlib", "none"])
@pytest.mark.parametrize("payload", [b"", b"x", os.urandom(3 * c.SEGMENT_SIZE)])
def test_roundtrip_edge_sizes(tiz, vlg, compression, payload):
    parts = c.pack(payload, MANIFEST, tiz, [vlg.identity], max_part_bytes=1_500_000, compression=compression)
    assert all(len(p) <= 1_500_000 for p in parts)
    assert c.open_parts(parts, vlg, trusted(tiz))[1] == payload


def test_several_recipients(tiz, vlg, other):
    payload = rows(50)
    parts = c.pack(payload, MANIFEST, tiz, [vlg.identity, other.identity])
    assert c.open_parts(parts, vlg, trusted(tiz))[1] == payload
    assert c.open_parts(parts, other, trusted(tiz))[1] == payload


def test_peek(split, tiz, vlg):
    _, parts = split
    h = c.peek_manifest(parts[1])
    assert h["part"] == 2 and h["parts"] == len(parts)
    assert h["sender"]["node_code"] == "TIZ" and h["recipients"] == [vlg.node_id]
    assert h["recipient_codes"] == ["VLG"]
    assert h["schema_version"] == 4 and h["app_version"] == "0.3.0" and h["seq"] == 12
    assert "manifest" not in h and "wrapped_keys" not in h
    # only the beginning of the file is needed
    assert c.peek_manifest(parts[1][:4096]) == h
    assert c.part_filename(h) == f"TIZ-{h['bundle_id'][:8]}-000012-2of{len(parts)}.coopsync"


def test_split_parts_any_order(split, tiz, vlg):
    payload, parts = split
    assert len(parts) > 3 and all(len(p) <= 60_000 for p in parts)
    for seed in range(5):
        shuffled = parts[:]
        random.Random(seed).shuffle(shuffled)
        assert c.open_parts(shuffled, vlg, trusted(tiz))[1] == payload
    assert c.open_parts(parts + parts[:2], vlg, trusted(tiz))[1] == payload  # a part imported twice


def test_missing_parts_named(split, tiz, vlg):
    _, parts = split
    n = len(parts)
    e = refused("bundle_missing_parts", [p for i, p in enumerate(parts) if i not in (1, 3)], vlg, trusted(tiz))
    assert e.params == {"missing": "2, 4", "count": n}
    assert "2, 4" in e.message("en") and str(n) in e.message("en")
    refused("bundle_missing_parts", [], vlg, trusted(tiz))


def test_parts_of_two_bundles_refused(split, small, tiz, vlg):
    refused("bundle_mixed_parts", [small[1][0], split[1][1]], vlg, trusted(tiz))


def test_wrong_recipient(small, tiz, other):
    e = refused("bundle_wrong_recipient", small[1], other, trusted(tiz))
    assert "VLG" in e.message("en")


def test_untrusted_sender(small, vlg, other):
    refused("bundle_untrusted_sender", small[1], vlg, trusted(other))
    refused("bundle_untrusted_sender", small[1], vlg, {})


def test_impostor_with_same_node_id_refused(small, tiz, vlg, other):
    """A trusted entry whose key is not the real sender's: the signature check refuses."""
    fake = {tiz.node_id: other.identity}
    refused("bundle_bad_signature", small[1], vlg, fake)


def test_newer_schema_refused(small, tiz, vlg):
    e = refused("bundle_newer_schema", small[1], vlg, trusted(tiz), schema_version=3)
    assert "0.3.0" in e.message("en")
    assert c.open_parts(small[1], vlg, trusted(tiz), schema_version=4)[1] == small[0]
    assert c.open_parts(small[1], vlg, trusted(tiz), schema_version=9)[1] == small[0]  # older: fine


def test_newer_format_refused(small, tiz, vlg):
    raw = bytearray(small[1][0])
    raw[8:10] = (2).to_bytes(2, "big")
    e = refused("bundle_format_newer", [bytes(raw)], vlg, trusted(tiz))
    assert e.params["app_version"] == "0.3.0"


@pytest.mark.parametrize("garbage", [b"", b"PK\x03\x04" + bytes(100), b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n" + bytes(30),
                                     b"Bonjour, ci-joint le fichier"])
def test_not_a_bundle(garbage, tiz, vlg):
    refused("bundle_not_a_bundle", [garbage], vlg, trusted(tiz))
    with pytest.raises(CoopError) as e:
        c.peek_manifest(garbage)
    assert e.value.code == "bundle_not_a_bundle"


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_random_garbage_refused(tiz, vlg, data):
    with pytest.raises(CoopError) as e:
        c.open_parts([data], vlg, trusted(tiz))
    assert e.value.code in {"bundle_not_a_bundle", "bundle_truncated", "bundle_corrupt"}


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_flipped_byte_refused(small, tiz, vlg, data):
    raw = bytearray(small[1][0])
    i = data.draw(st.integers(0, len(raw) - 1), label="position")
    raw[i] ^= data.draw(st.integers(1, 255), label="xor")
    with pytest.raises(CoopError) as e:
        c.open_parts([bytes(raw)], vlg, trusted(tiz))
    assert e.value.code in {"bundle_not_a_bundle", "bundle_truncated", "bundle_corrupt", "bundle_bad_signature",
                            "bundle_untrusted_sender", "bundle_format_newer"}


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_flipped_byte_in_one_of_many_parts_refused(split, tiz, vlg, data):
    parts = list(split[1])
    k = data.draw(st.integers(0, len(parts) - 1))
    raw = bytearray(parts[k])
    i = data.draw(st.integers(0, len(raw) - 1))
    raw[i] ^= 1 << data.draw(st.integers(0, 7))
    parts[k] = bytes(raw)
    with pytest.raises(CoopError):
        c.open_parts(parts, vlg, trusted(tiz))


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_truncation_refused(small, tiz, vlg, data):
    raw = small[1][0]
    cut = data.draw(st.integers(0, len(raw) - 1))
    with pytest.raises(CoopError) as e:
        c.open_parts([raw[:cut]], vlg, trusted(tiz))
    assert e.value.code in {"bundle_not_a_bundle", "bundle_truncated"}


def test_extra_bytes_refused(small, tiz, vlg):
    refused("bundle_corrupt", [small[1][0] + b"\n"], vlg, trusted(tiz))


def test_part_swapped_between_bundles_refused(tiz, vlg):
    """Two bundles cut the same way: a part of the other one never passes, even re-signed by
    the true sender, because its bundle id, key and hashes differ."""
    payload = os.urandom(200_000)
    a = c.pack(payload, MANIFEST, tiz, [vlg.identity], max_part_bytes=60_000)
    b = c.pack(payload, MANIFEST, tiz, [vlg.identity], max_part_bytes=60_000)
    refused("bundle_mixed_parts", [a[0], b[1], a[2], a[3]], vlg, trusted(tiz))


def test_incompressible_payload_stored(tiz, vlg):
    parts = c.pack(os.urandom(100_000), MANIFEST, tiz, [vlg.identity])
    assert c.peek_manifest(parts[0])["compression"] == "none"


def test_pack_argument_errors(tiz, vlg):
    with pytest.raises(ValueError):
        c.pack(b"x", {"schema_version": 1}, tiz, [vlg.identity])
    with pytest.raises(ValueError):
        c.pack(b"x", dict(MANIFEST, parts=3), tiz, [vlg.identity])
    with pytest.raises(ValueError):
        c.pack(b"x", MANIFEST, tiz, [])
    with pytest.raises(ValueError):
        c.pack(b"x", MANIFEST, tiz, [vlg.identity], max_part_bytes=500)


def test_compression_ratio_on_rows(tiz, vlg):
    """JSON change rows shrink well (the measured ratios are in docs/sync-format.md)."""
    payload = rows(20_000)
    parts = c.pack(payload, MANIFEST, tiz, [vlg.identity])
    assert sum(map(len, parts)) < len(payload) / 3


def test_sixty_megabytes_split_under_ten(tiz, vlg):
    payload = os.urandom(60_000_000)  # a scanned attachment: incompressible
    parts = c.pack(payload, MANIFEST, tiz, [vlg.identity], max_part_bytes=c.DEFAULT_MAX_PART_BYTES)
    assert len(parts) == 7
    assert all(len(p) <= 10_000_000 for p in parts)
    assert [c.peek_manifest(p)["part"] for p in parts] == list(range(1, 8))
    parts.reverse()
    manifest, out = c.open_parts(parts, vlg, trusted(tiz))
    assert out == payload and manifest["parts"] == 7
