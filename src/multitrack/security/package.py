"""The sealed share package: one file, a signed header and an encrypted payload.

Layout (all integers big-endian)::

    magic        8 bytes   b"MTSHARE\\x00"
    version      2 bytes   1
    header_len   4 bytes   at most 64 KiB
    header       header_len bytes of UTF-8 JSON (fields: see :class:`Header`)
    payload_len  8 bytes   at most 256 MiB
    ciphertext   payload_len bytes: nacl.public.Box(sender box key, recipient box key)
                 over the payload JSON (a 24-byte nonce, then the authenticated ciphertext)
    signature    64 bytes  Ed25519 by the sender's signing key over every byte before it

Parsing is strict: the lengths must add up to the file's size exactly, the header must hold
exactly the known fields with the right types. Nothing here touches the database.
"""

from __future__ import annotations

import json
import re
import struct
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import Box, PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey

from multitrack.errors import MultitrackError
from multitrack.exchange.records import KINDS

MAGIC = b"MTSHARE\x00"
VERSION = 1
MAX_HEADER = 64 * 1024
MAX_PAYLOAD = 256 * 1024 * 1024
SIGNATURE = 64
_PREFIX = struct.Struct(">8sHI")
_LENGTH = struct.Struct(">Q")
MAX_PACKAGE = _PREFIX.size + MAX_HEADER + _LENGTH.size + MAX_PAYLOAD + SIGNATURE
CIPHER = "x25519-xsalsa20-poly1305"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class ShareRefused(MultitrackError):
    """A share package that is refused whole: nothing of it was imported."""

    exit_code = 10
    reason = "refused"

    def __init__(self, source: str, detail: str) -> None:
        super().__init__(f"{source}: {self.reason}: {detail}; nothing was imported")
        self.source = source


class MalformedPackage(ShareRefused):
    reason = "not a valid share package"


class TamperedPackage(ShareRefused):
    reason = "the package was altered"


class UnknownSigner(ShareRefused):
    reason = "unknown signer"


class WrongRecipient(ShareRefused):
    reason = "wrong recipient"


class ReplayedPackage(ShareRefused):
    reason = "replayed or older package"


@dataclass(frozen=True)
class Header:
    """What the package says about itself (all of it covered by the signature)."""

    package_id: str
    sender: str
    recipient: str
    sender_sign_key: str  # SHA-256 of the sender's Ed25519 verify key, hex
    recipient_box_key: str  # SHA-256 of the recipient's Curve25519 public key, hex
    sequence: int  # per sender -> recipient pair, increasing
    created_at: str  # ISO 8601, UTC
    content_sha256: str  # of the decrypted payload
    counts: dict[str, int]
    cipher: str = CIPHER

    def encode(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Package:
    header: Header
    signed: bytes  # every byte the signature covers
    ciphertext: bytes
    signature: bytes


def seal(header: Header, payload: bytes, sign: SigningKey, box: PrivateKey, to: PublicKey) -> bytes:
    """The package file's bytes: header and encrypted payload, signed."""
    head = header.encode()
    ciphertext = bytes(Box(box, to).encrypt(payload))
    if len(head) > MAX_HEADER or len(ciphertext) > MAX_PAYLOAD:
        raise MultitrackError("the package would be too large: share less (--kind, --since)")
    signed = _PREFIX.pack(MAGIC, VERSION, len(head)) + head + _LENGTH.pack(len(ciphertext))
    signed += ciphertext
    return signed + sign.sign(signed).signature


def parse(data: bytes, source: str) -> Package:
    """The parts of a package file, checked for shape only (not yet for signature)."""

    def bad(why: str) -> MalformedPackage:
        return MalformedPackage(source, why)

    if len(data) > MAX_PACKAGE:
        raise bad("the file is larger than any package")
    if len(data) < _PREFIX.size:
        raise bad("the file is truncated" if MAGIC.startswith(data[:8]) else "no package header")
    magic, version, head_len = _PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise bad("no package header")
    if version != VERSION:
        raise bad(f"format version {version} is not supported (this is version {VERSION})")
    if head_len > MAX_HEADER:
        raise bad("the header is too large")
    at = _PREFIX.size + head_len
    if len(data) < at + _LENGTH.size:
        raise bad("the file is truncated")
    (payload_len,) = _LENGTH.unpack_from(data, at)
    if payload_len > MAX_PAYLOAD:
        raise bad("the payload is too large")
    end = at + _LENGTH.size + payload_len
    if len(data) < end + SIGNATURE:
        raise bad("the file is truncated")
    if len(data) > end + SIGNATURE:
        raise bad("unexpected bytes after the signature")
    header = parse_header(data[_PREFIX.size : at], bad)
    return Package(header, data[:end], data[at + _LENGTH.size : end], data[end:])


def parse_header(raw: bytes, bad: Any) -> Header:
    try:
        fields: Any = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise bad("the header is not valid JSON") from None
    names = {f for f in Header.__dataclass_fields__}
    if not isinstance(fields, dict) or set(fields) != names:
        raise bad("the header's fields are not those of a share package")
    text = ("package_id", "sender", "recipient", "created_at", "cipher")
    if not all(isinstance(fields[name], str) and fields[name] for name in text):
        raise bad("the header holds a value of the wrong type")
    for name in ("sender_sign_key", "recipient_box_key", "content_sha256"):
        if not isinstance(fields[name], str) or not _HEX64.match(fields[name]):
            raise bad(f"the header's {name} is not a SHA-256")
    sequence, counts = fields["sequence"], fields["counts"]
    if type(sequence) is not int or not 0 < sequence < 2**62:
        raise bad("the header's sequence is not a positive number")
    if not isinstance(counts, dict) or not all(
        k in KINDS and type(v) is int and v >= 0 for k, v in counts.items()
    ):
        raise bad("the header's counts are not counts of records")
    if fields["cipher"] != CIPHER:
        raise bad(f"unknown cipher {fields['cipher']!r}")
    try:
        uuid.UUID(fields["package_id"])
        datetime.fromisoformat(fields["created_at"])
    except ValueError:
        raise bad("the header's id or date is malformed") from None
    if len(fields["sender"]) > 200 or len(fields["recipient"]) > 200:
        raise bad("an organisation name is too long")
    return Header(**fields)


def verify(package: Package, sign_key: bytes, source: str) -> None:
    try:
        VerifyKey(sign_key).verify(package.signed, package.signature)
    except (BadSignatureError, ValueError):
        raise TamperedPackage(source, "its signature does not match its content") from None


def open_payload(package: Package, box: PrivateKey, sender_box: bytes, source: str) -> bytes:
    try:
        return bytes(Box(box, PublicKey(sender_box)).decrypt(package.ciphertext))
    except (CryptoError, ValueError):
        raise TamperedPackage(source, "its payload does not decrypt") from None
