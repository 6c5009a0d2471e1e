"""Site identity: an Ed25519 key that signs bundles and an X25519 key that bundles are encrypted to.

Pairing: each site exports its *public identity* (a small JSON file, self-signed), sends it to the
partner, and both read the fingerprint aloud over the phone before trusting it.

Identity file (UTF-8 JSON, keys sorted, no spaces)::

    {"commune_code": "TIZNIT", "created": "2026-11-27", "encryption_key": "<base64 32 bytes>",
     "format": "coopdesk-identity", "name": "Commune de Tiznit", "node_code": "TIZ",
     "node_id": "<32 hex>", "signature": "<base64 64 bytes>", "signing_key": "<base64 32 bytes>",
     "version": 1}

``signature`` is Ed25519 (by ``signing_key``) over the same object without ``signature``, in the
same canonical form; it proves the file was made by the holder of the key and was not changed.
The fingerprint is SHA-256 over that canonical form (without the signature), first 128 bits,
shown as 8 groups of 4 hex digits: ``3F2A 9C01 …`` (easy to read aloud in any language).

Private keys are 32 raw bytes each; ``NodeKeys.to_bytes`` packs identity and both private keys in
one blob for the database (it is *not* encrypted: protect the database or wrap it).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from coopdesk.errors import CoopError

IDENTITY_FORMAT = "coopdesk-identity"
IDENTITY_VERSION = 1
PRIVATE_FORMAT = "coopdesk-node-keys"
MAX_IDENTITY_BYTES = 16 * 1024

NODE_ID_RE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
NODE_CODE_RE = re.compile(r"^[A-Z0-9]{2,8}$")
COMMUNE_CODE_RE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIELDS = {"format", "version", "node_id", "node_code", "commune_code", "name", "created",
           "signing_key", "encryption_key", "signature"}


def canonical_json(obj: Any) -> bytes:
    """The one byte form of a JSON object that is signed and hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, size: int, what: str) -> bytes:
    if not isinstance(text, str):
        raise CoopError("identity_invalid", reason=f"{what} is not text")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise CoopError("identity_invalid", reason=f"{what} is not base64") from None
    if len(raw) != size:
        raise CoopError("identity_invalid", reason=f"{what} must be {size} bytes")
    return raw


@dataclass(frozen=True)
class Identity:
    """The public side of a site: what a partner stores after pairing."""

    node_id: str
    node_code: str
    commune_code: str
    name: str
    signing_key: bytes  # Ed25519 public key, 32 bytes
    encryption_key: bytes  # X25519 public key, 32 bytes
    created: str  # ISO date YYYY-MM-DD

    def unsigned_dict(self) -> dict[str, Any]:
        return {"format": IDENTITY_FORMAT, "version": IDENTITY_VERSION, "node_id": self.node_id,
                "node_code": self.node_code, "commune_code": self.commune_code, "name": self.name,
                "created": self.created, "signing_key": _b64(self.signing_key),
                "encryption_key": _b64(self.encryption_key)}

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.unsigned_dict())

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.signing_key).verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def x25519(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.encryption_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self)


@dataclass(frozen=True)
class NodeKeys:
    """A site's own keys (private) with its public identity."""

    identity: Identity
    signing_private: Ed25519PrivateKey = field(repr=False)
    encryption_private: X25519PrivateKey = field(repr=False)

    @property
    def node_id(self) -> str:
        return self.identity.node_id

    def sign(self, data: bytes) -> bytes:
        return self.signing_private.sign(data)

    def signing_private_bytes(self) -> bytes:
        return _raw_private(self.signing_private)

    def encryption_private_bytes(self) -> bytes:
        return _raw_private(self.encryption_private)

    def to_bytes(self) -> bytes:
        """Identity + both private keys, for storage in the database (not encrypted)."""
        return canonical_json({"format": PRIVATE_FORMAT, "version": 1,
                               "identity": self.identity.unsigned_dict(),
                               "signing_private": _b64(self.signing_private_bytes()),
                               "encryption_private": _b64(self.encryption_private_bytes())})

    @classmethod
    def from_bytes(cls, data: bytes) -> NodeKeys:
        try:
            obj = json.loads(data.decode("utf-8"))
            if obj.get("format") != PRIVATE_FORMAT or obj.get("version") != 1:
                raise ValueError("format")
            ident = _identity_from_dict(obj["identity"])
            return cls.from_private_bytes(ident, _unb64(obj["signing_private"], 32, "signing_private"),
                                          _unb64(obj["encryption_private"], 32, "encryption_private"))
        except CoopError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            raise CoopError("identity_invalid", reason="not a key blob") from None

    @classmethod
    def from_private_bytes(cls, identity: Identity, signing_private: bytes,
                           encryption_private: bytes) -> NodeKeys:
        sk = Ed25519PrivateKey.from_private_bytes(signing_private)
        ek = X25519PrivateKey.from_private_bytes(encryption_private)
        if (_raw_public(sk.public_key()) != identity.signing_key
                or _raw_public(ek.public_key()) != identity.encryption_key):
            raise CoopError("identity_invalid", reason="private keys do not match the identity")
        return cls(identity, sk, ek)


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization as s

    return key.private_bytes(s.Encoding.Raw, s.PrivateFormat.Raw, s.NoEncryption())


