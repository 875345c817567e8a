"""The shipped taxonomy loads, is sound, cites its sources, refuses bad values and extensions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from multitrack.errors import InvalidValueError, MultitrackError
from multitrack.taxonomy import (
    EXTENSIBLE,
    VOCABULARIES,
    Taxonomy,
    TaxonomyError,
    Term,
    Vocabulary,
    check,
    load_taxonomy,
    parse_vocabulary,
)

SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")


def repo_root() -> Path:
    """The directory holding pyproject.toml, found upwards from this file."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise AssertionError("no pyproject.toml above the tests")


def seeds_dir() -> Path:
    return repo_root().parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def all_terms(taxonomy: Taxonomy) -> Iterable[Term]:
    for vocabulary in taxonomy:
        yield from vocabulary


def replaced(taxonomy: Taxonomy, vocabulary: Vocabulary) -> Taxonomy:
    """``taxonomy`` with one vocabulary swapped for ``vocabulary`` (unchecked)."""
    others = [v for v in taxonomy if v.name != vocabulary.name]
    return Taxonomy([*others, vocabulary])


def term(vocabulary: str, term_id: str, parent: str | None = None, **extra: object) -> Term:
    return Term(
        vocabulary=vocabulary,
        id=term_id,
        name=term_id.replace("_", " ").title(),
        description=f"Test term {term_id}.",
        source="test",
        parent=parent,
        extra=extra,
    )


# --- loading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VOCABULARIES)
def test_every_vocabulary_loads(taxonomy: Taxonomy, name: str) -> None:
    vocabulary = taxonomy.vocabulary(name)
    assert vocabulary.name == name
    assert vocabulary.version == 1
    assert len(vocabulary) > 0
    assert all(t.vocabulary == name for t in vocabulary)


def test_shipped_taxonomy_passes_check(taxonomy: Taxonomy) -> None:
    assert check(taxonomy) == []


def test_load_taxonomy_is_cached() -> None:
    assert load_taxonomy() is load_taxonomy()


FIXED_IDS = [
    ("tracks", ["1", "1.5", "2", "3", "4", "5", "6", "7", "8", "9"]),
    (
        "sectors",
        [
            "security",
            "military",
            "human_security",
            "food",
            "water",
            "energy",
            "cyber",
            "counter_terrorism",
            "transnational_crime",
            "border",
            "non_proliferation",
            "climate",
            "health",
            "humanitarian",
            "protection_of_civilians",
            "detention",
            "missing_persons",
            "humanitarian_access",
            "disaster_response",
            "human_rights",
            "economic",
            "trade_investment",
            "development",
            "cultural_scientific",
            "education",
            "culture",
            "science",
            "political",
            "peace_process",
            "multilateral_diplomacy",
        ],
    ),
    (
        "actor_kinds",
        [
            "state",
            "state_organ",
            "igo",
            "court",
            "ngo",
            "armed_group",
            "company",
            "academia",
            "media",
            "religious",
            "funder",
            "individual",
        ],
    ),
    (
        "agreement_kinds",
        [
            "treaty",
            "convention",
            "mou",
            "accord",
            "unsc_resolution",
            "unga_resolution",
            "directive",
            "regulation",
            "framework",
            "declaration",
            "joint_statement",
            "action_plan",
        ],
    ),
    (
        "agreement_statuses",
        [
            "proposed",
            "negotiating",
            "adopted",
            "signed",
            "in_force",
            "suspended",
            "terminated",
            "superseded",
            "expired",
        ],
    ),
    (
        "agreement_actions",
        [
            "signature",
            "definitive_signature",
            "ratification",
            "accession",
            "acceptance",
            "approval",
            "succession",
            "entry_into_force",
            "reservation",
            "declaration",
            "objection",
            "withdrawal",
            "denunciation",
            "adoption",
        ],
    ),
    ("channel_statuses", ["active", "dormant", "closed"]),
    ("membership_roles", ["member", "observer", "partner", "associate"]),
]


@pytest.mark.parametrize(("name", "ids"), FIXED_IDS, ids=[n for n, _ in FIXED_IDS])
def test_fixed_ids_are_present_in_order(taxonomy: Taxonomy, name: str, ids: list[str]) -> None:
    known = taxonomy.vocabulary(name).ids
    assert [i for i in known if i in ids] == ids


@pytest.mark.parametrize(
    ("track", "officialdom"),
    [("1", "official"), ("1.5", "mixed"), *((str(n), "unofficial") for n in range(2, 10))],
)
def test_track_officialdom(taxonomy: Taxonomy, track: str, officialdom: str) -> None:
    assert taxonomy.tracks.get(track).extra["officialdom"] == officialdom


# --- engagement kinds -------------------------------------------------------------------------

