"""Rebuild src/multitrack/reference/states.csv from the reference data in ../shared/data.

Run: uv run python scripts/vendor_reference.py
It joins country_converter's ISO 3166 alpha-3 codes with the CAMEO country codes (GDELT's
CAMEO.country.txt) and the Correlates of War state codes (COW states2016.csv), matching COW
state names through country_converter.
"""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path

import country_converter as coco

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "multitrack" / "reference" / "states.csv"


def main() -> int:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    converter = coco.CountryConverter()
    iso3 = set(converter.data["ISO3"])
    cameo: dict[str, str] = {}
    with (SHARED / "cameo" / "CAMEO.country.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["CODE"] in iso3:
                cameo[row["CODE"]] = row["LABEL"]
    cow: dict[str, int] = {}
    with (SHARED / "cow" / "states2016.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["endyear"] != "2016":
                continue  # only states in the system at the end of COW's coverage
            code = converter.convert(row["statenme"], to="ISO3", not_found=None)
            if isinstance(code, str) and code in iso3:
                cow[code] = int(row["ccode"])
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["iso3", "cameo_code", "cow_code"])
        for code in sorted(iso3):
            writer.writerow([code, code if code in cameo else "", cow.get(code, "")])
    print(f"{OUT.relative_to(ROOT)}: {len(iso3)} codes, {len(cameo)} CAMEO, {len(cow)} COW")
    return 0


if __name__ == "__main__":
    sys.exit(main())
