"""``multitrack actor ...`` and ``multitrack membership ...``."""

from __future__ import annotations

import typer
from rich.table import Table

from multitrack.cli.context import (
    ClassificationOption,
    Format,
    FormatOption,
    OwnerOption,
    ReleasableOption,
    build,
    console,
    labels,
    print_json,
    session,
)
from multitrack.errors import MultitrackError
from multitrack.exchange.apply import save
from multitrack.exchange.records import ActorRecord, MembershipRecord
from multitrack.services.actors import find_actors, list_actors, resolve_actor
from multitrack.services.queries import actor_detail, actor_summary, members_of, membership_view

app = typer.Typer(
    help="Actors: states and their organs, organisations, NGOs, people ...", no_args_is_help=True
)
membership_app = typer.Typer(help="Memberships of actors in organisations.", no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, help="Only this actor kind (state, igo, ngo ...)."),
    country: str | None = typer.Option(None, help="Only actors of this country."),
    q: str | None = typer.Option(None, "--q", help="Only actors whose names contain this."),
    fmt: Format = FormatOption,
) -> None:
    """List actors."""
    with session(ctx) as s:
        actors = list_actors(s, kind=kind, country=country, query=q)
        rows = [
            {
                **actor_summary(a),
                "iso3": a.iso3,
                "country": a.country,
                "parent": a.parent.name if a.parent else None,
            }
            for a in actors
        ]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} actors", title_justify="left")
    for column in ("Name", "Kind", "Country", "Part of", "Id"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["name"], row["kind"], row["country"] or "", row["parent"] or "", row["id"][:8]
        )
    console.print(table)


@app.command()
def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Name, alias, code or id."),
    fmt: Format = FormatOption,
) -> None:
    """Show one actor with its names, codes and memberships."""
    with session(ctx) as s:
        data = actor_detail(s, resolve_actor(s, name))
    if fmt is Format.json:
        print_json(data)
        return
    table = Table(show_header=False, title=data["name"], title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for label, value in (
        ("id", data["id"]),
        ("kind", data["kind"]),
        ("aliases", ", ".join(data["aliases"])),
        ("codes", ", ".join(data["codes"])),
        ("country", data["country"]),
        ("part of", data["parent"]["name"] if data["parent"] else None),
        ("organs", ", ".join(o["name"] for o in data["organs"])),
        ("current members", str(data["members"]) if data["members"] else None),
        ("description", data["description"]),
        ("source", data["source"]),
    ):
        if value:
            table.add_row(label, value)
    for m in data["memberships"]:
        span = f"{m['since'] or '?'} – {m['until'] or 'now'}"
        table.add_row("member of", f"{m['organisation']['name']} ({m['role']}, {span})")
    console.print(table)


@app.command()
def add(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    kind: str = typer.Option(
        ...,
        "--kind",
        help="state, state_organ, igo, court, ngo, "
        "armed_group, company, academia, media, religious, funder, individual",
    ),
    country: str | None = typer.Option(None, "--country", help="ISO3 code or country name."),
    alias: list[str] = typer.Option([], "--alias", help="Another name (repeatable)."),
    parent: str | None = typer.Option(None, "--parent", help="The actor this one is part of."),
    iso3: str | None = typer.Option(None, "--iso3", help="ISO 3166 alpha-3 (states)."),
    cameo: str | None = typer.Option(None, "--cameo", help="CAMEO actor code."),
    description: str | None = typer.Option(None, "--description"),
    source: str | None = typer.Option(None, "--source", help="Citation for this record."),
    classification: str | None = ClassificationOption,
    owner: str | None = OwnerOption,
    releasable_to: str | None = ReleasableOption,
    fmt: Format = FormatOption,
) -> None:
    """Add an actor."""
    record = build(
        ActorRecord,
        kind=kind,
        name=name,
        aliases=alias,
        country=country,
        parent=parent,
        iso3=iso3,
        cameo_code=cameo,
        description=description,
        source=source,
        **labels(classification, owner, releasable_to),
    )
    with session(ctx) as s:
        clash = [a for a in find_actors(s, name) if a.kind == kind]
        if clash:
            raise MultitrackError(f"actor {name!r} already exists ({clash[0].id})")
        actor = save(s, "actors", record)
        data = actor_summary(actor)
    if fmt is Format.json:
        print_json(data)
    else:
        console.print(f"added actor {data['name']} ({data['id']})")


@membership_app.command("list")
def membership_list(
    ctx: typer.Context,
    organisation: str | None = typer.Option(None, "--organisation", "--org"),
    member: str | None = typer.Option(None, "--member"),
    current: bool = typer.Option(False, "--current", help="Only current full members."),
    fmt: Format = FormatOption,
) -> None:
    """List memberships, of one organisation or of one member."""
    from sqlalchemy import select

    from multitrack.model import Membership

    with session(ctx) as s:
        if organisation:
            org = resolve_actor(s, organisation)
            rows = list(members_of(s, org.id, current=current))
        else:
            query = select(Membership).order_by(Membership.since, Membership.id)
            if current:
                query = query.where(Membership.until.is_(None), Membership.role == "member")
            rows = list(s.scalars(query))
        if member:
            who = resolve_actor(s, member)
            rows = [m for m in rows if m.member_id == who.id]
        data = [membership_view(m) for m in rows]
    if fmt is Format.json:
        print_json(data)
        return
    table = Table(title=f"{len(data)} memberships", title_justify="left")
    for column in ("Member", "Organisation", "Role", "Since", "Until"):
        table.add_column(column)
    for m in data:
        table.add_row(
            m["member"]["name"],
            m["organisation"]["name"],
            m["role"],
            m["since"] or "",
            m["until"] or "",
        )
    console.print(table)


@membership_app.command("add")
def membership_add(
    ctx: typer.Context,
    member: str = typer.Argument(...),
    organisation: str = typer.Argument(...),
    role: str = typer.Option("member", "--role"),
    since: str | None = typer.Option(None, "--since", help="YYYY-MM-DD (or YYYY-MM, YYYY)"),
    until: str | None = typer.Option(None, "--until"),
    source: str | None = typer.Option(None, "--source"),
    classification: str | None = ClassificationOption,
    owner: str | None = OwnerOption,
    releasable_to: str | None = ReleasableOption,
    fmt: Format = FormatOption,
) -> None:
    """Record that MEMBER belongs (or belonged) to ORGANISATION."""
    record = build(
        MembershipRecord,
        member=member,
        organisation=organisation,
        role=role,
        since=since,
        until=until,
        source=source,
        **labels(classification, owner, releasable_to),
    )
    with session(ctx) as s:
        row = save(s, "memberships", record)
        s.flush()
        data = {"id": str(row.id)}
    if fmt is Format.json:
        print_json(data)
    else:
        console.print(f"added membership {data['id']}")
