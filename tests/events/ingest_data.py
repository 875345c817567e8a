"""Test inputs for the ingest tests: real samples, and rows built from codebooks.

- GDELT: the real files in ``shared/data/gdelt1`` and ``gdelt2``.
- ICEWS: the 4 real ICEWS records of ``shared/data/icews/sample_output.jsonl`` (JSON) turned into
  the tab-separated release layout B here — ICEWS release rows themselves are not available.
- ACLED and POLECAT: no real rows exist here; rows are built from the codebooks (column lists,
  event types) and are therefore synthetic.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from multitrack.events.formats.acled import COLUMNS as ACLED_COLUMNS
from multitrack.events.formats.icews import LAYOUT_B
from multitrack.events.formats.polecat import COLUMNS as POLECAT_COLUMNS

GDELT2_FILES = (
    "20151027220000.export.CSV",
    "20190121220000.export.CSV",
    "20191024143000.export.CSV",
)


def icews_records(shared: Path) -> list[dict[str, object]]:
    """The pretty-printed JSON objects of sample_output.jsonl (not one per line)."""
    text = (shared / "icews" / "sample_output.jsonl").read_text("utf-8")
    decoder = json.JSONDecoder()
    records, pos = [], 0
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        record, pos = decoder.raw_decode(text, pos)
        records.append(record)
    return records


def write_icews(shared: Path, target: Path) -> list[dict[str, object]]:
    """The real ICEWS records as a layout-B release file (derived by this test)."""
    records = icews_records(shared)
    lines = ["\t".join(LAYOUT_B.columns)]
    for r in records:
        place = r["location"][0] if r["location"] else {}  # type: ignore[index]
        values = {
            "Event ID": r["id"],
            "Event Date": r["date"],
            "Source Name": "Protester (" + str(r["country"]) + ")",
            "Source Sectors": "Protestors,Social",
            "Source Country": r["country"],
            "Event Text": r["eventText"],
            "CAMEO Code": r["event"],
            "Intensity": "-6.5",
            "Target Name": "Government (" + str(r["country"]) + ")",
            "Target Sectors": "Government",
            "Target Country": r["country"],
            "Story ID": "",
            "Sentence Number": "",
            "Event Sentence": str(r["text"]).replace("\t", " "),
            "Publisher": str(r["publication"]).split(":")[0],
            "Source": "",
            "Headline": r["headline"],
            "City": place.get("city", ""),
            "District": place.get("district", ""),
            "Province": place.get("province", ""),
            "Country": place.get("country", ""),
            "Latitude": place.get("lat", ""),
            "Longitude": place.get("long", ""),
            "Product ID": "",
            "Holding ID": "",
        }
        lines.append("\t".join(str(values[c]) for c in LAYOUT_B.columns))
    target.write_text("\n".join(lines) + "\n", "utf-8")
    return records


#: Codebook-built ACLED rows (synthetic): one per case the mapping must handle.
ACLED_ROWS = [
    {
        "event_id_cnty": "NIG1001",
        "event_date": "2023-01-15",
        "year": "2023",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Nigeria (2015-2023)",
        "inter1": "1",
        "actor2": "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
        "inter2": "2",
        "interaction": "12",
        "iso": "566",
        "country": "Nigeria",
        "latitude": "11.8469",
        "longitude": "13.1571",
        "source": "Premium Times; Daily Trust",
        "notes": 'On 15 January 2023, troops "repelled" an attack, near Maiduguri, Borno.',
        "fatalities": "4",
    },
    {
        "event_id_cnty": "KEN2002",
        "event_date": "17 March 2023",
        "year": "2023",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Kenya)",
        "inter1": "6",
        "iso": "404",
        "country": "Kenya",
        "latitude": "-1.2864",
        "longitude": "36.8172",
        "source": "The Star (Kenya)",
        "notes": "Traders protested, peacefully, over taxes.",
        "fatalities": "0",
    },
    {
        "event_id_cnty": "SOM3003",
        "event_date": "2023-02-30",
        "year": "2023",
        "event_type": "Strategic developments",
        "sub_event_type": "Other",
        "actor1": "Al Shabaab",
        "iso": "706",
        "country": "Somalia",
        "source": "Garowe Online",
        "notes": "An impossible date: quarantined.",
        "fatalities": "0",
    },
    {
        "event_id_cnty": "SOM3004",
        "event_date": "2023-02-03",
        "year": "2023",
        "event_type": "Strategic developments",
        "sub_event_type": "Other",
        "actor1": "Al Shabaab",
        "iso": "706",
        "country": "Somalia",
        "source": "Garowe Online",
        "notes": "A fallback event.",
        "fatalities": "0",
    },
]


def write_acled(target: Path) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ACLED_COLUMNS), restval="")
        writer.writeheader()
        writer.writerows(ACLED_ROWS)


#: Codebook-built POLECAT/PLOVER rows (synthetic), PLOVER field names.
POLECAT_ROWS = [
    {
        "id": "p-1",
        "date": "2023-05-02",
        "actor": "Russian Armed Forces",
        "actor_country": "RUS",
        "actor_sector": "MIL",
        "recipient": "Ukraine",
        "recipient_country": "Ukraine",
        "recipient_sector": "GOV",
        "event": "ASSAULT",
        "mode": "aerial",
        "event_loc_country": "UKR",
        "event_loc_lat": "50.45",
        "event_loc_lon": "30.52",
    },
    {
        "id": "p-2",
        "date": "2023-05-03",
        "actor": "Germany",
        "actor_country": "Germany",
        "recipient": "France",
        "recipient_country": "FRA",
        "event": "consult",
        "mode": "visit",
    },
    {
        "id": "p-3",
        "date": "2023-05-04",
        "actor": "Brazil",
        "actor_country": "BRA",
        "event": "DEMAND",  # a v0.5 category the 2021 ontology dropped: quarantined
    },
]


def write_polecat(target: Path) -> None:
    lines = ["\t".join(POLECAT_COLUMNS)]
    for row in POLECAT_ROWS:
        lines.append("\t".join(row.get(c, "") for c in POLECAT_COLUMNS))
    target.write_text("\n".join(lines) + "\n", "utf-8")
