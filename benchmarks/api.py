"""API benchmark (issue 5, "Performance"): the served app under a real load generator.

    uv run python benchmarks/api.py --out /tmp/mtbench-api

1. Fills a SQLite registry with ``--actors`` actors (the countries plus generated ones),
   10,000 channels and ``--engagements`` engagements (2 participants each; 90 % public,
   5 % SECRET of the benchmark's own desk, 5 % owned by another organisation and hidden), and
   an event store with ``--events`` GDELT 2.0 rows (the events benchmark's generator,
   ``benchmarks/events.py``; its file under ``/tmp/mtbench`` is reused when present).
   Everything is kept under ``--out`` and reused by the next run.
2. Starts ``multitrack serve`` on a free loopback port, as a user (editor, cleared SECRET,
   API token): every answer passes the visibility gate.
3. Measures, with a Python client (one keep-alive connection, sequential requests):
   * **actor page**: the five calls an actor page needs (the actor; its channels, latest 20
     engagements, agreements and memberships) for random actors — p50/p95 per call and per page;
   * **relations**: ``/api/v1/relations`` for random country dyads by month, each asked once
     (not cached) at ``--events`` events — p50/p95;
   and, with ``wrk`` (Debian package; ``--duration`` s, ``--connections`` connections, 2
   threads), requests/s and latency on **cached reads**: a relations query already answered
   (in-process answer cache) and one actor.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
EVENTS_BENCH_OUT = Path("/tmp/mtbench")
SEED = 20251126
CHANNELS = 10_000
COUNTRIES = (
    "USA",
    "CHN",
    "RUS",
    "GBR",
    "FRA",
    "DEU",
    "ISR",
    "PSE",
    "IRN",
    "UKR",
    "TUR",
    "SYR",
    "IND",
    "PAK",
    "JPN",
    "KOR",
    "PRK",
    "NOR",
    "SAU",
    "EGY",
)
TARGETS = {"actor page p95 (ms)": 50.0, "relations p95 (ms)": 100.0, "cached reads (req/s)": 300.0}


# ------------------------------------------------------------------------------------------
# Data


def build_registry(url: str, state: Path, actors: int, engagements: int) -> None:
    """Bulk rows through Core in a system context (the benchmark's setup, not a user path)."""
    from sqlalchemy import insert, select

    from multitrack.model import (
        Actor,
        ActorAlias,
        Channel,
        ChannelParticipant,
        Engagement,
        EngagementParticipant,
    )
    from multitrack.security import accounts
    from multitrack.security.principal import system_context
    from multitrack.services.setup import init_database
    from multitrack.store import open_store
    from multitrack.values import normalise_name

    rng = random.Random(SEED)
    store = open_store(url, state_dir=state)
    init_database(store)
    with store.session(system_context("benchmark")) as session:
        desk = accounts.add_organisation(session, "Bench desk")
        other = accounts.add_organisation(session, "Other desk")
        existing = [a for a in session.scalars(select(Actor))]
        states = [a.id for a in existing if a.iso3 in COUNTRIES]

        def labels() -> dict[str, Any]:
            roll = rng.random()
            if roll < 0.05:
                return {"classification": 3, "owner_id": desk.id, "releasable_to_all": False}
            if roll < 0.10:
                return {"classification": 0, "owner_id": other.id, "releasable_to_all": False}
            return {"classification": 0, "owner_id": None, "releasable_to_all": True}

        kinds = ("ngo", "company", "academia", "media", "igo", "funder", "religious")
        actor_rows, alias_rows = [], []
        for i in range(actors - len(existing)):
            key = uuid.UUID(int=rng.getrandbits(128))
            name = f"{rng.choice(('Centre', 'Forum', 'Institute', 'Group', 'Council'))} {i:05d}"
            actor_rows.append(
                {
                    "id": key,
                    "kind": rng.choice(kinds),
                    "name": name,
                    "country": rng.choice(COUNTRIES),
                    **labels(),
                }
            )
            alias_rows.append(
                {
                    "id": uuid.uuid4(),
                    "actor_id": key,
                    "alias": name,
                    "norm": normalise_name(name),
                    "origin": "name",
                    "position": 0,
                }
            )
        connection = session.connection()
        connection.execute(insert(Actor), actor_rows)
        connection.execute(insert(ActorAlias), alias_rows)
        everyone = states * 50 + [r["id"] for r in actor_rows]  # states take part most
        channel_rows, participant_rows = [], []
        for i in range(CHANNELS):
            key = uuid.UUID(int=rng.getrandbits(128))
            pair = rng.sample(everyone, 2)
            while pair[0] == pair[1]:
                pair = rng.sample(everyone, 2)
            channel_rows.append(
                {
                    "id": key,
                    "name": f"Channel {i:05d}",
                    "track": rng.choice(("1", "1.5", "2", "3", "4")),
                    "sector": rng.choice(
                        ("security", "health", "trade_investment", "climate", "culture")
                    ),
                    "status": "active",
                    "started": str(rng.randint(1990, 2024)),
                    **labels(),
                }
            )
            for position, actor in enumerate(pair):
                participant_rows.append(
                    {"id": uuid.uuid4(), "channel_id": key, "actor_id": actor, "position": position}
                )
        connection.execute(insert(Channel), channel_rows)
        connection.execute(insert(ChannelParticipant), participant_rows)
        by_channel: dict[uuid.UUID, list[uuid.UUID]] = {}
        for row in participant_rows:
            by_channel.setdefault(row["channel_id"], []).append(row["actor_id"])
        channel_ids = list(by_channel)
        first = date(1990, 1, 1)
        for start in range(0, engagements, 20_000):
            engagement_rows, taking_part = [], []
            for i in range(start, min(engagements, start + 20_000)):
                key = uuid.UUID(int=rng.getrandbits(128))
                channel = rng.choice(channel_ids)
                day = first + timedelta(days=rng.randrange(13_000))
                engagement_rows.append(
                    {
                        "id": key,
                        "channel_id": channel,
                        "kind": "diplomatic_political",
                        "start": day.isoformat(),
                        "summary": f"Round {i}",
                        **labels(),
                    }
                )
                for position, actor in enumerate(by_channel[channel]):
                    taking_part.append(
                        {
                            "id": uuid.uuid4(),
                            "engagement_id": key,
                            "actor_id": actor,
                            "position": position,
                        }
                    )
            connection.execute(insert(Engagement), engagement_rows)
            connection.execute(insert(EngagementParticipant), taking_part)
    store.dispose()


def upgrade_registry(url: str, state: Path) -> None:
    from multitrack.services.setup import init_database
    from multitrack.store import open_store

    store = open_store(url, state_dir=state)
    init_database(store)
    store.dispose()


def events_source(rows: int, out: Path) -> Path:
    shared = EVENTS_BENCH_OUT / f"gdelt2-{rows}.export.CSV"
    if shared.exists():
        return shared
    sys.path.insert(0, str(REPO / "benchmarks"))
    from events import generate  # the events benchmark's generator (same seed, same rows)

    target = out / f"gdelt2-{rows}.export.CSV"
    if not target.exists():
        generate(rows, target)
    return target


def build_events(rows: int, out: Path, events_dir: Path) -> int:
    from multitrack.events.catalogue import datasets
    from multitrack.events.ingest import ingest

    stored = sum(info.rows for info in datasets(events_dir)) if events_dir.exists() else 0
    if stored >= rows:
        return stored
    shutil.rmtree(events_dir, ignore_errors=True)
    [report] = ingest([events_source(rows, out)], events_dir=events_dir)
    assert report.ok, report
    return report.rows_stored


def bench_token(url: str, state: Path) -> str:
    from multitrack.security import accounts
    from multitrack.security.passwords import random_password
    from multitrack.security.principal import system_context
    from multitrack.store import open_store

    store = open_store(url, state_dir=state)
    with store.session(system_context("benchmark")) as session:
        if not any(u.name == "bench" for u in accounts.list_users(session)):
            accounts.add_user(
                session,
                "bench",
                organisation_name="Bench desk",
                role="editor",
                clearance="SECRET",
                password=random_password(),
            )
        token = accounts.create_token(session, "bench")
    store.dispose()
    return token


# ------------------------------------------------------------------------------------------
# Measuring


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(url: str, events_dir: Path, state: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MULTITRACK_STATE_DIR": str(state)}
    command = [str(Path(sys.executable).parent / "multitrack")]
    server = subprocess.Popen(
        [*command, "--db", url, "--events-dir", str(events_dir), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered) * 1000, 1),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
    }


def actor_page(client: httpx.Client, actor: str) -> dict[str, float]:
    calls = {
        "actor": f"/api/v1/actors/{actor}",
        "channels": f"/api/v1/channels?actor={actor}&limit=50",
        "engagements": f"/api/v1/engagements?actor={actor}&limit=20",
        "agreements": f"/api/v1/agreements?actor={actor}&limit=50",
        "memberships": f"/api/v1/memberships?member={actor}&limit=50",
    }
    took: dict[str, float] = {}
    for name, path in calls.items():
        started = time.perf_counter()
        response = client.get(path)
        took[name] = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code, response.text)
    return took