AREAS = {
    "military_cooperation": [
        "military_exercises",
        "military_training",
        "arms_transfers",
        "intelligence_sharing",
        "peacekeeping",
    ],
    "law_enforcement": [
        "counter_terrorism_cooperation",
        "transnational_crime_cooperation",
        "cyber_security_cooperation",
        "border_security_cooperation",
    ],
    "information_capacity": ["capacity_building", "best_practice_exchange", "common_standards"],
    "diplomatic_political": [
        "negotiation_conflict_resolution",
        "sanctions_embargoes",
        "multilateral_diplomacy",
        "public_diplomacy",
    ],
    "economic_cooperation": [
        "development_assistance",
        "counter_proliferation_financing",
        "terrorist_financing",
        "trade_investment",
    ],
    "non_state_engagement": ["civil_society_engagement", "private_sector_engagement"],
    "humanitarian": [
        "humanitarian_agreement",
        "conciliation",
        "relief",
        "detention_visit",
        "missing_persons_tracing",
        "reminding_obligations",
        "informing_publics",
    ],
    "track2_process": [
        "problem_solving_workshop",
        "public_opinion_work",
        "cooperative_economic_development",
        "scientific_cultural_exchange",
        "dialogue_group",
        "peace_camp",
    ],
}
SECURITY_AREAS = list(AREAS)[:6]
POLICE_OR_MILITARY_AREAS = {"military_cooperation", "law_enforcement"}


def test_security_cooperation_has_6_areas_and_22_kinds() -> None:
    assert len(SECURITY_AREAS) == 6
    assert sum(len(AREAS[a]) for a in SECURITY_AREAS) == 22


@pytest.mark.parametrize(("area", "kinds"), AREAS.items(), ids=list(AREAS))
def test_area_holds_its_kinds(taxonomy: Taxonomy, area: str, kinds: list[str]) -> None:
    entry = taxonomy.engagement_kinds.get(area)
    assert entry.extra["is_area"] is True
    assert entry.extra["area"] is None
    assert [t.id for t in taxonomy.engagement_kinds.children(area)] == kinds
    for kind in kinds:
        extra = taxonomy.engagement_kinds.get(kind).extra
        assert extra["area"] == area
        assert extra.get("is_area", False) is False
        assert extra["sector"] in taxonomy.sectors
        assert extra["police_or_military"] is (area in POLICE_OR_MILITARY_AREAS)


def test_every_engagement_kind_is_an_area_or_in_one(taxonomy: Taxonomy) -> None:
    listed = set(AREAS) | {k for kinds in AREAS.values() for k in kinds}
    assert set(taxonomy.engagement_kinds.ids) == listed


# --- sources and wording ----------------------------------------------------------------------


def test_every_seed_text_cited_exists(taxonomy: Taxonomy) -> None:
    cited = {name for t in all_terms(taxonomy) for name in SEED_FILE.findall(t.source)}
    on_disk = {p.name for p in seeds_dir().glob("*.txt")}
    assert cited, "no entry cites a seed text"
    assert cited <= on_disk, f"cited but missing: {sorted(cited - on_disk)}"
    assert cited == on_disk, f"seed texts never cited: {sorted(on_disk - cited)}"


def _shingles(text: str, size: int = 7) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_descriptions_are_not_copied_from_the_seeds(taxonomy: Taxonomy) -> None:
    seeds: set[tuple[str, ...]] = set()
    for path in seeds_dir().glob("*.txt"):
        seeds |= _shingles(path.read_text(encoding="utf-8"))
    copied = [t.id for t in all_terms(taxonomy) if _shingles(t.description) & seeds]
    assert copied == []


# --- lookup and validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "bad", "field", "suggestion"),
    [
        ("tracks", "10", "track", "'1'"),
        ("tracks", "Business", "track", "'3'"),
        ("sectors", "secruity", "sector", "'security'"),
        ("engagement_kinds", "peace_camps", "engagement_kind", "'peace_camp'"),
        ("agreement_statuses", "inforce", "agreement_status", "'in_force'"),
        ("membership_roles", "observers", "membership_role", "'observer'"),
    ],
)
def test_unknown_id_names_the_field_and_suggests(
    taxonomy: Taxonomy, name: str, bad: str, field: str, suggestion: str
) -> None:
    with pytest.raises(InvalidValueError) as caught:
        taxonomy.vocabulary(name).get(bad)
    error = caught.value
    assert error.field == field
    assert error.detail()["field"] == field
    assert str(error).startswith(f"{field}: unknown ")
    assert f"did you mean {suggestion}" in error.message
    assert "known: " in error.message


def test_unknown_track_message_lists_known_ids(taxonomy: Taxonomy) -> None:
    with pytest.raises(InvalidValueError, match=r"unknown track '10'.*known: 1, 1\.5, 2, 3"):
        taxonomy.tracks.get("10")


