"""Sealed share packages between two installations: what travels, and what is refused.

Alpha's installation exports to Bravo's. Bravo must receive exactly the records both Alpha and
Bravo may see (asked of the gate at Alpha's, as each organisation), with their labels; a
tampered, misdirected, unknown, replayed or truncated package is refused with one clear line
and nothing of it is imported (the full export of Bravo's database is compared before and
after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from nacl import pwhash
from typer.testing import CliRunner

from multitrack.cli.main import app
from multitrack.config import DB_ENV, STATE_DIR_ENV
from multitrack.errors import MultitrackError
from multitrack.exchange.exporter import records_of
from multitrack.security import accounts, keys
from multitrack.security.keys import WrongPassphrase
from multitrack.security.package import (
    MalformedPackage,
    ReplayedPackage,
    ShareRefused,
    TamperedPackage,
    UnknownSigner,
    WrongRecipient,
)
from multitrack.security.principal import LOCAL_ADMIN, AccessDenied, Principal, Role
from multitrack.security.share import Filters, export_package, import_bytes, import_package
from tests.security.share_world import (
    PASS_A,
    PASS_B,
    PASS_C,
    Site,
    build,
    init_template,
    labelled_ids,
    sqlite_site,
    url_site,
)

# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seal new test keys with the cheapest Argon2id limits (the limits are stored with them)."""
    monkeypatch.setattr(keys, "OPSLIMIT", pwhash.argon2id.OPSLIMIT_MIN)
    monkeypatch.setattr(keys, "MEMLIMIT", pwhash.argon2id.MEMLIMIT_MIN)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("share-template") / "template.db"
    init_template(path)
    return path


@pytest.fixture
def world(tmp_path: Path, template: Path) -> Iterator[tuple[Site, Site]]:
    alpha = sqlite_site(tmp_path / "alpha", "alpha", template)
    bravo = sqlite_site(tmp_path / "bravo", "bravo", template)
    build(alpha, bravo)
    yield alpha, bravo
    alpha.store.dispose()
    bravo.store.dispose()


Export = Callable[..., Path]


@pytest.fixture
def export(world: tuple[Site, Site], tmp_path: Path) -> Export:
    alpha, _ = world
    made = iter(range(1, 1000))

    def run(
        *,
        sender: str = "Alpha",
        to: str = "Bravo",
        passphrase: str = PASS_A,
        filters: Filters | None = None,
    ) -> Path:
        out = tmp_path / "packages" / f"p{next(made)}.mtshare"
        export_package(
            alpha.store,
            principal=LOCAL_ADMIN,
            sender=sender,
            recipient=to,
            out=out,
            passphrase=passphrase,
            filters=filters,
        )
        return out

    return run


def view(site: Site, org: str, clearance: int = 10**6) -> set[tuple[str, str]]:
    """The labelled records a principal of ``org`` sees at ``site`` (through the gate)."""
    with site.store.session(LOCAL_ADMIN) as s:
        org_id = accounts.organisation(s, org).id
    principal = Principal(f"probe:{org}", Role.viewer, clearance, org_id, org)
    with site.store.session(principal) as s:
        return labelled_ids({k: {r["id"]: r for r in records_of(s, k)} for k in LABELLED})


LABELLED = ("actors", "memberships", "channels", "agreements", "engagements", "objectives")


def refused(
    bravo: Site, data: bytes, error: type[MultitrackError] = ShareRefused, passphrase: str = PASS_B
) -> str:
    """Import ``data`` at Bravo's: it must be refused and change nothing."""
    before, receipts = bravo.records(), bravo.receipts()
    with pytest.raises(error) as caught:
        import_bytes(bravo.store, data, source="pkg", principal=LOCAL_ADMIN, passphrase=passphrase)
    assert bravo.records() == before
    assert bravo.receipts() == receipts
    message = str(caught.value)
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------------------------
# What travels