def sample(base: str, token: str, pages: int, dyads: int) -> dict[str, Any]:
    rng = random.Random(SEED + 1)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        ids = [a["id"] for a in client.get("/api/v1/actors?limit=500&kind=state").json()["items"]]
        ids += [a["id"] for a in client.get("/api/v1/actors?limit=500&offset=2000").json()["items"]]
        for actor in ids[:5]:
            actor_page(client, actor)  # warm up
        per_call: dict[str, list[float]] = {}
        totals: list[float] = []
        for _ in range(pages):
            took = actor_page(client, rng.choice(ids))
            totals.append(sum(took.values()))
            for name, seconds in took.items():
                per_call.setdefault(name, []).append(seconds)
        pairs = [(a, b) for a in COUNTRIES for b in COUNTRIES if a != b]
        rng.shuffle(pairs)
        client.get("/api/v1/relations", params={"source": "USA", "target": "CHN"})  # warm up
        relations: list[float] = []
        for source, target in pairs[:dyads]:
            started = time.perf_counter()
            response = client.get(
                "/api/v1/relations", params={"source": source, "target": target, "by": "month"}
            )
            relations.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
        busiest = client.get("/api/v1/relations", params={"source": "USA", "target": "CHN"})
    return {
        "actor_page": quantiles(totals),
        "actor_page_calls": {name: quantiles(v) for name, v in per_call.items()},
        "relations": quantiles(relations),
        "relations_rows": len(busiest.json()["rows"]),
        "relations_events": sum(r["events"] for r in busiest.json()["rows"]),
        "sample_actor": ids[0],
    }