def test_validate_uses_the_callers_field(taxonomy: Taxonomy) -> None:
    assert taxonomy.sectors.validate("food", field="channel.sector") == "food"
    with pytest.raises(InvalidValueError) as caught:
        taxonomy.sectors.validate("xyzzy", field="channel.sector")
    assert caught.value.field == "channel.sector"
    assert "did you mean" not in caught.value.message


@pytest.mark.parametrize(("value", "expected"), [("1.5", True), (1, False), ("10", False)])
def test_contains(taxonomy: Taxonomy, value: object, expected: bool) -> None:
    assert (value in taxonomy.tracks) is expected


@pytest.mark.parametrize(
    ("name", "term_id", "ancestors"),
    [
        ("sectors", "food", ["security"]),
        ("sectors", "security", []),
        ("sectors", "detention", ["humanitarian"]),
        ("engagement_kinds", "peace_camp", ["track2_process"]),
    ],
)
def test_ancestors(taxonomy: Taxonomy, name: str, term_id: str, ancestors: list[str]) -> None:
    assert [t.id for t in taxonomy.vocabulary(name).ancestors(term_id)] == ancestors


def test_children_of_economic(taxonomy: Taxonomy) -> None:
    assert [t.id for t in taxonomy.sectors.children("economic")] == [
        "trade_investment",
        "development",
    ]


def test_unknown_vocabulary_is_refused(taxonomy: Taxonomy) -> None:
    with pytest.raises(InvalidValueError) as caught:
        taxonomy.vocabulary("colours")
    assert caught.value.field == "vocabulary"


def test_terms_and_taxonomy_are_immutable(taxonomy: Taxonomy) -> None:
    with pytest.raises(TypeError):
        taxonomy.tracks.get("1").extra["officialdom"] = "unofficial"  # type: ignore[index]
    with pytest.raises(AttributeError):
        taxonomy.tracks = taxonomy.sectors


# --- extension --------------------------------------------------------------------------------


def test_extended_adds_a_sector_and_an_engagement_kind(taxonomy: Taxonomy) -> None:
    bigger = taxonomy.extended(
        [
            term("sectors", "maritime", parent="security"),
            term(
                "engagement_kinds",
                "naval_port_visit",
                parent="military_cooperation",
                sector="maritime",
            ),
            term("engagement_kinds", "mine_clearance", parent="military_exercises"),
        ]
    )
    assert "maritime" in bigger.sectors
    assert "maritime" not in taxonomy.sectors
    assert [t.id for t in bigger.sectors.ancestors("maritime")] == ["security"]
    visit = bigger.engagement_kinds.get("naval_port_visit").extra
    assert visit["area"] == "military_cooperation"
    assert visit["police_or_military"] is True
    assert visit["sector"] == "maritime"
    assert bigger.engagement_kinds.get("mine_clearance").extra["sector"] == "military"
    assert check(bigger) == []


def test_extended_new_kind_may_use_a_new_sector(taxonomy: Taxonomy) -> None:
    bigger = taxonomy.extended(
        [
            term("sectors", "space", parent="security"),
            term(
                "engagement_kinds",
                "space_situational_awareness",
                area="information_capacity",
                sector="space",
                police_or_military=False,
            ),
        ]
    )
    assert bigger.engagement_kinds.get("space_situational_awareness").extra["sector"] == "space"


