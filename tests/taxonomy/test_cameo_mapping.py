"""The CAMEO → Multitrack mapping table: complete, checked, documented, right on the examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from multitrack.errors import InvalidValueError
from multitrack.events.eventcodes import event_code_descriptions
from multitrack.taxonomy import TaxonomyError, cameo, load_taxonomy, map_event_code
from multitrack.taxonomy.cameo import (
    ROOTS,
    check_cameo_mapping,
    code_mappings,
    load_cameo_mapping,
    parse_cameo_mapping,
)

SHIPPED = cameo.mapping_text()


def problems_of(text: str) -> list[str]:
    table, problems = parse_cameo_mapping(text)
    return [*problems, *check_cameo_mapping(table, load_taxonomy())]


def test_shipped_table_is_sound() -> None:
    assert problems_of(SHIPPED) == []
    assert load_cameo_mapping().version >= 1


def test_every_root_has_an_entry() -> None:
    codes = {rule.code for rule in load_cameo_mapping().rules}
    assert set(ROOTS) <= codes


def test_every_cameo_code_maps_to_a_sector() -> None:
    mappings = code_mappings()
    assert set(mappings) == set(event_code_descriptions())
    taxonomy = load_taxonomy()
    for code, mapping in mappings.items():
        assert mapping.sector in taxonomy.sectors, code
        assert (mapping.kind is None) != (mapping.marker is None), code
        assert code.startswith(mapping.rule_code), code


@pytest.mark.parametrize(
    ("code", "kind", "sector", "rule"),
    [
        ("057", "negotiation_conflict_resolution", "political", "057"),
        ("061", "trade_investment", "economic", "061"),
        ("062", "military_cooperation", "military", "062"),
        ("063", "transnational_crime_cooperation", "transnational_crime", "063"),
        ("064", "intelligence_sharing", "security", "064"),
        ("072", "arms_transfers", "military", "072"),
        ("073", "relief", "humanitarian", "073"),
        ("074", "peacekeeping", "military", "074"),
        ("0871", "negotiation_conflict_resolution", "peace_process", "0871"),
        ("163", "sanctions_embargoes", "economic", "163"),
        ("010", "public_diplomacy", "political", "01"),
        ("0214", "public_diplomacy", "political", "02"),
        ("042", "diplomatic_political", "political", "04"),
    ],
)
def test_examples_from_the_issue(code: str, kind: str, sector: str, rule: str) -> None:
    mapping = map_event_code(code)
    assert (mapping.kind, mapping.sector, mapping.rule_code) == (kind, sector, rule)
    assert mapping.marker is None


@pytest.mark.parametrize(
    ("code", "sector", "rule"),
    [
        ("180", "security", "18"),
        ("181", "security", "18"),
        ("1823", "security", "18"),
        ("1831", "counter_terrorism", "183"),
        ("190", "military", "19"),
        ("196", "peace_process", "196"),
        ("202", "security", "20"),
        ("2042", "non_proliferation", "204"),
    ],
)
def test_use_of_force_maps_to_a_sector_with_no_kind(code: str, sector: str, rule: str) -> None:
    mapping = map_event_code(code)
    assert mapping.kind is None
    assert mapping.marker == "conflict"
    assert (mapping.sector, mapping.rule_code) == (sector, rule)


def test_most_specific_entry_wins() -> None:
    assert map_event_code("087").rule_code == "087"
    assert map_event_code("0871").rule_code == "0871"
    assert map_event_code("0872").rule_code == "087"
    assert map_event_code("08").rule_code == "08"


@pytest.mark.parametrize("code", ["", "0", "ASSAULT", "99", "21"])
def test_non_cameo_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidValueError):
        map_event_code(code)


def _entry(code: str, **fields: str | None) -> str:
    values = {
        "cameo": "Sign formal agreement",
        "kind": "negotiation_conflict_resolution",
        "sector": "political",
        "rationale": "test",
        "source": "test",
        **fields,
    }
    lines = [f'  - code: "{code}"']
    lines += [f"    {k}: {'null' if v is None else repr(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_entry("999"), "not a CAMEO event code"),
        (_entry("057", cameo="Sign an informal note"), "differs from the CAMEO table"),
        (_entry("057", kind="diplomatic_teatime"), "unknown engagement kind"),
        (_entry("057", sector="space"), "unknown sector"),
        (_entry("057", kind=None), "exactly one of 'kind' or 'marker'"),
        (_entry("057", marker="conflict"), "exactly one of 'kind' or 'marker'"),
        (_entry("057", kind=None, marker="riot"), "unknown marker"),
        (_entry("057", rationale=""), "'rationale' must be non-empty"),
        (_entry("01", cameo="MAKE PUBLIC STATEMENT"), "mapped 2 times"),
        ("  - code: 57\n    cameo: x\n", "quote it"),
    ],
)
def test_checks_catch_a_broken_entry(entry: str, message: str) -> None:
    found = problems_of(SHIPPED + entry)
    assert any(message in p for p in found), found


def test_a_missing_root_is_caught() -> None:
    table, _ = parse_cameo_mapping(SHIPPED)
    rules = tuple(r for r in table.rules if r.code != "19")
    broken = cameo.CameoTable(table.version, table.markers, rules)
    found = check_cameo_mapping(broken, load_taxonomy())
    assert found == [f"{cameo.FILE}: CAMEO roots without an entry: 19"]


def test_a_broken_table_fails_load_taxonomy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cameo, "mapping_text", lambda: SHIPPED + _entry("999"))
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy.__wrapped__()
    assert any("'999'" in p for p in caught.value.problems)


def test_docs_list_every_entry(repo_root: Path) -> None:
    docs = (repo_root / "docs" / "events.md").read_text(encoding="utf-8")
    for rule in load_cameo_mapping().rules:
        assert f"| `{rule.code}` | {rule.cameo} |" in docs, rule.code
    assert cameo.markdown_table() in docs, "run scripts/gen_cameo_doc.py"