def test_recipient_gets_exactly_the_releasable_records_with_labels(
    world: tuple[Site, Site], export: Export
) -> None:
    alpha, bravo = world
    before = bravo.records()
    report = import_package(bravo.store, export(), principal=LOCAL_ADMIN, passphrase=PASS_B)
    after = bravo.records()
    sent = alpha.records()

    # exactly what both organisations may see at Alpha's, less what Bravo's already had
    both = view(alpha, "Alpha") & view(alpha, "Bravo")
    assert labelled_ids(after) - labelled_ids(before) == both - labelled_ids(before)
    ids = alpha.ids
    assert ("actors", ids["shared_actor"]) in both
    for hidden in ("secret_actor", "charlie_actor"):
        assert ("actors", ids[hidden]) not in labelled_ids(after)
    for hidden in ("hidden_channel",):
        assert ("channels", ids[hidden]) not in labelled_ids(after)
    for hidden in ("hidden_engagement", "secret_engagement"):
        assert ("engagements", ids[hidden]) not in labelled_ids(after)

    # labels kept; a hidden participant is cut from what travels
    for kind, key in labelled_ids(after) - labelled_ids(before):
        for label in ("classification", "owner", "releasable_to"):
            assert after[kind][key][label] == sent[kind][key][label], (kind, key, label)
    channel = after["channels"][ids["shared_channel"]]
    assert channel["classification"] == "RESTRICTED"
    assert channel["releasable_to"] == ["Bravo", "Charlie"]
    assert ids["secret_actor"] not in {p["actor"] for p in channel["participants"]}
    assert len(channel["participants"]) == 3
    engagement = after["engagements"][ids["shared_engagement"]]
    assert ids["secret_actor"] not in engagement["participants"]
    assert after["actors"][ids["shared_actor"]]["classification"] == "CONFIDENTIAL"
    assert "sectors:arctic" in after["terms"]
    assert {"Alpha", "Charlie"} <= set(after["organisations"])
    assert report.added["engagements"] == 1
    assert report.kept["actors"] > 200  # the countries Bravo's installation has already

    # Bravo's users see what was released to them; nobody else does
    assert ("actors", ids["shared_actor"]) in view(bravo, "Bravo", clearance=2)
    assert ("actors", ids["shared_actor"]) not in view(bravo, "Bravo", clearance=1)


def test_importing_twice_adds_nothing(world: tuple[Site, Site], export: Export) -> None:
    _, bravo = world
    package = export()
    first = import_package(bravo.store, package, principal=LOCAL_ADMIN, passphrase=PASS_B)
    assert not first.already_imported
    records, receipts = bravo.records(), bravo.receipts()
    again = import_package(bravo.store, package, principal=LOCAL_ADMIN, passphrase=PASS_B)
    assert again.already_imported
    assert (bravo.records(), bravo.receipts()) == (records, receipts)
    # a newer package with the same records merges by id: nothing new either
    newer = import_package(bravo.store, export(), principal=LOCAL_ADMIN, passphrase=PASS_B)
    assert sum(newer.added.values()) == 0
    assert bravo.records() == records


def test_provenance_and_audit_on_both_sides(world: tuple[Site, Site], export: Export) -> None:
    alpha, bravo = world
    report = import_package(bravo.store, export(), principal=LOCAL_ADMIN, passphrase=PASS_B)
    sent, received = alpha.audit("share"), bravo.audit("share")
    assert [e.entity_id for e in sent] == [report.package_id]
    assert [e.entity_id for e in received] == [report.package_id]
    assert '"direction": "import"' in (received[0].detail or "")
    assert bravo.receipts() == 1


def test_filters_choose_records_and_bring_what_they_need(
    world: tuple[Site, Site], export: Export
) -> None:
    alpha, bravo = world
    ids = alpha.ids
    package = export(filters=Filters(kinds=frozenset({"engagements"})))
    import_package(bravo.store, package, principal=LOCAL_ADMIN, passphrase=PASS_B)
    got = bravo.records()
    assert set(got["engagements"]) == {ids["shared_engagement"]}
    assert ids["shared_channel"] in got["channels"]  # what the engagement needs
    assert ids["shared_actor"] in got["actors"]

    report = import_package(
        bravo.store,
        export(filters=Filters(actor="Shared Institute", since=None)),
        principal=LOCAL_ADMIN,
        passphrase=PASS_B,
    )
    assert report.received["actors"] >= 1
    later = import_package(
        bravo.store,
        export(filters=Filters(since=date(2999, 1, 1))),
        principal=LOCAL_ADMIN,
        passphrase=PASS_B,
    )
    assert sum(later.received[k] for k in LABELLED) == 0


def user(site: Site, name: str, org: str, role: str, clearance: str) -> Principal:
    with site.store.session(LOCAL_ADMIN) as s:
        accounts.add_user(
            s,
            name,
            organisation_name=org,
            role=role,
            clearance=clearance,
            password="a long enough password",
        )
        return accounts.principal_for(accounts.get_user(s, name))