def _raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization as s

    return key.public_bytes(s.Encoding.Raw, s.PublicFormat.Raw)


def _validate(node_id: Any, node_code: Any, commune_code: Any, name: Any, created: Any) -> None:
    def bad(reason: str) -> CoopError:
        return CoopError("identity_invalid", reason=reason)

    if not (isinstance(node_id, str) and NODE_ID_RE.match(node_id)):
        raise bad("node_id")
    if not (isinstance(node_code, str) and NODE_CODE_RE.match(node_code)):
        raise bad("node_code")
    if not (isinstance(commune_code, str) and COMMUNE_CODE_RE.match(commune_code)):
        raise bad("commune_code")
    if not (isinstance(name, str) and name.strip() and len(name) <= 200):
        raise bad("name")
    if not (isinstance(created, str) and DATE_RE.match(created)):
        raise bad("created")
    try:
        dt.date.fromisoformat(created)
    except ValueError:
        raise bad("created") from None


def generate(node_code: str, commune_code: str, name: str, *, node_id: str | None = None,
             created: dt.date | str | None = None) -> NodeKeys:
    """New keys for this site. ``node_id`` defaults to 32 random hex digits."""
    node_id = node_id or secrets.token_hex(16)
    created_s = (created.isoformat() if isinstance(created, dt.date)
                 else created or dt.date.today().isoformat())
    _validate(node_id, node_code, commune_code, name, created_s)
    sk = Ed25519PrivateKey.generate()
    ek = X25519PrivateKey.generate()
    ident = Identity(node_id, node_code, commune_code, name, _raw_public(sk.public_key()),
                     _raw_public(ek.public_key()), created_s)
    return NodeKeys(ident, sk, ek)


def export_identity(keys: NodeKeys) -> bytes:
    """The public identity file of this site (self-signed), to send to a partner."""
    obj = keys.identity.unsigned_dict()
    obj["signature"] = _b64(keys.sign(canonical_json(obj)))
    return canonical_json(obj) + b"\n"


def _identity_from_dict(obj: Any) -> Identity:
    if not isinstance(obj, dict):
        raise CoopError("identity_invalid", reason="not a JSON object")
    if obj.get("format") != IDENTITY_FORMAT:
        raise CoopError("identity_invalid", reason="format")
    if obj.get("version") != IDENTITY_VERSION:
        raise CoopError("identity_invalid", reason="version")
    _validate(obj.get("node_id"), obj.get("node_code"), obj.get("commune_code"), obj.get("name"),
              obj.get("created"))
    return Identity(obj["node_id"], obj["node_code"], obj["commune_code"], obj["name"],
                    _unb64(obj.get("signing_key"), 32, "signing_key"),
                    _unb64(obj.get("encryption_key"), 32, "encryption_key"), obj["created"])


def parse_identity(data: bytes) -> Identity:
    """Read a partner's identity file; any malformed or altered file raises ``identity_invalid``."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CoopError("identity_invalid", reason="not bytes")
    data = bytes(data)
    if len(data) > MAX_IDENTITY_BYTES:
        raise CoopError("identity_invalid", reason="too large")
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CoopError("identity_invalid", reason="not JSON") from None
    if not isinstance(obj, dict):
        raise CoopError("identity_invalid", reason="not a JSON object")
    unknown = set(obj) - _FIELDS
    if unknown:
        raise CoopError("identity_invalid", reason="unknown fields " + ", ".join(sorted(unknown)))
    ident = _identity_from_dict(obj)
    sig = _unb64(obj.get("signature"), 64, "signature")
    try:
        Ed25519PublicKey.from_public_bytes(ident.signing_key)
        X25519PublicKey.from_public_bytes(ident.encryption_key)
    except ValueError:
        raise CoopError("identity_invalid", reason="bad public key") from None
    if not ident.verify(sig, ident.canonical_bytes()):
        raise CoopError("identity_invalid", reason="signature does not match")
    return ident


def fingerprint(identity: Identity) -> str:
    """Human fingerprint: 8 groups of 4 hex digits (128 bits of SHA-256 of the public identity)."""
    digest = hashlib.sha256(identity.canonical_bytes()).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))
