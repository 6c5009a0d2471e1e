"""The sync bundle file (``.coopsync``): signed, encrypted, split into email-sized parts.

See ``docs/sync-format.md`` for the byte layout and the reasons. In short, every part file is::

    magic (8) | format version (u16) | header length (u32) | header (JSON) |
    body length (u64) | body (a slice of the ciphertext) | Ed25519 signature (64)

The signature covers every byte before it, so one changed byte anywhere is refused before anything
is decrypted. The payload is compressed, then encrypted with a random AES-256-GCM content key in
1 MiB segments (each segment authenticated, numbered, the last one flagged, so reordering,
dropping or truncating segments is detected); the content key is wrapped for each recipient with
X25519 (one ephemeral key per bundle) + HKDF-SHA256. The manifest (version vector, counts, the
SHA-256 of every part body...) is encrypted with the same key and carried by every part, so any
part can be checked alone and parts import in any order.

Everything that can go wrong with a file raises :class:`coopdesk.errors.CoopError` with a
``bundle_*`` code; programming mistakes (bad arguments to ``pack``) raise ``ValueError``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import lzma
import math
import os
import struct
import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coopdesk.errors import CoopError
from coopdesk.sync.keys import Identity, NodeKeys, _raw_public, canonical_json

MAGIC = b"\x89CDS\r\n\x1a\n"
FORMAT_VERSION = 1
FILE_SUFFIX = ".coopsync"
DEFAULT_MAX_PART_BYTES = 10 * 1000 * 1000  # what mail servers mean by "10 MB" (before base64!)
SEGMENT_SIZE = 1 << 20
TAG_SIZE = 16
SIG_SIZE = 64
MAX_HEADER_BYTES = 1 << 20
_PREFIX = struct.Struct(">8sHI")  # magic, format version, header length
_BODY_LEN = struct.Struct(">Q")
FIXED_OVERHEAD = _PREFIX.size + _BODY_LEN.size + SIG_SIZE  # 86 bytes
_SIG_CONTEXT = b"coopdesk-bundle-part/1\x00"
_WRAP_INFO = b"coopdesk-bundle/1 key-wrap\x00"
COMPRESSIONS = ("lzma", "zlib", "none")
# Fields pack() writes into the manifest itself; a caller may not set them.
RESERVED = frozenset({"format", "bundle_id", "created", "sender", "recipients", "parts", "parts_sha256",
                      "payload_size", "payload_sha256", "compression", "compressed_size"})


# --------------------------------------------------------------------------- helpers

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _corrupt(reason: str, **params: Any) -> CoopError:
    return CoopError("bundle_corrupt", reason=reason, **params)


def _seg_nonce(index: int, last: bool) -> bytes:
    # byte 0 = 0 (segments), bytes 1..10 = segment index, byte 11 = 1 on the last segment
    return b"\x00" + index.to_bytes(10, "big") + (b"\x01" if last else b"\x00")


_MANIFEST_NONCE = b"\x01" + bytes(11)


def _wrap_key(shared: bytes, eph_pub: bytes, rcpt_pub: bytes, bundle_id: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + rcpt_pub,
                info=_WRAP_INFO + bundle_id).derive(shared)


def _signing_input(signed_bytes_digest: bytes) -> bytes:
    return _SIG_CONTEXT + signed_bytes_digest


def _compressor(kind: str):
    if kind == "lzma":
        return lzma.LZMACompressor(format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE, preset=6)
    if kind == "zlib":
        return zlib.compressobj(9)
    return None


def choose_compression(payload: bytes | memoryview) -> str:
    """``lzma`` unless the payload looks incompressible (already compressed photos, PDFs, ZIP)."""
    sample = bytes(memoryview(payload)[:SEGMENT_SIZE])
    if len(sample) < 64:
        return "none" if not sample else "zlib"
    return "none" if len(zlib.compress(sample, 1)) > 0.9 * len(sample) else "lzma"


def _compress(payload: memoryview, kind: str) -> memoryview:
    comp = _compressor(kind)
    if comp is None:
        return payload
    out = bytearray()
    for i in range(0, len(payload), 4 * SEGMENT_SIZE):
        out += comp.compress(payload[i:i + 4 * SEGMENT_SIZE])
    out += comp.flush()
    return memoryview(out)


class _Decompressor:
    """Decompress in bounded steps and refuse output beyond the size the manifest declares."""

    def __init__(self, kind: str, expected: int) -> None:
        self.kind = kind
        self.expected = expected
        self.out = bytearray()
        if kind == "lzma":
            self.d: Any = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        elif kind == "zlib":
            self.d = zlib.decompressobj()
        elif kind == "none":
            self.d = None
        else:
            raise _corrupt("unknown compression")

    def _room(self) -> int:
        return self.expected - len(self.out) + 1

    def _take(self, chunk: bytes) -> None:
        self.out += chunk
        if len(self.out) > self.expected:
            raise _corrupt("payload larger than declared")

    def feed(self, data: bytes) -> None:
        try:
            if self.d is None:
                self._take(data)
            elif self.kind == "lzma":
                if self.d.eof:
                    if data:
                        raise _corrupt("data after the end of the compressed stream")
                    return
                self._take(self.d.decompress(data, max_length=self._room()))
                while not self.d.needs_input and not self.d.eof:
                    self._take(self.d.decompress(b"", max_length=self._room()))
                if self.d.eof and self.d.unused_data:
                    raise _corrupt("data after the end of the compressed stream")
            else:
                buf = data
                while buf:
                    self._take(self.d.decompress(buf, self._room()))
                    buf = self.d.unconsumed_tail
                if self.d.unused_data:
                    raise _corrupt("data after the end of the compressed stream")
        except (lzma.LZMAError, zlib.error):
            raise _corrupt("compressed data") from None

    def finish(self) -> bytearray:
        try:
            if self.kind == "zlib":
                self._take(self.d.flush())
                if not self.d.eof:
                    raise _corrupt("compressed stream ends early")
            elif self.kind == "lzma" and not self.d.eof:
                raise _corrupt("compressed stream ends early")
        except zlib.error:
            raise _corrupt("compressed data") from None
        if len(self.out) != self.expected:
            raise _corrupt("payload size differs from the manifest")
        return self.out


# --------------------------------------------------------------------------- pack

def _part_header(common: dict[str, Any], part: int, body_offset: int, body_sha: str) -> bytes:
    h = dict(common)
    h["part"] = part
    h["body_offset"] = body_offset
    h["body_sha256"] = body_sha
    return canonical_json(h)


def pack(payload: bytes | bytearray | memoryview, manifest: Mapping[str, Any], sender_keys: NodeKeys,
         recipients: list[Identity], max_part_bytes: int = DEFAULT_MAX_PART_BYTES, *,
         compression: str = "auto", bundle_id: str | None = None,
         created: dt.datetime | None = None) -> list[bytes]:
    """Compress, encrypt for ``recipients``, sign and split a payload into ``.coopsync`` part files.

    ``manifest`` is the caller's JSON-able metadata; it must hold ``app_version`` (str) and
    ``schema_version`` (int) and usually ``seq``, ``version_vector`` and ``counts``. ``pack`` adds
    the bundle id, sender, recipients, part count, payload size and SHA-256, compression and the
    SHA-256 of every part body. Returns the part files in order (``part`` 1..n); each is at most
    ``max_part_bytes`` long.
    """
    if not recipients:
        raise ValueError("a bundle needs at least one recipient")
    if not isinstance(manifest.get("schema_version"), int) or not isinstance(manifest.get("app_version"), str):
        raise ValueError("manifest needs schema_version (int) and app_version (str)")
    clash = RESERVED & set(manifest)
    if clash:
        raise ValueError(f"reserved manifest fields: {sorted(clash)}")
    if compression == "auto":
        compression = choose_compression(payload)
    if compression not in COMPRESSIONS:
        raise ValueError(f"unknown compression {compression!r}")
    rcpt_ids = [r.node_id for r in recipients]
    if len(set(rcpt_ids)) != len(rcpt_ids):
        raise ValueError("duplicate recipient")

    view = memoryview(payload).cast("B")
    payload_sha = hashlib.sha256(view).hexdigest()
    compressed = _compress(view, compression)
    n_segments = max(1, math.ceil(len(compressed) / SEGMENT_SIZE))
    ct_total = len(compressed) + TAG_SIZE * n_segments

    bid = bytes.fromhex(bundle_id) if bundle_id else os.urandom(16)
    if len(bid) != 16:
        raise ValueError("bundle_id must be 32 hex digits")
    content_key = AESGCM.generate_key(bit_length=256)
    eph = X25519PrivateKey.generate()
    eph_pub = _raw_public(eph.public_key())
    wrapped: dict[str, str] = {}
    for r in recipients:
        shared = eph.exchange(r.x25519())
        wk = _wrap_key(shared, eph_pub, r.encryption_key, bid)
        wrapped[r.node_id] = _b64(AESGCM(wk).encrypt(bytes(12), content_key, bid + r.node_id.encode()))

    me = sender_keys.identity
    created_s = (created or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat(timespec="seconds")
    sender = {"node_id": me.node_id, "node_code": me.node_code, "commune_code": me.commune_code}
    full_manifest: dict[str, Any] = dict(manifest)
    full_manifest.update({"format": FORMAT_VERSION, "bundle_id": bid.hex(), "created": created_s,
                          "sender": sender, "recipients": rcpt_ids, "payload_size": len(view),
                          "payload_sha256": payload_sha, "compression": compression,
                          "compressed_size": len(compressed)})
    common: dict[str, Any] = {
        "format": FORMAT_VERSION, "bundle_id": bid.hex(), "created": created_s, "sender": sender,
        "recipients": rcpt_ids, "recipient_codes": [r.node_code for r in recipients],
        "app_version": manifest["app_version"],
        "schema_version": manifest["schema_version"], "compression": compression,
        "cipher": "AES-256-GCM", "segment_size": SEGMENT_SIZE, "ciphertext_size": ct_total,
        "ephemeral_key": _b64(eph_pub), "wrapped_keys": wrapped,
    }
    if "seq" in manifest:
        common["seq"] = manifest["seq"]

    def header_for(n: int, hashes_: list[str], *, estimate: bool = False) -> dict[str, Any]:
        plain = canonical_json(dict(full_manifest, parts=n, parts_sha256=hashes_))
        # The manifest nonce is used once per key: estimates only take the length.
        enc = bytes(len(plain) + TAG_SIZE) if estimate else AESGCM(content_key).encrypt(
            _MANIFEST_NONCE, plain, bid)
        return dict(common, parts=n, manifest=_b64(enc))

    # How many parts? The header grows with the number of parts (one hash each): iterate.
    n = 1
    for _ in range(64):
        worst = len(_part_header(header_for(n, ["0" * 64] * n, estimate=True), n, ct_total, "0" * 64))
        body_max = max_part_bytes - FIXED_OVERHEAD - worst
        if body_max <= 0:
            raise ValueError(f"max_part_bytes={max_part_bytes} is too small for the header ({worst} bytes)")
        n_new = max(1, math.ceil(ct_total / body_max))
        if n_new <= n:
            break
        n = n_new
    # Even split (all parts about the same size) within the limit.
    body_size = math.ceil(ct_total / n)
    n = math.ceil(ct_total / body_size)  # never an empty part; fewer parts only shrink the header

    # Encrypt segment by segment straight into the part bodies.
    bodies = [bytearray() for _ in range(n)]
    aead = AESGCM(content_key)
    part_i = 0
    for s in range(n_segments):
        chunk = compressed[s * SEGMENT_SIZE:(s + 1) * SEGMENT_SIZE]
        ct = memoryview(aead.encrypt(_seg_nonce(s, s == n_segments - 1), bytes(chunk), bid))
        while ct:
            room = body_size - len(bodies[part_i])
            if room <= 0:
                part_i += 1
                continue
            bodies[part_i] += ct[:room]
            ct = ct[room:]
    del compressed
    hashes_ = [hashlib.sha256(b).hexdigest() for b in bodies]
    common_final = header_for(n, hashes_)

    out: list[bytes] = []
    offset = 0
    for i, body in enumerate(bodies):
        header = _part_header(common_final, i + 1, offset, hashes_[i])
        offset += len(body)
        prefix = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(header)) + header + _BODY_LEN.pack(len(body))
        h = hashlib.sha256(prefix)
        h.update(body)
        sig = sender_keys.sign(_signing_input(h.digest()))
        out.append(b"".join((prefix, body, sig)))
        bodies[i] = bytearray()  # free as we go
    assert all(len(p) <= max_part_bytes for p in out)
    return out


def part_filename(header: Mapping[str, Any]) -> str:
    """A file name for a part: ``TIZ-to-VLG-000012-1of3.coopsync`` style (codes, seq, part)."""
    seq = header.get("seq")
    seq_s = f"{seq:06d}-" if isinstance(seq, int) else ""
    return (f"{header['sender']['node_code']}-{header['bundle_id'][:8]}-{seq_s}"
            f"{header['part']}of{header['parts']}{FILE_SUFFIX}")


# --------------------------------------------------------------------------- read

class _Part:
    __slots__ = ("header", "raw", "body_start", "body_end", "signed_end")

    def __init__(self, header: dict[str, Any], raw: memoryview, body_start: int, body_end: int) -> None:
        self.header = header
        self.raw = raw
        self.body_start = body_start
        self.body_end = body_end
        self.signed_end = body_end

    @property
    def body(self) -> memoryview:
        return self.raw[self.body_start:self.body_end]

    @property
    def signature(self) -> bytes:
        return bytes(self.raw[self.signed_end:self.signed_end + SIG_SIZE])


def _read_header(data: bytes | bytearray | memoryview) -> tuple[dict[str, Any], int]:
    raw = memoryview(data).cast("B")
    if len(raw) < _PREFIX.size:
        if bytes(raw) == MAGIC[:len(raw)] and len(raw) > 0:
            raise CoopError("bundle_truncated", size=len(raw), expected=_PREFIX.size)
        raise CoopError("bundle_not_a_bundle")
    magic, version, hlen = _PREFIX.unpack_from(raw, 0)
    if magic != MAGIC:
        raise CoopError("bundle_not_a_bundle")
    if version != FORMAT_VERSION:
        if version > FORMAT_VERSION:
            app = "?"
            try:  # a newer format may still tell us which app wrote it
                app = str(json.loads(bytes(raw[_PREFIX.size:_PREFIX.size + hlen]))["app_version"])
            except Exception:  # noqa: BLE001 - best effort only
                pass
            raise CoopError("bundle_format_newer", found=version, supported=FORMAT_VERSION, app_version=app)
        raise _corrupt("format version")
    if hlen > MAX_HEADER_BYTES:
        raise _corrupt("header length")
    end = _PREFIX.size + hlen
    if len(raw) < end:
        raise CoopError("bundle_truncated", size=len(raw), expected=end)
    try:
        header = json.loads(bytes(raw[_PREFIX.size:end]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _corrupt("header") from None
    if not isinstance(header, dict):
        raise _corrupt("header")
    return header, end


def _check_header(h: dict[str, Any]) -> None:
    try:
        ok = (h["format"] == FORMAT_VERSION and isinstance(h["bundle_id"], str) and len(h["bundle_id"]) == 32
              and isinstance(h["part"], int) and isinstance(h["parts"], int) and 1 <= h["part"] <= h["parts"]
              and isinstance(h["sender"], dict) and isinstance(h["sender"].get("node_id"), str)
              and isinstance(h["recipients"], list) and isinstance(h["wrapped_keys"], dict)
              and isinstance(h["schema_version"], int) and isinstance(h["body_offset"], int)
              and isinstance(h["ciphertext_size"], int) and h["segment_size"] == SEGMENT_SIZE
              and h["cipher"] == "AES-256-GCM" and h["compression"] in COMPRESSIONS)
        bytes.fromhex(h["bundle_id"])
    except (KeyError, TypeError, ValueError):
        ok = False
    if not ok:
        raise _corrupt("header fields")


def peek_manifest(data: bytes | bytearray | memoryview) -> dict[str, Any]:
    """The clear-text header of a part, *not verified* (for a quick look: sender, recipients,
    part i of n, app and schema versions). Only the beginning of the file is needed."""
    header, _ = _read_header(data)
    _check_header(header)
    return {k: header[k] for k in ("format", "bundle_id", "part", "parts", "sender", "recipients", "recipient_codes",
                                   "created", "app_version", "schema_version", "seq", "compression")
            if k in header}


def _parse_part(data: bytes | bytearray | memoryview) -> _Part:
    raw = memoryview(data).cast("B")
    header, end = _read_header(raw)
    if len(raw) < end + _BODY_LEN.size:
        raise CoopError("bundle_truncated", size=len(raw), expected=end + _BODY_LEN.size)
    (blen,) = _BODY_LEN.unpack_from(raw, end)
    body_start = end + _BODY_LEN.size
    total = body_start + blen + SIG_SIZE
    if len(raw) < total:
        raise CoopError("bundle_truncated", size=len(raw), expected=total)
    if len(raw) > total:
        raise _corrupt("extra bytes at the end")
    _check_header(header)
    return _Part(header, raw, body_start, body_start + blen)


_COMMON_KEYS = ("format", "bundle_id", "created", "sender", "recipients", "recipient_codes", "app_version", "schema_version",
                "compression", "cipher", "segment_size", "ciphertext_size", "ephemeral_key",
                "wrapped_keys", "parts", "manifest", "seq")


def open_parts(parts: Iterable[bytes | bytearray | memoryview], my_keys: NodeKeys,
               trusted: Mapping[str, Identity], *, schema_version: int | None = None
               ) -> tuple[dict[str, Any], bytes]:
    """Verify, decrypt and reassemble the parts of one bundle (any order; exact duplicates ignored).

    Checks, in order: magic and format; all parts of one bundle; the sender is in ``trusted``
    (node id -> Identity); every part's signature; the bundle is addressed to ``my_keys``; the bundle
    schema is not newer than ``schema_version`` (when given); no part missing; each body's SHA-256
    against the signed manifest; then decrypts (authenticated) and decompresses. Returns
    ``(manifest, payload)``. Nothing is decrypted before every signature was checked.
    """
    parsed = [_parse_part(p) for p in parts]
    if not parsed:
        raise CoopError("bundle_missing_parts", missing="1", count="?")
    first = parsed[0].header
    for p in parsed[1:]:
        if p.header["bundle_id"] != first["bundle_id"]:
            raise CoopError("bundle_mixed_parts")

    sender_id = first["sender"]["node_id"]
    ident = trusted.get(sender_id)
    if ident is None:
        raise CoopError("bundle_untrusted_sender", sender=str(first["sender"].get("node_code", "?")),
                        node_id=sender_id)
    for p in parsed:
        h = hashlib.sha256(p.raw[:p.signed_end]).digest()
        if not ident.verify(p.signature, _signing_input(h)):
            raise CoopError("bundle_bad_signature", sender=ident.node_code, part=p.header["part"])
    # Signed from here on: now the header fields can be trusted.
    for p in parsed[1:]:
        if any(p.header.get(k) != first.get(k) for k in _COMMON_KEYS):
            raise CoopError("bundle_mixed_parts")
    if first["sender"] != {"node_id": ident.node_id, "node_code": ident.node_code,
                           "commune_code": ident.commune_code}:
        raise _corrupt("sender fields differ from the paired identity")
    me = my_keys.identity.node_id
    if me not in first["recipients"] or me not in first["wrapped_keys"]:
        raise CoopError("bundle_wrong_recipient",
                        recipients=", ".join(map(str, first.get("recipient_codes") or first["recipients"])),
                        me=my_keys.identity.node_code)
    if schema_version is not None and first["schema_version"] > schema_version:
        raise CoopError("bundle_newer_schema", found=first["schema_version"],
                        app_version=first["app_version"])

    by_no: dict[int, _Part] = {}
    for p in parsed:
        no = p.header["part"]
        if no in by_no:
            if bytes(by_no[no].raw) != bytes(p.raw):
                raise _corrupt("two different copies of one part", part=no)
            continue
        by_no[no] = p
    count = first["parts"]
    missing = [i for i in range(1, count + 1) if i not in by_no]
    if missing:
        raise CoopError("bundle_missing_parts", missing=", ".join(map(str, missing)), count=count)
    ordered = [by_no[i] for i in range(1, count + 1)]

    # Unwrap the content key and read the manifest.
    bid = bytes.fromhex(first["bundle_id"])
    try:
        eph_pub = _unb64(first["ephemeral_key"])
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

        shared = my_keys.encryption_private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        wk = _wrap_key(shared, eph_pub, my_keys.identity.encryption_key, bid)
        content_key = AESGCM(wk).decrypt(bytes(12), _unb64(first["wrapped_keys"][me]), bid + me.encode())
        aead = AESGCM(content_key)
        manifest = json.loads(aead.decrypt(_MANIFEST_NONCE, _unb64(first["manifest"]), bid).decode("utf-8"))
    except (InvalidTag, ValueError, binascii.Error, UnicodeDecodeError):
        raise _corrupt("key or manifest does not decrypt") from None
    try:
        ok = (manifest["bundle_id"] == first["bundle_id"] and manifest["sender"] == first["sender"]
              and manifest["recipients"] == first["recipients"] and manifest["parts"] == count
              and manifest["compression"] == first["compression"]
              and len(manifest["parts_sha256"]) == count)
    except (KeyError, TypeError):
        ok = False
    if not ok:
        raise _corrupt("manifest differs from the header")

    offset = 0
    for i, p in enumerate(ordered):
        digest = hashlib.sha256(p.body).hexdigest()
        if digest != manifest["parts_sha256"][i] or digest != p.header["body_sha256"] \
                or p.header["body_offset"] != offset:
            raise _corrupt("part hash", part=i + 1)
        offset += len(p.body)
    if offset != first["ciphertext_size"]:
        raise _corrupt("ciphertext size")

    dec = _Decompressor(manifest["compression"], manifest["payload_size"])
    n_segments = max(1, math.ceil(offset / (SEGMENT_SIZE + TAG_SIZE)))
    try:
        for s, seg in enumerate(_segments((p.body for p in ordered), SEGMENT_SIZE + TAG_SIZE)):
            dec.feed(aead.decrypt(_seg_nonce(s, s == n_segments - 1), seg, bid))
    except InvalidTag:
        raise _corrupt("ciphertext does not authenticate") from None
    payload = dec.finish()
    if hashlib.sha256(payload).hexdigest() != manifest["payload_sha256"]:
        raise _corrupt("payload hash")
    return manifest, bytes(payload)


def _segments(bodies: Iterator[memoryview], size: int) -> Iterator[bytes]:
    """Cut the concatenation of part bodies into ciphertext segments, across part boundaries."""
    buf = bytearray()
    for body in bodies:
        pos = 0
        while pos < len(body):
            take = min(size - len(buf), len(body) - pos)
            buf += body[pos:pos + take]
            pos += take
            if len(buf) == size:
                yield bytes(buf)
                buf.clear()
    if buf:
        yield bytes(buf)
