"""Create and edit forms for every entity kind; refused values are shown next to their field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from multitrack.errors import MultitrackError, NotFoundError
from multitrack.exchange.apply import save
from multitrack.exchange.exporter import snapshot
from multitrack.security.principal import Principal
from multitrack.services.listing import get_record
from multitrack.web.core import CSRF_FIELD, WebRoute, check_csrf, page_session, render
from multitrack.web.forms import FORMS, FormSpec, errors_of, to_record, to_values

router = APIRouter(route_class=WebRoute)


def spec_of(kind: str) -> FormSpec:
    spec = FORMS.get(kind)
    if spec is None:
        raise NotFoundError("page", kind)
    return spec


def page_of(kind: str, row: Any) -> str:
    """Where a saved record is shown."""
    if kind == "memberships":
        return f"/actors/{row.member_id}"
    return f"/{kind}/{row.id}"


def _form(
    request: Request,
    session: Session,
    principal: Principal,
    spec: FormSpec,
    *,
    values: dict[str, str],
    record_id: str | None = None,
    errors: dict[str, str] | None = None,
    general: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    options = {f.name: f.options(session) for f in spec.fields if f.options is not None}
    verb = "Edit" if record_id else "New"
    action = f"/{spec.kind}/{record_id}/edit" if record_id else f"/{spec.kind}/new"
    context = {
        "title": f"{verb} {spec.singular}",
        "spec": spec,
        "values": values,
        "options": options,
        "errors": errors or {},
        "general": general or [],
        "action": action,
        "can_write": principal.can_write(),
    }
    return render(request, "form.html", context, status_code=status_code, principal=principal)


@router.get("/new")
def new_index(request: Request) -> Response:
    with page_session(request) as (_, principal, _session):
        return render(
            request, "new.html", {"title": "New record", "forms": FORMS}, principal=principal
        )


@router.get("/{kind}/new")
def new_form(request: Request, kind: str) -> Response:
    spec = spec_of(kind)
    with page_session(request) as (_, principal, session):
        defaults = {"status": "active", "role": "member"}
        values = {f.name: defaults.get(f.name, "") for f in spec.fields}
        return _form(request, session, principal, spec, values=values)


@router.get("/{kind}/{ref}/edit")
def edit_form(request: Request, kind: str, ref: str) -> Response:
    spec = spec_of(kind)
    with page_session(request) as (_, principal, session):
        row = get_record(session, kind, ref)
        values = to_values(session, spec, snapshot(session, kind, row))
        return _form(request, session, principal, spec, values=values, record_id=str(row.id))


async def _submit(request: Request, kind: str, ref: str | None) -> Response:
    spec = spec_of(kind)
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    values = {f.name: str(form.get(f.name, "")) for f in spec.fields}
    with page_session(request) as (_, principal, session):
        record_id = str(get_record(session, kind, ref).id) if ref else None
        data = to_record(spec, values)
        if record_id:
            data["id"] = record_id
        try:
            with session.begin_nested():  # a refused record leaves nothing behind
                row = save(session, kind, spec.record.model_validate(data))
                target = page_of(kind, row)
        except (ValidationError, MultitrackError) as error:
            errors, general = errors_of(spec, error)
            return _form(
                request,
                session,
                principal,
                spec,
                values=values,
                record_id=record_id,
                errors=errors,
                general=general,
                status_code=422,
            )
    return RedirectResponse(target, status_code=303)


@router.post("/{kind}/new")
async def create(request: Request, kind: str) -> Response:
    return await _submit(request, kind, None)


@router.post("/{kind}/{ref}/edit")
async def update(request: Request, kind: str, ref: str) -> Response:
    return await _submit(request, kind, ref)
