"""Lists on the demo world: pages that add up, full text, filters and sorting."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api

KINDS = ("actors", "memberships", "channels", "engagements", "agreements", "objectives")


@pytest.mark.parametrize("kind", KINDS)
def test_pages_add_up_to_the_whole_list(demo_api: Api, kind: str) -> None:
    whole = demo_api.ok("GET", f"/api/v1/{kind}", params={"limit": 500})
    total = whole["total"]
    assert total > 0
    ids: list[str] = []
    for offset in range(0, min(total, 60), 7):
        page = demo_api.ok("GET", f"/api/v1/{kind}", params={"limit": 7, "offset": offset})
        assert (page["total"], page["limit"], page["offset"]) == (total, 7, offset)
        ids += [r["id"] for r in page["items"]]
    assert ids == [r["id"] for r in whole["items"]][: len(ids)]
    assert len(set(ids)) == len(ids)
    past = demo_api.ok("GET", f"/api/v1/{kind}", params={"offset": total + 10})
    assert past["items"] == []
    assert past["total"] == total


@pytest.mark.parametrize(
    ("kind", "params", "check"),
    [
        ("actors", {"q": "norway"}, lambda r: "Norway" in r["name"] or r["aliases"]),
        ("actors", {"q": "NOR"}, lambda r: r["iso3"] == "NOR" or r["aliases"] or r["name"]),
        ("actors", {"kind": "state", "country": "Norway"}, lambda r: r["iso3"] == "NOR"),
        ("actors", {"kind": "igo"}, lambda r: r["kind"] == "igo"),
        ("channels", {"track": "1.5"}, lambda r: r["track"] == "1.5"),
        ("channels", {"sector": "humanitarian"}, lambda r: r["sector"] == "humanitarian"),
        (
            "channels",
            {"q": "oslo"},
            lambda r: "oslo" in (r["name"] + (r["description"] or "")).lower(),
        ),
        (
            "engagements",
            {"since": "2000", "until": "2009"},
            lambda r: "2000" <= r["start"][:4] <= "2009",
        ),
        ("agreements", {"status": "in_force"}, lambda r: r["status"] == "in_force"),
        (
            "memberships",
            {"member": "Norway"},
            lambda r: r["member"] == "6f0123ee-0d0b-5c74-969b-ce7905709aff",
        ),
    ],
)
def test_filters_keep_only_matching_records(
    demo_api: Api, kind: str, params: dict[str, str], check: object
) -> None:
    page = demo_api.ok("GET", f"/api/v1/{kind}", params={**params, "limit": 500})
    assert page["items"], params
    assert page["total"] == len(page["items"])
    assert all(check(r) for r in page["items"])  # type: ignore[operator]
    whole = demo_api.ok("GET", f"/api/v1/{kind}", params={"limit": 500})
    assert page["total"] < whole["total"]


def test_actor_filter_gives_the_actor_page_lists(demo_api: Api) -> None:
    norway = demo_api.ok("GET", "/api/v1/actors", params={"q": "Norway", "kind": "state"})
    actor_id = norway["items"][0]["id"]
    channels = demo_api.ok("GET", "/api/v1/channels", params={"actor": actor_id, "limit": 500})
    assert channels["items"]
    assert all(actor_id in {p["actor"] for p in c["participants"]} for c in channels["items"])
    agreements = demo_api.ok("GET", "/api/v1/agreements", params={"actor": "NOR"})
    assert all(actor_id in {p["actor"] for p in a["parties"]} for a in agreements["items"])
    engagements = demo_api.ok("GET", "/api/v1/engagements", params={"actor": "Norway"})
    assert engagements["total"] > 0


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("actors", "name"),
        ("actors", "kind"),
        ("channels", "started"),
        ("channels", "track"),
        ("engagements", "start"),
        ("agreements", "adopted"),
        ("objectives", "title"),
        ("memberships", "since"),
    ],
)
def test_sorting_both_ways(demo_api: Api, kind: str, field: str) -> None:
    up = demo_api.ok("GET", f"/api/v1/{kind}", params={"sort": field, "limit": 500})["items"]
    down = demo_api.ok("GET", f"/api/v1/{kind}", params={"sort": f"-{field}", "limit": 500})[
        "items"
    ]
    values = [r[field] for r in up if r[field] is not None]
    assert values == sorted(values)
    values = [r[field] for r in down if r[field] is not None]
    assert values == sorted(values, reverse=True)
    assert [r[field] for r in up][-1:] != [None] or up[0][field] is not None  # nulls last


def test_taxonomy_lists_a_vocabulary(demo_api: Api) -> None:
    tracks = demo_api.ok("GET", "/api/v1/taxonomy/tracks")
    assert [t["id"] for t in tracks][:3] == ["1", "1.5", "2"]