def test_users_share_within_their_rights(world: tuple[Site, Site], tmp_path: Path) -> None:
    alpha, bravo = world
    sender = user(alpha, "ana", "Alpha", "admin", "RESTRICTED")  # below CONFIDENTIAL
    out = tmp_path / "by-ana.mtshare"
    export_package(
        alpha.store, principal=sender, sender="Alpha", recipient="Bravo", out=out,
        passphrase=PASS_A,
    )  # fmt: skip
    viewer = user(bravo, "vic", "Bravo", "viewer", "SECRET")
    before = bravo.records()
    with pytest.raises(AccessDenied):
        import_package(bravo.store, out, principal=viewer, passphrase=PASS_B)
    assert bravo.records() == before
    admin = user(bravo, "bea", "Bravo", "admin", "SECRET")
    import_package(bravo.store, out, principal=admin, passphrase=PASS_B)
    got = bravo.records()
    ids = alpha.ids
    assert ids["shared_channel"] in got["channels"]  # RESTRICTED: within Ana's clearance
    assert ids["shared_actor"] not in got["actors"]  # CONFIDENTIAL: above it
    assert [e.principal for e in bravo.audit("share")] == ["bea"]
    with pytest.raises(AccessDenied):
        export_package(
            alpha.store, principal=user(alpha, "val", "Alpha", "viewer", "SECRET"),
            sender="Alpha", recipient="Bravo", out=out, passphrase=PASS_A,
        )  # fmt: skip


# --------------------------------------------------------------------------------------------
# What is refused