def wrk(url: str, token: str, seconds: int, connections: int) -> dict[str, Any]:
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    text = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "requests_per_s": rate,
        "p99": p99.group(1) if p99 else "?",
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def machine() -> str:
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} CPUs ({model}), {ram:.0f} GiB RAM, Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/mtbench-api"))
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--engagements", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--pages", type=int, default=200, help="actor pages sampled")
    parser.add_argument("--dyads", type=int, default=100, help="relations queries sampled")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    if out.is_relative_to(REPO):
        parser.error("--out must be outside the repository")
    out.mkdir(parents=True, exist_ok=True)
    url, state, events_dir = f"sqlite:///{out / 'registry.db'}", out / "state", out / "events"
    print(f"machine: {machine()}", flush=True)
    marker = out / f"registry-{args.actors}-{args.engagements}.done"
    if not marker.exists():
        for stale in out.glob("registry.db*"):
            stale.unlink()
        started = time.perf_counter()
        build_registry(url, state, args.actors, args.engagements)
        marker.touch()
        print(f"registry built in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        upgrade_registry(url, state)  # a kept registry gets this version's migrations
    started = time.perf_counter()
    events = build_events(args.events, out, events_dir)
    print(f"event store: {events:,} events ({time.perf_counter() - started:.0f} s)", flush=True)
    token = bench_token(url, state)
    port = free_port()
    server = start_server(url, events_dir, state, port)
    base = f"http://127.0.0.1:{port}"
    try:
        figures = sample(base, token, args.pages, args.dyads)
        cached_relations = f"{base}/api/v1/relations?source=USA&target=CHN&by=month"
        figures["wrk_relations_cached"] = wrk(
            cached_relations, token, args.duration, args.connections
        )
        figures["wrk_actor"] = wrk(
            f"{base}/api/v1/actors/{figures['sample_actor']}",
            token,
            args.duration,
            args.connections,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    figures.update(
        machine=machine(),
        actors=args.actors,
        engagements=args.engagements,
        events=events,
        connections=args.connections,
        duration=args.duration,
    )
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


def report(f: dict[str, Any]) -> None:
    print(f"actor page (5 calls, sequential): {f['actor_page']}")
    for name, q in f["actor_page_calls"].items():
        print(f"  {name:12s} {q}")
    print(
        f"relations by month, uncached: {f['relations']} "
        f"(USA→CHN: {f['relations_rows']} months, {f['relations_events']:,} events)"
    )
    print(f"wrk cached relations: {f['wrk_relations_cached']}")
    print(f"wrk one actor:        {f['wrk_actor']}")
    got = {
        "actor page p95 (ms)": f["actor_page"]["p95"],
        "relations p95 (ms)": f["relations"]["p95"],
        "cached reads (req/s)": f["wrk_relations_cached"]["requests_per_s"],
    }
    for name, target in TARGETS.items():
        ok = got[name] >= target if "req/s" in name else got[name] <= target
        print(f"  {name:22s} {got[name]:>8.1f}  target {target:g}  {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
