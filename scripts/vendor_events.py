"""Rebuild the code tables in src/multitrack/events/data/ from ../shared/data and country_converter.

Run: uv run python scripts/vendor_events.py [FIPS10.js]

- cameo_events.csv: GDELT's CAMEO.eventcodes.txt + CAMEO.goldsteinscale.txt (code, goldstein,
  description).
- icews_countries.csv: ICEWS country name -> ISO3 from countrynames-DEDI.txt (6-letter territory
  codes such as USAASM become the territory's own ISO3, ASM, when country_converter knows it).
- icews_labels.csv: ICEWS "Event Text" label -> CAMEO code from CAMEO_codefile.txt.
- iso_numeric.csv: ISO 3166 numeric -> alpha-3 (ACLED's ``iso`` column), from country_converter.
- acled_countries.csv: ACLED country name -> ISO3 (acled_countries.csv through country_converter).
- plover_modes.csv: PLOVER "CATEGORY: Mode" conflict-cooperation scores, parsed from the table
  "PLOVER conflict--cooperation scores" in PLOVER_MANUAL.tex.
- fips_iso3.csv: FIPS 10-4 -> ISO3. FIPS -> ISO alpha-2 pairs from a copy of the CIA World
  Factbook's FIPS/ISO table (ramsun/happiness-inc, templates/static/js/FIPS10.js, commit
  1c0391d2b1199cf09fca6c8b940ccf24c6a5a0b5), alpha-2 -> alpha-3 through country_converter.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import sys
from pathlib import Path

import country_converter as coco

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "multitrack" / "events" / "data"
FIPS_JS = Path("FIPS10.js")  # git show <commit>:templates/static/js/FIPS10.js > FIPS10.js


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main() -> int:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    conv = coco.CountryConverter()
    data = conv.data
    iso3 = set(data["ISO3"])
    iso2_to_3 = dict(zip(data["ISO2"], data["ISO3"], strict=True))

    goldstein: dict[str, str] = {}
    with (SHARED / "cameo" / "CAMEO.goldsteinscale.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            goldstein[row["CAMEOEVENTCODE"]] = row["GOLDSTEINSCALE"]
    events = []
    with (SHARED / "cameo" / "CAMEO.eventcodes.txt").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            code = row["CAMEOEVENTCODE"]
            events.append([code, goldstein[code], row["EVENTDESCRIPTION"].strip()])
    write("cameo_events.csv", ["code", "goldstein", "description"], events)

    countries = []
    seen: set[str] = set()
    for line in (SHARED / "icews" / "countrynames-DEDI.txt").read_text("utf-8").splitlines():
        name, code, _ = line.split("\t")
        if len(code) == 6:
            code = code[3:] if code[3:] in iso3 else code[:3]
        if code in iso3 and name not in seen:  # a name listed twice: the first line wins
            seen.add(name)
            countries.append([name, code])
    write("icews_countries.csv", ["name", "iso3"], countries)

    labels: dict[str, str] = {}
    pattern = re.compile(r"^LABEL[iI]?:\s*(\d+)=\s*(.+?)\s*$")
    for line in (SHARED / "icews" / "CAMEO_codefile.txt").read_text("utf-8").splitlines():
        found = pattern.match(line)
        if found:
            labels.setdefault(found.group(2), found.group(1))
    write("icews_labels.csv", ["label", "code"], sorted([k, v] for k, v in labels.items()))

    numeric = sorted(
        [str(int(n)), c] for n, c in zip(data["ISOnumeric"], data["ISO3"], strict=True) if n == n
    )
    write("iso_numeric.csv", ["numeric", "iso3"], numeric)

    acled = []
    with (SHARED / "acled" / "acled_countries.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = conv.convert(row["country"], to="ISO3", not_found=None)
            if isinstance(code, str) and code in iso3:
                acled.append([row["country"], code])
    write("acled_countries.csv", ["name", "iso3"], acled)

    modes = []
    manual = (SHARED / "plover" / "PLOVER_MANUAL.tex").read_text("utf-8")
    table = manual[manual.index("\n\\caption{PLOVER conflict--cooperation scores}") :]
    table = table[table.index("\\hline", table.index("Score")) : table.index("\\end{tabular}")]
    for row in table.split("\\\\"):
        cells = [re.sub(r"\\cellcolor\{[^}]*\}|\\hline", "", c).strip() for c in row.split("&")]
        for name, score in zip(cells[0::2], cells[1::2], strict=False):
            if ":" in name and score:
                event, mode = (part.strip() for part in name.split(":", 1))
                modes.append([event, mode.lower(), score])
    write("plover_modes.csv", ["event", "mode", "score"], modes)

    source = Path(sys.argv[1]) if len(sys.argv) > 1 else FIPS_JS
    text = source.read_text("utf-8")
    entries = json.loads(text[text.index("[") : text.rindex("]") + 1])
    fips: dict[str, list[str]] = {}
    for entry in entries:
        code, iso2, name = entry["FIPS 10-4"], entry["ISO 3166"], entry["Name"]
        if code == "-" or code in fips:
            continue
        alpha3 = iso2_to_3.get(iso2)
        if alpha3 is None:  # "-": no ISO code of its own (Kosovo, Akrotiri ...): try the name
            found3 = conv.convert(name, to="ISO3", not_found=None)
            alpha3 = found3 if isinstance(found3, str) and found3 in iso3 else ""
        fips[code] = [code, alpha3, name]
    write("fips_iso3.csv", ["fips", "iso3", "name"], sorted(fips.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
