"""Key pairs of organisations: made and sealed here, or trusted from a partner's file.

A local organisation has an Ed25519 signing key and a Curve25519 box key. The public halves are
kept in the clear (:class:`~multitrack.model.Organisation`); the private halves only sealed with
a passphrase: Argon2id (random salt, the limits stored beside it) derives a key for a
``SecretBox``. A partner organisation has only public keys, trusted from the file its
installation exported (``multitrack org pubkey``), and is known by their fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nacl import pwhash
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey
from nacl.secret import SecretBox
from nacl.signing import SigningKey, VerifyKey
from nacl.utils import random
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError, MultitrackError
from multitrack.model import Organisation
from multitrack.security.accounts import add_organisation, get_organisation, organisation
from multitrack.security.gate import principal_of
from multitrack.security.principal import AccessDenied

PASSPHRASE_ENV = "MULTITRACK_PASSPHRASE"
PUBLIC_FORMAT = "multitrack-public-keys"
SEALED_FORMAT = "multitrack-sealed-keys"
KEY_SIZE = 32
MAX_PUBLIC_FILE = 16 * 1024
#: Argon2id limits for new keys; each unlock costs about this (stored with the sealed keys).
OPSLIMIT = pwhash.argon2id.OPSLIMIT_INTERACTIVE
MEMLIMIT = pwhash.argon2id.MEMLIMIT_INTERACTIVE
#: What an unlock accepts from the database (a tampered row must not exhaust the machine).
MAX_OPSLIMIT = pwhash.argon2id.OPSLIMIT_SENSITIVE
MAX_MEMLIMIT = pwhash.argon2id.MEMLIMIT_SENSITIVE


class KeysError(MultitrackError):
    """A problem with an organisation's keys: missing, locked, changed or malformed."""

    exit_code = 9


class WrongPassphrase(KeysError):
    def __init__(self, org: str) -> None:
        super().__init__(f"wrong passphrase: the private keys of {org} did not unlock")


@dataclass(frozen=True)
class PrivateKeys:
    """The unlocked private keys of a local organisation (kept in memory only)."""

    organisation: str
    sign: SigningKey
    box: PrivateKey


def key_fingerprint(key: bytes) -> str:
    """SHA-256 of one public key, hex."""
    return hashlib.sha256(key).hexdigest()


def fingerprint(org: Organisation) -> str:
    """SHA-256 of both public keys (signing, then box), hex: what partners compare."""
    if org.sign_public_key is None or org.box_public_key is None:
        raise KeysError(f"{org.name} has no keys: run `multitrack org keys {org.name}`")
    return hashlib.sha256(org.sign_public_key + org.box_public_key).hexdigest()


def grouped(hex_digest: str, size: int = 4) -> str:
    """A fingerprint as people read it aloud: groups of four hex digits."""
    return " ".join(hex_digest[i : i + size] for i in range(0, len(hex_digest), size))


def is_local(org: Organisation) -> bool:
    return org.sealed_private_keys is not None


def _kdf(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return pwhash.argon2id.kdf(
        SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit
    )


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase) < 8:
        raise InvalidValueError("passphrase", "use eight characters or more")


def generate_keys(
    session: Session, org_name: str, passphrase: str, *, replace: bool = False
) -> Organisation:
    """Make the key pairs of a local organisation, sealing the private halves."""
    actor = principal_of(session)
    org = organisation(session, org_name)
    if not (actor.system or (actor.can_administer() and actor.organisation_id == org.id)):
        raise AccessDenied(f"{actor.name} may not make keys for {org.name}")
    if org.trusted_at is not None:
        raise KeysError(f"{org.name} is a trusted partner: its keys are made by its installation")
    if org.sign_public_key is not None and not replace:
        raise KeysError(f"{org.name} already has keys; give --replace to make new ones")
    _check_passphrase(passphrase)
    sign, box = SigningKey.generate(), PrivateKey.generate()
    salt = random(pwhash.argon2id.SALTBYTES)
    sealed = SecretBox(_kdf(passphrase, salt, OPSLIMIT, MEMLIMIT)).encrypt(bytes(sign) + bytes(box))
    org.sign_public_key = bytes(sign.verify_key)
    org.box_public_key = bytes(box.public_key)
    org.sealed_private_keys = json.dumps(
        {
            "format": SEALED_FORMAT,
            "version": 1,
            "kdf": "argon2id",
            "opslimit": OPSLIMIT,
            "memlimit": MEMLIMIT,
            "salt": salt.hex(),
            "sealed": bytes(sealed).hex(),
        },
        sort_keys=True,
    ).encode("utf-8")
    session.flush()
    return org


