"""Two installations for the sharing tests: Alpha's (sender) and Bravo's (recipient).

Alpha's installation holds organisations Alpha (local, with keys), Charlie (local too, so that a
package can be sealed to someone other than Bravo) and Bravo (a trusted partner), and labelled
records of which only some are releasable to Bravo. Bravo's installation holds Bravo (local,
with keys) and trusts Alpha. Every installation has its own database and state folder.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from multitrack.exchange.apply import save
from multitrack.exchange.exporter import records_of
from multitrack.exchange.records import (
    ActorRecord,
    ChannelRecord,
    EngagementRecord,
    TermRecord,
)
from multitrack.model import AuditEntry, ShareReceipt
from multitrack.security import accounts, keys
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.services.setup import init_database
from multitrack.store import Store, open_store

PASS_A = "alpha passphrase"
PASS_B = "bravo passphrase"
PASS_C = "charlie passphrase"
LABELLED = ("actors", "memberships", "channels", "agreements", "engagements", "objectives")


@dataclass
class Site:
    store: Store
    state: Path
    ids: dict[str, str] = field(default_factory=dict)

    def records(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every record (as the local administrator sees it), kind -> id -> record."""
        with self.store.session(LOCAL_ADMIN) as s:
            out = {kind: {r["id"]: r for r in records_of(s, kind)} for kind in LABELLED}
            out["organisations"] = {r["name"]: r for r in records_of(s, "organisations")}
            out["terms"] = {f"{r['vocabulary']}:{r['id']}": r for r in records_of(s, "terms")}
        return out

    def receipts(self) -> int:
        with self.store.session(LOCAL_ADMIN) as s:
            return int(s.scalar(select(func.count()).select_from(ShareReceipt)) or 0)

    def audit(self, action: str) -> list[AuditEntry]:
        with self.store.session(LOCAL_ADMIN) as s:
            return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def init_template(path: Path) -> None:
    store = open_store(f"sqlite:///{path}", state_dir=path.parent / "template-state")
    try:
        init_database(store)
    finally:
        store.dispose()


def sqlite_site(folder: Path, name: str, template: Path) -> Site:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / f"{name}.db")
    state = folder / f"state-{name}"
    return Site(open_store(f"sqlite:///{folder / name}.db", state_dir=state), state)


def url_site(url: str, state: Path) -> Site:
    store = open_store(url, state_dir=state)
    init_database(store)
    return Site(store, state)


def build(alpha: Site, bravo: Site) -> None:
    """Organisations, keys, trust and records of both installations."""
    with bravo.store.session(LOCAL_ADMIN) as s:
        accounts.add_organisation(s, "Bravo")
        pub_bravo = keys.export_public(keys.generate_keys(s, "Bravo", PASS_B))
    with alpha.store.session(LOCAL_ADMIN) as s:
        for name in ("Alpha", "Charlie"):
            accounts.add_organisation(s, name)
        keys.generate_keys(s, "Alpha", PASS_A)
        keys.generate_keys(s, "Charlie", PASS_C)
        keys.trust(s, pub_bravo)
        pub_alpha = keys.export_public(accounts.organisation(s, "Alpha"))
        alpha.ids.update(_records(s))
    with bravo.store.session(LOCAL_ADMIN) as s:
        keys.trust(s, pub_alpha)


def _records(s: Any) -> dict[str, str]:
    def add(kind: str, record: Any) -> str:
        return str(save(s, kind, record).id)

    ids = {
        "secret_actor": add(
            "actors",
            ActorRecord(
                kind="ngo",
                name="Secret Source",
                country="NOR",
                owner="Alpha",
                classification="SECRET",
                releasable_to=["Alpha"],
            ),
        ),
        "shared_actor": add(
            "actors",
            ActorRecord(
                kind="ngo",
                name="Shared Institute",
                country="NOR",
                owner="Alpha",
                classification="CONFIDENTIAL",
                releasable_to=["Bravo"],
            ),
        ),
        "charlie_actor": add(
            "actors",
            ActorRecord(
                kind="ngo",
                name="Charlie Desk",
                country="SWE",
                owner="Charlie",
                releasable_to=["Alpha"],
            ),
        ),
    }
    save(s, "terms", TermRecord(vocabulary="sectors", id="arctic", name="Arctic affairs"))
    ids["shared_channel"] = add(
        "channels",
        ChannelRecord.model_validate(
            {
                "name": "Barents water talks",
                "track": "2",
                "sector": "arctic",
                "participants": ["NOR", "RUS", "Secret Source", "Shared Institute"],
                "owner": "Alpha",
                "classification": "RESTRICTED",
                "releasable_to": ["Bravo", "Charlie"],
            }
        ),
    )
    ids["hidden_channel"] = add(
        "channels",
        ChannelRecord.model_validate(
            {
                "name": "Quiet channel",
                "track": "1.5",
                "sector": "water",
                "participants": ["NOR", "SWE"],
                "owner": "Alpha",
                "releasable_to": ["Alpha"],
            }
        ),
    )
    ids["shared_engagement"] = add(
        "engagements",
        EngagementRecord.model_validate(
            {
                "channel": ids["shared_channel"],
                "kind": "intelligence_sharing",
                "start": "2024-03-02",
                "summary": "First round",
                "participants": ["NOR", "Secret Source", "Shared Institute"],
                "owner": "Alpha",
                "releasable_to": ["Bravo"],
            }
        ),
    )
    ids["hidden_engagement"] = add(
        "engagements",
        EngagementRecord.model_validate(
            {
                "channel": ids["shared_channel"],
                "kind": "intelligence_sharing",
                "start": "2024-04",
                "summary": "Internal debrief",
                "owner": "Alpha",
                "releasable_to": ["Alpha"],
            }
        ),
    )
    ids["secret_engagement"] = add(
        "engagements",
        EngagementRecord.model_validate(
            {
                "channel": ids["hidden_channel"],
                "kind": "intelligence_sharing",
                "start": "2024-05",
                "summary": "On a hidden channel, released to Bravo",
                "owner": "Alpha",
                "releasable_to": ["Bravo"],
            }
        ),
    )
    return ids


def labelled_ids(records: dict[str, dict[str, dict[str, Any]]]) -> set[tuple[str, str]]:
    return {(kind, key) for kind in LABELLED for key in records[kind]}
