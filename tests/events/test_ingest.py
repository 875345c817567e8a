"""Ingest: the real samples, compressed inputs, dedupe, quarantine, refusal and accounting."""

from __future__ import annotations

import csv
import gzip
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multitrack.errors import LayoutError
from multitrack.events.ingest import FileReport, ingest, ingest_file
from multitrack.events.store import EventStore
from tests.events.ingest_data import (
    ACLED_ROWS,
    GDELT2_FILES,
    write_acled,
    write_icews,
    write_polecat,
)


def stored(events_dir: Path, *, drop: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    store = EventStore(events_dir)
    con = store.connect()
    try:
        columns = [
            c
            for c in con.execute("SELECT * FROM events LIMIT 0").fetchdf().columns
            if c not in drop
        ]
        return con.execute(f"SELECT {', '.join(columns)} FROM events ORDER BY ALL").fetchall()
    finally:
        con.close()


def balanced(report: FileReport) -> bool:
    return report.rows_read == (
        report.rows_stored + report.rows_duplicate + report.rows_quarantined
    )


def quarantine_rows(events_dir: Path, report: FileReport) -> list[dict[str, str]]:
    assert report.quarantine is not None
    with (events_dir / report.quarantine).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ---- the real samples ---


@pytest.mark.parametrize("name", GDELT2_FILES)
def test_gdelt2_sample_ingests_without_rejections(
    shared_data: Path, tmp_path: Path, name: str
) -> None:
    path = shared_data / "gdelt2" / name
    lines = path.read_text("utf-8").splitlines()
    report = ingest_file(path, events_dir=tmp_path)
    assert (report.dataset, report.format) == ("gdelt2", "gdelt2")
    assert report.rows_read == report.rows_stored == len(lines)
    assert report.rows_quarantined == report.rows_duplicate == 0
    assert report.quarantine is None
    first = lines[0].split("\t")
    con = EventStore(tmp_path).connect()
    row = con.execute(
        "SELECT event_id, strftime(date, '%Y%m%d'), source_code, source_country, event_code, "
        "root_code, quad_class, goldstein, mentions, sources, lat, lon, source_url, line, month "
        "FROM events WHERE line = 1"
    ).fetchone()
    assert row is not None
    assert row[:6] == (first[0], first[1], first[5] or None, first[7] or None, first[26], first[28])
    assert row[6:10] == (int(first[29]), float(first[30]), int(first[31]), int(first[32]))
    assert row[12] == first[60]
    assert row[14] == f"{first[1][:4]}-{first[1][4:6]}"
    assert con.execute("SELECT count(DISTINCT line), max(line) FROM events").fetchone() == (
        len(lines),
        len(lines),
    )


def test_gdelt1_composite_of_57_and_58_columns(shared_data: Path, tmp_path: Path) -> None:
    report = ingest_file(shared_data / "gdelt1" / "events.csv", events_dir=tmp_path)
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (710, 710, 0)
    con = EventStore(tmp_path).connect()
    with_url = con.execute(
        "SELECT count(*) FILTER (WHERE source_url IS NOT NULL AND line <= 509), "
        "count(*) FILTER (WHERE source_url IS NULL AND line > 509) FROM events"
    ).fetchone()
    assert with_url == (509, 201)
    assert (
        con.execute("SELECT min(date), max(date) FROM events WHERE line > 509").fetchone()[0].year
        == 1982
    )


def test_every_real_sample_event_code_keeps_leading_zeros(
    shared_data: Path, tmp_path: Path
) -> None:
    ingest(sorted((shared_data / "gdelt2").glob("*.export.CSV")), events_dir=tmp_path)
    con = EventStore(tmp_path).connect()
    codes = {r[0] for r in con.execute("SELECT DISTINCT event_code FROM events").fetchall()}
    assert "010" in codes
    assert all(len(c) in (3, 4) for c in codes)
    assert con.execute(
        "SELECT count(*) FROM events WHERE root_code <> left(event_code, 2)"
    ).fetchone() == (0,)


# ---- compressed inputs ---


def test_gz_and_zip_give_the_same_rows(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "gdelt2" / GDELT2_FILES[1]
    plain = tmp_path / "plain"
    ingest_file(source, events_dir=plain)
    gz = tmp_path / f"{source.name}.gz"
    with source.open("rb") as raw, gzip.open(gz, "wb") as out:
        shutil.copyfileobj(raw, out)
    zipped = tmp_path / f"{source.name}.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(source, source.name)
    expected = stored(plain, drop=("file",))
    for path in (gz, zipped):
        target = tmp_path / path.suffix.lstrip(".")
        report = ingest_file(path, events_dir=target)
        assert report.rows_stored == 1629
        assert stored(target, drop=("file",)) == expected
        files = {p.name for p in EventStore(target).files()}
        assert files == {"20190121220000.export-0.parquet"}


def test_zip_with_two_members_is_refused(shared_data: Path, tmp_path: Path) -> None:
    zipped = tmp_path / "two.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for name in GDELT2_FILES[:2]:
            archive.write(shared_data / "gdelt2" / name, name)
    with pytest.raises(LayoutError, match="one event file"):
        ingest_file(zipped, events_dir=tmp_path / "store")


# ---- dedupe ---


def test_reingest_adds_nothing(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / "gdelt2" / GDELT2_FILES[0]
    first = ingest_file(path, events_dir=tmp_path)
    before = stored(tmp_path)
    files = EventStore(tmp_path).files()
    again = ingest_file(path, events_dir=tmp_path)
    assert (again.rows_read, again.rows_stored, again.rows_duplicate) == (2116, 0, 2116)
    assert balanced(first)
    assert balanced(again)
    assert stored(tmp_path) == before
    assert EventStore(tmp_path).files() == files


def test_duplicates_within_a_file_keep_the_first(shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / "gdelt2" / GDELT2_FILES[2]).read_text("utf-8").splitlines()
    path = tmp_path / "dup.CSV"
    path.write_text("\n".join([*lines[:10], lines[3], *lines[10:20]]) + "\n", "utf-8")
    report = ingest_file(path, events_dir=tmp_path / "store")
    assert (report.rows_read, report.rows_stored, report.rows_duplicate) == (21, 20, 1)
    con = EventStore(tmp_path / "store").connect()
    event_id = lines[3].split("\t")[0]
    assert con.execute("SELECT line FROM events WHERE event_id = ?", [event_id]).fetchall() == [
        (4,)
    ]


# ---- quarantine ---


def test_bad_lines_go_to_quarantine_with_line_numbers(shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / "gdelt2" / GDELT2_FILES[0]).read_text("utf-8").splitlines()[:30]
    bad = list(lines)
    bad[4] = "\t".join(lines[4].split("\t")[:20])  # line 5: truncated
    fields = lines[9].split("\t")
    fields[1] = "20151345"  # line 10: a date that does not exist
    bad[9] = "\t".join(fields)
    bad[14] = lines[14] + "\textra"  # line 15: a field too many
    bad[19] = ""  # line 20: blank
    fields = lines[24].split("\t")
    fields[26] = "999"  # line 25: not a CAMEO code
    bad[24] = "\t".join(fields)
    bad[27] = lines[27].replace("\t", "\r", 1)  # line 28: a stray carriage return
    path = tmp_path / "bad.export.CSV"
    path.write_text("\n".join(bad) + "\n", "utf-8")
    report = ingest_file(path, events_dir=tmp_path / "store")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (30, 24, 6)
    assert balanced(report)
    rows = {int(r["line"]): r for r in quarantine_rows(tmp_path / "store", report)}
    assert sorted(rows) == [5, 10, 15, 20, 25, 28]
    assert rows[5]["reason"] == "too few fields: expected 61, found 20"
    assert rows[10]["reason"] == "bad date: '20151345'"
    assert "unreadable line" in rows[15]["reason"]
    assert rows[20]["reason"] == "blank line"
    assert rows[25]["reason"] == "unknown EventCode: '999'"
    assert rows[28]["reason"] == "carriage return inside the line"
    assert rows[10]["event_id"] == fields[0] or rows[10]["event_id"]
    con = EventStore(tmp_path / "store").connect()
    good = [n for n in range(1, 31) if n not in rows]
    assert [r[0] for r in con.execute("SELECT line FROM events ORDER BY line").fetchall()] == good
    ids = con.execute("SELECT line, event_id FROM events ORDER BY line").fetchall()
    assert all(event_id == lines[line - 1].split("\t")[0] for line, event_id in ids)


def test_crlf_line_ends_are_read(shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / "gdelt2" / GDELT2_FILES[0]).read_text("utf-8").splitlines()[:12]
    path = tmp_path / "crlf.CSV"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    report = ingest_file(path, events_dir=tmp_path / "store")
    assert (report.rows_read, report.rows_stored, report.rows_quarantined) == (12, 12, 0)
    con = EventStore(tmp_path / "store").connect()
    urls = {r[0] for r in con.execute("SELECT source_url FROM events").fetchall()}
    assert urls == {line.split("\t")[60] for line in lines}  # no trailing \r kept


# ---- refusal ---


def test_wrong_column_layout_is_refused_and_nothing_written(
    shared_data: Path, tmp_path: Path
) -> None:
    lines = (shared_data / "gdelt2" / GDELT2_FILES[0]).read_text("utf-8").splitlines()[:40]
    path = tmp_path / "cut.CSV"
    path.write_text("\n".join("\t".join(line.split("\t")[:60]) for line in lines) + "\n")
    events_dir = tmp_path / "store"
    with pytest.raises(LayoutError) as caught:
        ingest_file(path, events_dir=events_dir, fmt="gdelt2")
    assert "60" in str(caught.value)
    assert "GLOBALEVENTID" in str(caught.value)
    assert EventStore(events_dir).is_empty()
    assert not (events_dir / "catalogue.json").exists()
    assert not (events_dir / "quarantine").exists()
    [report] = ingest([path], events_dir=events_dir)
    assert report.refused is not None
    assert not report.ok


def test_every_line_wrong_after_a_good_sample_is_refused(shared_data: Path, tmp_path: Path) -> None:
    """The first lines decide nothing alone: a file whose every line is wrong is refused."""
    lines = (shared_data / "gdelt1" / "events.csv").read_text("utf-8").splitlines()[:5]
    path = tmp_path / "short.csv"
    path.write_text("\n".join("\t".join(line.split("\t")[:40]) for line in lines) + "\n")
    with pytest.raises(LayoutError):
        ingest_file(path, events_dir=tmp_path / "store", fmt="gdelt1")
    assert EventStore(tmp_path / "store").is_empty()


# ---- formats without real rows here ---


def test_icews_from_real_records(shared_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "events.2021.tab"
    records = write_icews(shared_data, path)
    report = ingest_file(path, events_dir=tmp_path / "store")
    assert (report.format, report.rows_read, report.rows_stored) == ("icews", 4, 4)
    con = EventStore(tmp_path / "store").connect()
    rows = con.execute(
        "SELECT event_id, date, source_country, target_country, event_code, root_code, "
        "quad_class, goldstein, place_country, line FROM events ORDER BY line"
    ).fetchall()
    assert [r[0] for r in rows] == [r["id"] for r in records]
    assert all(r[4:8] == ("141", "14", 3, -6.5) for r in rows)
    assert rows[0][2] == rows[0][3] == rows[0][8] == "ARM"
    assert [r[9] for r in rows] == [2, 3, 4, 5]  # line 1 is the header


def test_acled_from_codebook_rows(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    write_acled(path)
    report = ingest_file(path, events_dir=tmp_path / "store")
    assert (report.format, report.rows_read, report.rows_stored, report.rows_quarantined) == (
        "acled",
        4,
        3,
        1,
    )
    con = EventStore(tmp_path / "store").connect()
    rows = {
        r[0]: r
        for r in con.execute(
            "SELECT event_id, date, source_country, event_code, quad_class, goldstein, "
            "sources, place_country, line FROM events"
        ).fetchall()
    }
    assert rows["NIG1001"][2:8] == ("NGA", "193", 4, -10.0, 2, "NGA")
    assert str(rows["KEN2002"][1]) == "2023-03-17"
    assert rows["KEN2002"][3:5] == ("141", 3)
    assert rows["SOM3004"][3] == "010"
    [bad] = quarantine_rows(tmp_path / "store", report)
    assert (bad["line"], bad["reason"]) == ("4", "bad date: '2023-02-30'")
    assert len(ACLED_ROWS) == 4


def test_polecat_from_codebook_rows(tmp_path: Path) -> None:
    path = tmp_path / "polecat.txt"
    write_polecat(path)
    report = ingest_file(path, events_dir=tmp_path / "store")
    assert (report.format, report.rows_stored, report.rows_quarantined) == ("polecat", 2, 1)
    con = EventStore(tmp_path / "store").connect()
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT event_id, source_country, target_country, event_code, root_code, "
            "quad_class, goldstein FROM events"
        ).fetchall()
    }
    assert rows["p-1"] == ("RUS", "UKR", "ASSAULT", "18", 4, -9.5)
    assert rows["p-2"] == ("DEU", "FRA", "CONSULT", "04", 1, 4.0)
    [bad] = quarantine_rows(tmp_path / "store", report)
    assert bad["reason"] == "unknown PLOVER event: 'DEMAND'"


# ---- accounting under random input ---


LINE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.lists(st.text(max_size=6), min_size=55, max_size=65).map("\t".join),
).map(lambda s: s.replace("\n", " "))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(extra=st.lists(LINE, max_size=8))
def test_random_lines_never_crash_nor_lose_a_row(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory, extra: list[str]
) -> None:
    base = (shared_data / "gdelt2" / GDELT2_FILES[1]).read_text("utf-8").splitlines()[:50]
    folder = tmp_path_factory.mktemp("random")
    path = folder / "random.CSV"
    path.write_bytes(("\n".join([*base, *extra]) + "\n").encode("utf-8", "surrogatepass"))
    report = ingest_file(path, events_dir=folder / "store")
    physical = path.read_bytes().count(b"\n")
    assert report.rows_read == physical
    assert balanced(report)
    assert report.rows_stored + report.rows_duplicate >= 50
