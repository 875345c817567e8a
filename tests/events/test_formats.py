"""The format declarations against the codebooks in shared/data, and format recognition."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from multitrack.errors import LayoutError
from multitrack.events import reference
from multitrack.events.formats import FORMATS, get_format
from multitrack.events.formats.acled import ACLED
from multitrack.events.formats.base import PROJECTED
from multitrack.events.formats.gdelt import GDELT1, GDELT1_DAILY, GDELT1_HISTORICAL, GDELT2
from multitrack.events.formats.icews import ICEWS
from multitrack.events.formats.sniff import recognise
from tests.events.ingest_data import GDELT2_FILES


def test_gdelt1_columns_are_gdelts_header(shared_data: Path) -> None:
    names = shared_data / "gdelt1" / "GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv"
    listed = names.read_text("utf-8").split()[1:]  # first line is the label `tableId`
    assert list(GDELT1_DAILY.columns) == listed
    assert list(GDELT1_HISTORICAL.columns) == listed[:57]


def test_gdelt2_columns_are_gdelts_header(shared_data: Path) -> None:
    path = shared_data / "gdelt2" / "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv"
    with path.open(encoding="utf-8") as handle:
        listed = [row["tableId"] for row in csv.DictReader(handle)]
    assert list(GDELT2.layouts[0].columns) == listed


def test_icews_layouts_follow_the_column_list(shared_data: Path) -> None:
    rows = [
        line.split("\t")
        for line in (shared_data / "icews" / "icews_event_columns.txt").read_text().splitlines()
        if line and not line.startswith("#") and not line.startswith("layout")
    ]
    a = [c for layout, _, c in rows if layout == "A"]
    b = [c for layout, _, c in rows if layout == "B"]
    assert [list(lay.columns) for lay in ICEWS.layouts] == [a, b[:-1], b]


def test_acled_columns_follow_the_column_list(shared_data: Path) -> None:
    listed = (shared_data / "acled" / "acled_event_columns.txt").read_text().split()
    assert list(ACLED.layouts[0].columns) == listed


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_layout_projects_every_column(name: str) -> None:
    fmt = FORMATS[name]
    for layout in fmt.layouts:
        sql = fmt.select(fmt.read_layout(layout))
        for column in PROJECTED:
            assert f" AS {column}" in sql
        assert sql.rstrip().endswith("AS reason")


@pytest.mark.parametrize(
    ("alias", "name"), [("PLOVER", "polecat"), ("gdelt", "gdelt2"), ("GDELT1", "gdelt1")]
)
def test_format_names_and_aliases(alias: str, name: str) -> None:
    found = get_format(alias)
    assert found is not None
    assert found.name == name


def _head(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines()[:50]


@pytest.mark.parametrize("name", GDELT2_FILES)
def test_gdelt2_samples_are_recognised(shared_data: Path, name: str) -> None:
    fmt, layout = recognise(name, _head(shared_data / "gdelt2" / name), FORMATS, None)
    assert fmt is GDELT2
    assert len(layout.columns) == 61


def test_gdelt1_composite_is_recognised(shared_data: Path) -> None:
    lines = (shared_data / "gdelt1" / "events.csv").read_text("utf-8").splitlines()
    for head in (lines[:50], lines[509:559]):  # daily rows (58), then backfile rows (57)
        fmt, _ = recognise("events.csv", head, FORMATS, None)
        assert fmt is GDELT1


def test_unknown_layout_is_refused_naming_the_columns() -> None:
    head = ["\t".join(["x"] * 60)]
    with pytest.raises(LayoutError) as caught:
        recognise("f.csv", head, FORMATS, None)
    message = str(caught.value)
    assert "60 fields" in message
    assert "GLOBALEVENTID" in message
    assert "SOURCEURL" in message
    assert "nothing was ingested" in message


def test_wrong_header_for_a_given_format_is_refused() -> None:
    with pytest.raises(LayoutError) as caught:
        recognise("a.csv", ["event_id_cnty,event_date,actor1"], FORMATS, ACLED)
    assert "event_id_cnty, event_date, actor1" in str(caught.value)
    assert "does not match acled" in str(caught.value)


# ---- the vendored tables ---

KEYS = {
    "cameo_events": ("code",),
    "fips_iso3": ("fips",),
    "icews_countries": ("name",),
    "icews_labels": ("label",),
    "iso_numeric": ("numeric",),
    "acled_countries": ("name",),
    "acled_cameo": ("event_type", "sub_event_type"),
    "plover_events": ("event",),
    "plover_modes": ("event", "mode"),
}


@pytest.mark.parametrize("table", sorted(reference.TABLES))
def test_lookup_keys_are_unique(table: str) -> None:
    """A duplicated key would multiply rows in the ingest joins."""
    keys = [tuple(row[k] for k in KEYS[table]) for row in reference.rows(table)]
    assert keys
    assert len(keys) == len(set(keys))


def test_cameo_table_is_gdelts(shared_data: Path) -> None:
    with (shared_data / "cameo" / "CAMEO.goldsteinscale.txt").open(encoding="utf-8") as handle:
        expected = {
            r["CAMEOEVENTCODE"]: float(r["GOLDSTEINSCALE"])
            for r in csv.DictReader(handle, delimiter="\t")
        }
    assert {r["code"]: float(r["goldstein"]) for r in reference.rows("cameo_events")} == expected


def test_acled_mapping_covers_every_sub_event_type(shared_data: Path) -> None:
    with (shared_data / "acled" / "acled_event_categories.csv").open(encoding="utf-8") as handle:
        expected = {(r["event_type"], r["sub_event_type"]) for r in csv.DictReader(handle)}
    rows = reference.rows("acled_cameo")
    assert {(r["event_type"], r["sub_event_type"]) for r in rows} == expected
    assert {r["cameo_code"] for r in rows} <= reference.cameo_codes()


def test_plover_table_has_the_2021_event_types(shared_data: Path) -> None:
    events = set()
    for line in (shared_data / "plover" / "CAMEO2PLOVER-2021.txt").read_text().splitlines():
        if line and not line.startswith(("#", "~")) and ":" in line:
            events.add(line.split(":", 1)[1].split(",")[0].split("#")[0].strip())
    assert {r["event"] for r in reference.rows("plover_events")} == events
    assert {r["event"] for r in reference.rows("plover_modes")} <= events


def test_fips_table_maps_the_sample_places(shared_data: Path) -> None:
    """Every ActionGeo_CountryCode of the samples maps, except GDELT's own OS (oceans) and
    YI (Serbia and Montenegro, no current ISO code) — documented in docs/events.md."""
    mapped = {r["fips"] for r in reference.rows("fips_iso3") if r["iso3"]}
    codes = set()
    for name in GDELT2_FILES:
        for line in (shared_data / "gdelt2" / name).read_text("utf-8").splitlines():
            codes.add(line.split("\t")[53])
    for line in (shared_data / "gdelt1" / "events.csv").read_text("utf-8").splitlines():
        codes.add(line.split("\t")[51])
    assert codes - mapped - {""} == {"OS", "YI"}
    fips = {r["fips"]: r["iso3"] for r in reference.rows("fips_iso3")}
    assert (fips["UK"], fips["RS"], fips["IS"], fips["GM"]) == ("GBR", "RUS", "ISR", "DEU")