@pytest.mark.parametrize(
    ("terms", "field", "fragment"),
    [
        ([term("sectors", "food")], "sector", "already exists"),
        ([term("sectors", "ports"), term("sectors", "ports")], "sector", "already exists"),
        ([term("engagement_kinds", "peacekeeping")], "engagement_kind", "already exists"),
        ([term("sectors", "ports", parent="maritime")], "parent", "unknown sector 'maritime'"),
        ([term("tracks", "10")], "vocabulary", "tracks cannot be extended"),
        ([term("actor_kinds", "pirate")], "vocabulary", "actor_kinds cannot be extended"),
        ([term("colours", "red")], "vocabulary", "unknown vocabulary"),
        (
            [term("engagement_kinds", "drill", parent="military_cooperation", sector="nope")],
            "term",
            "default sector 'nope'",
        ),
        ([term("engagement_kinds", "orphan")], "term", "is not an area entry"),
        (
            [term("engagement_kinds", "drill", parent="military_cooperation")],
            "term",
            "default sector None",
        ),
    ],
    ids=[
        "existing-sector",
        "duplicate-in-batch",
        "existing-kind",
        "unknown-parent",
        "tracks-closed",
        "actor-kinds-closed",
        "unknown-vocabulary",
        "unknown-default-sector",
        "kind-without-area",
        "kind-without-sector",
    ],
)
def test_extended_refuses(taxonomy: Taxonomy, terms: list[Term], field: str, fragment: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        taxonomy.extended(terms)
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_extensible_vocabularies() -> None:
    assert frozenset({"sectors", "engagement_kinds"}) == EXTENSIBLE


# --- check finds broken taxonomies ------------------------------------------------------------


def test_check_detects_a_cycle(taxonomy: Taxonomy) -> None:
    sectors = taxonomy.sectors.with_terms(
        [term("sectors", "a", parent="b"), term("sectors", "b", parent="c")]
    )
    sectors = sectors.with_terms([term("sectors", "c", parent="a")])
    problems = check(replaced(taxonomy, sectors))
    assert problems == ["sectors: cycle in parents: a -> b -> c -> a"]
    assert [t.id for t in sectors.ancestors("a")] == ["b", "c"]


def test_check_detects_a_self_parent(taxonomy: Taxonomy) -> None:
    sectors = taxonomy.sectors.with_terms([term("sectors", "loop", parent="loop")])
    assert check(replaced(taxonomy, sectors)) == ["sectors: cycle in parents: loop -> loop"]


def test_check_detects_a_dangling_parent(taxonomy: Taxonomy) -> None:
    sectors = taxonomy.sectors.with_terms([term("sectors", "ports", parent="maritime")])
    assert check(replaced(taxonomy, sectors)) == [
        "sectors 'ports': parent 'maritime' does not exist"
    ]


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (term("actor_kinds", "state"), "actor_kinds: duplicate id 'state'"),
        (
            Term("actor_kinds", "ghost", "Ghost", "", "test"),
            "actor_kinds 'ghost': empty description",
        ),
        (
            Term("actor_kinds", "anon", "Anon", "No source.", " "),
            "actor_kinds 'anon': empty source",
        ),
        (term("sectors", "stray"), "actor_kinds 'stray': belongs to vocabulary 'sectors'"),
    ],
)
def test_check_detects_bad_terms(taxonomy: Taxonomy, bad: Term, problem: str) -> None:
    actor_kinds = taxonomy.actor_kinds.with_terms([bad])
    assert problem in check(replaced(taxonomy, actor_kinds))


def test_check_detects_a_missing_security_cooperation_kind(taxonomy: Taxonomy) -> None:
    kinds = Vocabulary(
        "engagement_kinds", tuple(t for t in taxonomy.engagement_kinds if t.id != "peacekeeping")
    )
    assert check(replaced(taxonomy, kinds)) == [
        "engagement_kinds: 21 security-cooperation kinds, expected 22"
    ]


def test_check_detects_a_kind_in_a_non_area(taxonomy: Taxonomy) -> None:
    kinds = taxonomy.engagement_kinds.with_terms(
        [term("engagement_kinds", "odd", area="peacekeeping", sector="military")]
    )
    problems = check(replaced(taxonomy, kinds))
    assert "engagement_kinds 'odd': area 'peacekeeping' is not an area entry" in problems


def test_check_detects_a_bad_officialdom(taxonomy: Taxonomy) -> None:
    tracks = taxonomy.tracks.with_terms([term("tracks", "10", officialdom="semi")])
    problems = check(replaced(taxonomy, tracks))
    assert problems == ["tracks '10': officialdom 'semi' is not one of mixed, official, unofficial"]


def test_taxonomy_needs_every_vocabulary(taxonomy: Taxonomy) -> None:
    with pytest.raises(MultitrackError, match="missing vocabulary 'tracks'"):
        Taxonomy(v for v in taxonomy if v.name != "tracks")


# --- parsing files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("- just a list", "must be a mapping with 'version' and 'entries'"),
        ("version: 1\nentries: {}", "'entries' must be a list"),
        ("version: one\nentries: []", "'version' must be a whole number"),
        ("version: 1\nentries:\n  - id: 1\n    name: One", "quote it: ids are text"),
        ("version: 1\nentries:\n  - id: x\n    name: [a]", "'name' must be text"),
        ("version: 1\nentries: [", "not valid YAML"),
    ],
)
def test_parse_vocabulary_reports_shape_problems(text: str, fragment: str) -> None:
    _, problems = parse_vocabulary("tracks", text)
    assert any(fragment in p for p in problems), problems


def test_parse_vocabulary_keeps_extra_fields() -> None:
    text = "version: 2\nentries:\n  - {id: x, name: X, description: D, source: S, colour: red}"
    vocabulary, problems = parse_vocabulary("sectors", text)
    assert problems == []
    assert vocabulary.version == 2
    assert dict(vocabulary.get("x").extra) == {"colour": "red"}


def test_taxonomy_error_lists_problems() -> None:
    error = TaxonomyError(["one", "two", "three", "four"])
    assert isinstance(error, MultitrackError)
    assert str(error) == "taxonomy has 4 problems: one; two; three; ..."
    assert error.detail()["problems"] == ["one", "two", "three", "four"]
