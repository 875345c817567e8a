"""libFuzzer (atheris) over the share-package importer: no crash but its own refusal, no import.

    uv run python fuzz/fuzz_share.py -max_total_time=20     # or -runs=N; a corpus folder may follow

At start it builds two installations (tests/security/share_world.py) in a temporary folder (or
$MULTITRACK_FUZZ_DIR) and seeds the corpus with a real package from Alpha to Bravo. Every input
goes through the whole import at Bravo's (the seed itself was imported once before, so it
is a no-op); any exception other than a MultitrackError, or any
change to Bravo's database (records, receipts, audit entries), is a finding.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "security"))

with atheris.instrument_imports(include=["multitrack.security"]):
    from multitrack.errors import MultitrackError
    from multitrack.security import keys
    from multitrack.security.principal import LOCAL_ADMIN
    from multitrack.security.share import Filters, export_package, import_bytes

from nacl import pwhash  # noqa: E402
from share_world import PASS_A, PASS_B, Site, build, init_template, sqlite_site  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from multitrack.model import Actor, AuditEntry, Channel, Engagement, ShareReceipt  # noqa: E402

keys.OPSLIMIT = pwhash.argon2id.OPSLIMIT_MIN
keys.MEMLIMIT = pwhash.argon2id.MEMLIMIT_MIN


def _counts(site: Site) -> tuple[int, ...]:
    with site.store.session(LOCAL_ADMIN) as s:
        return tuple(
            int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Actor, Channel, Engagement, ShareReceipt, AuditEntry)
        )


def _world(folder: Path) -> tuple[Site, bytes]:
    init_template(folder / "template.db")
    alpha = sqlite_site(folder / "alpha", "alpha", folder / "template.db")
    bravo = sqlite_site(folder / "bravo", "bravo", folder / "template.db")
    build(alpha, bravo)
    out = folder / "seed.mtshare"
    export_package(
        alpha.store,
        principal=LOCAL_ADMIN,
        sender="Alpha",
        recipient="Bravo",
        out=out,
        passphrase=PASS_A,
        filters=Filters(kinds=frozenset({"engagements"})),
    )
    alpha.store.dispose()
    return bravo, out.read_bytes()


def main() -> None:
    folder = Path(os.environ.get("MULTITRACK_FUZZ_DIR") or tempfile.mkdtemp(prefix="fuzz-"))
    bravo, seed = _world(folder)
    corpus = folder / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "seed").write_bytes(seed)
    # The seed is imported once here: from now on it is a no-op ("imported before") that walks
    # the whole check path, so its mutations start from full coverage.
    import_bytes(bravo.store, seed, source="seed", principal=LOCAL_ADMIN, passphrase=PASS_B)
    baseline = _counts(bravo)

    def one(data: bytes) -> None:
        try:
            report = import_bytes(
                bravo.store, data, source="fuzz", principal=LOCAL_ADMIN, passphrase=PASS_B
            )
        except MultitrackError as error:
            if "\n" in str(error):
                raise AssertionError(f"a refusal of more than one line: {error}") from None
        else:
            if not (report.already_imported and data == seed):
                raise AssertionError("a changed package was imported")
        if _counts(bravo) != baseline:
            raise AssertionError("a refused package changed the database")

    args = [arg for arg in sys.argv if not arg.startswith(str(corpus))]
    atheris.Setup([*args, str(corpus)], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