def test_tampered_bytes_are_refused(world: tuple[Site, Site], export: Export) -> None:
    _, bravo = world
    data = export(filters=Filters(kinds=frozenset({"engagements"}))).read_bytes()
    header_end = 14 + int.from_bytes(data[10:14], "big")
    positions = {
        "magic": 0,
        "header length": 12,
        "header": 14 + 20,
        "header end": header_end - 3,
        "payload length": header_end + 7,
        "ciphertext": header_end + 8 + 40,
        "ciphertext end": len(data) - 65,
        "signature": len(data) - 10,
    }
    positions.update({f"sample {i}": i for i in range(0, len(data), max(1, len(data) // 40))})
    for where, at in positions.items():
        changed = bytearray(data)
        changed[at] ^= 0x01
        message = refused(bravo, bytes(changed))
        assert "nothing was imported" in message, where


def test_wrong_recipient_is_refused(world: tuple[Site, Site], export: Export) -> None:
    _, bravo = world
    data = export(to="Charlie").read_bytes()
    assert "wrong recipient" in refused(bravo, data, WrongRecipient)


def test_unknown_signer_is_refused(world: tuple[Site, Site], export: Export) -> None:
    alpha, bravo = world
    data = export(sender="Charlie", passphrase=PASS_C).read_bytes()
    assert "unknown signer" in refused(bravo, data, UnknownSigner)
    # Alpha makes new keys: packages signed with them are unknown until Bravo trusts them
    with alpha.store.session(LOCAL_ADMIN) as s:
        keys.generate_keys(s, "Alpha", PASS_A, replace=True)
    refused(bravo, export().read_bytes(), UnknownSigner)


def test_older_package_after_newer_is_refused(world: tuple[Site, Site], export: Export) -> None:
    _, bravo = world
    older, newer = export(), export()
    import_package(bravo.store, newer, principal=LOCAL_ADMIN, passphrase=PASS_B)
    message = refused(bravo, older.read_bytes(), ReplayedPackage)
    assert "sequence 1" in message
    assert "last imported 2" in message


def test_every_truncation_is_refused(world: tuple[Site, Site], export: Export) -> None:
    _, bravo = world
    data = export(filters=Filters(kinds=frozenset({"engagements"}))).read_bytes()
    before = bravo.records()
    for length in range(len(data)):
        with pytest.raises(MalformedPackage):
            import_bytes(
                bravo.store, data[:length], source="p", principal=LOCAL_ADMIN, passphrase=PASS_B
            )
    assert bravo.records() == before
    assert bravo.receipts() == 0
    refused(bravo, data + b"\x00", MalformedPackage)


def test_wrong_passphrase_is_a_clear_error(world: tuple[Site, Site], export: Export) -> None:
    _, bravo = world
    package = export()
    message = refused(bravo, package.read_bytes(), WrongPassphrase, passphrase="not it at all")
    assert message == "wrong passphrase: the private keys of Bravo did not unlock"
    with pytest.raises(WrongPassphrase):
        export(passphrase="not it at all")


def test_a_signed_package_cannot_be_altered_into_another(
    world: tuple[Site, Site], export: Export
) -> None:
    """Swapping the ciphertexts of two genuine packages breaks both signatures."""
    _, bravo = world
    first, second = export().read_bytes(), export().read_bytes()
    start = 14 + int.from_bytes(first[10:14], "big")
    second_start = 14 + int.from_bytes(second[10:14], "big")
    spliced = first[:start] + second[second_start:]
    refused(bravo, spliced, TamperedPackage)


# --------------------------------------------------------------------------------------------
# The command line, and PostgreSQL


def test_cli_keys_trust_export_import(
    world: tuple[Site, Site], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alpha, bravo = world

    def cli(site: Site, *args: str, passphrase: str | None = None) -> Any:
        env = {DB_ENV: site.store.url, STATE_DIR_ENV: str(site.state)}
        env["MULTITRACK_PASSPHRASE"] = passphrase  # type: ignore[assignment]
        result = CliRunner().invoke(app, list(args), env=env)
        return result

    made = cli(alpha, "org", "add", "Delta")
    assert made.exit_code == 0
    keyed = cli(alpha, "org", "keys", "Delta", passphrase="delta passphrase")
    assert keyed.exit_code == 0, keyed.stderr
    assert "fingerprint" in keyed.stdout
    pub = tmp_path / "delta.pub"
    assert cli(alpha, "org", "pubkey", "Delta", "--out", str(pub)).exit_code == 0
    trusted = cli(bravo, "org", "trust", str(pub))
    assert trusted.exit_code == 0, trusted.stderr
    with alpha.store.session(LOCAL_ADMIN) as s:
        fingerprint = keys.fingerprint(accounts.organisation(s, "Delta"))
    assert keys.grouped(fingerprint) in trusted.stdout.replace("\n", "")

    out = tmp_path / "to-bravo.mtshare"
    sent = cli(
        alpha,
        "share", "export", "--from", "Alpha", "--to", "Bravo", "--out", str(out),
        "--kind", "channels",
        passphrase=PASS_A,
    )  # fmt: skip
    assert sent.exit_code == 0, sent.stderr
    got = cli(bravo, "share", "import", str(out), passphrase=PASS_B)
    assert got.exit_code == 0, got.stderr
    assert "imported" in got.stdout
    again = cli(bravo, "share", "import", str(out), passphrase=PASS_B)
    assert "nothing changed" in again.stdout

    bad = tmp_path / "bad.mtshare"
    bad.write_bytes(out.read_bytes()[:100])
    failed = cli(bravo, "share", "import", str(bad), passphrase=PASS_B)
    assert failed.exit_code == 10
    assert "truncated" in failed.stderr
    assert "nothing was imported" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1
    # a changed key file is refused unless --replace
    with alpha.store.session(LOCAL_ADMIN) as s:
        keys.generate_keys(s, "Delta", "delta passphrase", replace=True)
    assert cli(alpha, "org", "pubkey", "Delta", "--out", str(pub)).exit_code == 0
    changed = cli(bravo, "org", "trust", str(pub))
    assert changed.exit_code != 0
    assert "--replace" in changed.stderr
    assert cli(bravo, "org", "trust", str(pub), "--replace").exit_code == 0


def test_round_trip_on_each_backend(
    db_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Alpha's installation on the test's backend, Bravo's on another database of it."""
    if db_url.startswith("sqlite"):
        other = f"sqlite:///{tmp_path}/bravo.db"
    else:
        other = request.getfixturevalue("pg_database_factory")()
    alpha = url_site(db_url, tmp_path / "state-alpha")
    bravo = url_site(other, tmp_path / "state-bravo")
    try:
        build(alpha, bravo)
        out = tmp_path / "p.mtshare"
        export_package(
            alpha.store,
            principal=LOCAL_ADMIN,
            sender="Alpha",
            recipient="Bravo",
            out=out,
            passphrase=PASS_A,
        )
        before = bravo.records()
        import_package(bravo.store, out, principal=LOCAL_ADMIN, passphrase=PASS_B)
        after = bravo.records()
        both = view(alpha, "Alpha") & view(alpha, "Bravo")
        assert labelled_ids(after) - labelled_ids(before) == both - labelled_ids(before)
        assert after["channels"][alpha.ids["shared_channel"]]["owner"] == "Alpha"
        again = import_package(bravo.store, out, principal=LOCAL_ADMIN, passphrase=PASS_B)
        assert again.already_imported
        assert bravo.records() == after
        refused(bravo, out.read_bytes()[:-1], MalformedPackage)
    finally:
        alpha.store.dispose()
        bravo.store.dispose()