def unlock(org: Organisation, passphrase: str) -> PrivateKeys:
    """The private keys of a local organisation; :class:`WrongPassphrase` if it does not fit."""
    if org.sealed_private_keys is None:
        raise KeysError(
            f"{org.name} has no private keys here: run `multitrack org keys {org.name}`"
        )
    try:
        data = json.loads(org.sealed_private_keys.decode("utf-8"))
        opslimit, memlimit = int(data["opslimit"]), int(data["memlimit"])
        salt, sealed = bytes.fromhex(data["salt"]), bytes.fromhex(data["sealed"])
        if data.get("format") != SEALED_FORMAT or data.get("kdf") != "argon2id":
            raise ValueError("unknown format")
        if not (0 < opslimit <= MAX_OPSLIMIT and 0 < memlimit <= MAX_MEMLIMIT):
            raise ValueError("limits out of range")
        if len(salt) != pwhash.argon2id.SALTBYTES:
            raise ValueError("bad salt")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise KeysError(f"the sealed private keys of {org.name} are damaged") from None
    try:
        plain = SecretBox(_kdf(passphrase, salt, opslimit, memlimit)).decrypt(sealed)
    except CryptoError:
        raise WrongPassphrase(org.name) from None
    if len(plain) != 2 * KEY_SIZE:
        raise KeysError(f"the sealed private keys of {org.name} are damaged")
    keys = PrivateKeys(org.name, SigningKey(plain[:KEY_SIZE]), PrivateKey(plain[KEY_SIZE:]))
    if (
        bytes(keys.sign.verify_key) != org.sign_public_key
        or bytes(keys.box.public_key) != org.box_public_key
    ):
        raise KeysError(f"the public keys of {org.name} do not match its private keys")
    return keys


def export_public(org: Organisation) -> bytes:
    """The file a partner trusts: the organisation's name, public keys and fingerprint."""
    print_hex = fingerprint(org)
    assert org.sign_public_key is not None
    assert org.box_public_key is not None
    data = {
        "format": PUBLIC_FORMAT,
        "version": 1,
        "organisation": org.name,
        "sign_public_key": org.sign_public_key.hex(),
        "box_public_key": org.box_public_key.hex(),
        "fingerprint": print_hex,
    }
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class PublicKeys:
    organisation: str
    sign: bytes
    box: bytes
    fingerprint: str


def parse_public(data: bytes) -> PublicKeys:
    """A public key file, checked strictly (size, fields, key lengths, fingerprint)."""
    problem = KeysError("not a Multitrack public key file")
    if len(data) > MAX_PUBLIC_FILE:
        raise problem
    try:
        parsed: Any = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise problem from None
    expected = {"format", "version", "organisation", "sign_public_key", "box_public_key"}
    if not isinstance(parsed, dict) or set(parsed) - {"fingerprint"} != expected:
        raise problem
    if parsed["format"] != PUBLIC_FORMAT or parsed["version"] != 1:
        raise problem
    name = parsed["organisation"]
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise problem
    try:
        sign = bytes.fromhex(str(parsed["sign_public_key"]))
        box = bytes.fromhex(str(parsed["box_public_key"]))
        VerifyKey(sign)
        PublicKey(box)
    except (ValueError, TypeError, CryptoError):
        raise problem from None
    if len(sign) != KEY_SIZE or len(box) != KEY_SIZE:
        raise problem
    computed = hashlib.sha256(sign + box).hexdigest()
    if parsed.get("fingerprint", computed) != computed:
        raise KeysError(f"the fingerprint in the key file of {name} does not match its keys")
    return PublicKeys(name.strip(), sign, box, computed)


def trust(session: Session, data: bytes, *, replace: bool = False) -> tuple[Organisation, bool]:
    """Add or update a partner organisation from its public key file.

    Returns the organisation and whether anything changed. A partner whose trusted keys differ
    from the file's is refused unless ``replace`` (a changed key is a reason to phone them).
    """
    actor = principal_of(session)
    if not actor.system:
        raise AccessDenied(f"{actor.name} may not trust keys; the local administrator can")
    keys = parse_public(data)
    org = get_organisation(session, keys.organisation, missing_ok=True)
    if org is None:
        org = add_organisation(session, keys.organisation)
    if is_local(org):
        raise KeysError(f"{org.name} is an organisation of this installation, not a partner")
    if org.sign_public_key is not None and org.box_public_key is not None:
        if (org.sign_public_key, org.box_public_key) == (keys.sign, keys.box):
            return org, False
        if not replace:
            raise KeysError(
                f"the keys of {org.name} changed (trusted {grouped(fingerprint(org))[:19]}..., "
                f"file {grouped(keys.fingerprint)[:19]}...): check with them, then use --replace"
            )
    org.sign_public_key, org.box_public_key = keys.sign, keys.box
    org.trusted_at = datetime.now(UTC)
    session.flush()
    return org, True
