"""The Jinja2 environment of the pages (autoescaped) and `render`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import Response

from caseflow.domain.decisions import event_text
from caseflow.domain.funders import FUNDER_STATUS_LABELS, FUNDERS
from caseflow.domain.history import value_text
from caseflow.domain.meetingdays import meeting_event_text
from caseflow.domain.permissions import allowed
from caseflow.domain.roles import ROLES
from caseflow.domain.textformat import format_local, format_sek
from caseflow.records.vocabulary import MASK

TEMPLATES = Path(__file__).parent / "templates"


def _sek(amount: int | None) -> str:
    return format_sek(amount) if amount is not None else "–"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_local(value)
    return value.isoformat()


def _role_names(roles: tuple[str, ...]) -> str:
    return ", ".join(ROLES.get(r, r) for r in roles)


def _dnr_path(diarienummer: str) -> str:
    return "/cases/" + diarienummer


def options(pairs: Iterable[tuple[Any, Any]], selected: Any = None) -> Markup:
    """`<option>`s of (value, text) pairs, the one whose value is `selected` marked: built in
    Python, a select of many choices costs a tenth of the same loop in the template."""
    out = []
    for value, text in pairs:
        mark = " selected" if selected is not None and value == selected else ""
        out.append(f'<option value="{escape(value)}"{mark}>{escape(text)}</option>')
    return Markup("".join(out))


def datalist(values: Iterable[Any]) -> Markup:
    """A `<datalist>`'s `<option>`s: the values suggested for a text field."""
    return Markup("".join(f'<option value="{escape(v)}"></option>' for v in values))


#: The funders and their statuses, as the case page's selects offer them (fixed lists).
FUNDER_OPTIONS = options(FUNDERS.items())
FUNDER_STATUS_OPTIONS = options(FUNDER_STATUS_LABELS.items())


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def _outcome(code: str | None) -> str:
    return value_text(code, "outcome") if code else ""


_env.filters.update(sek=_sek, when=_when, case_url=_dnr_path, role_names=_role_names,
                    outcome=_outcome)  # fmt: skip


def _event_text(kind: str, changes: dict[str, Any] | None) -> str | None:
    return event_text(kind, changes) or meeting_event_text(kind, changes)


_env.globals.update(ROLES=ROLES, FUNDERS=FUNDERS, FUNDER_STATUSES=FUNDER_STATUS_LABELS,
                    FUNDER_OPTIONS=FUNDER_OPTIONS, FUNDER_STATUS_OPTIONS=FUNDER_STATUS_OPTIONS,
                    options=options, datalist=datalist,
                    decision_event_text=_event_text)  # fmt: skip
templates = Jinja2Templates(env=_env)


class PeopleNames:
    """`name_of(email)` in a template: the registered person's name, else the address itself.
    The people are read once per page, on the first call (most pages never ask)."""

    def __init__(self, request: Request, names: dict[str, str] | None = None) -> None:
        self.request = request
        self.names = names  # e-mail (lower case) → name, when the page read them already

    def __call__(self, email: str | None) -> str:
        if not email:
            return ""
        if self.names is None:
            from caseflow.store.repo import list_people

            with self.request.app.state.ctx.db.read() as session:
                self.names = {p.email.lower(): p.name for p in list_people(session=session)}
        return self.names.get(email.lower()) or email


class CaseTitles:
    """`title_of(dnr, title)` in a template: the case's title, or `[sekretess]` when the title
    is under a secrecy mark and the page's user (None: the public) may not see it. The marked
    titles are read once per page, on the first call for a user without access."""

    def __init__(self, request: Request, user: Any) -> None:
        self.request = request
        self.user = user
        self.marked: set[str] | None = None

    def __call__(self, dnr: str, title: str | None) -> str:
        ctx = self.request.app.state.ctx
        if self.user is not None and ctx.records.secrecy.may_see(tuple(self.user.roles)):
            return title or ""
        if self.marked is None:
            from caseflow.records.fieldmask import marked_titles

            with ctx.db.read() as session:
                self.marked = marked_titles(session=session)
        return MASK if dnr in self.marked else title or ""


def _may(user: Any) -> Any:
    """`may(action)` in a template: whether the page's user may do `action` (a link to a page
    that would answer 403 is not shown)."""

    def may(action: str) -> bool:
        return user is not None and allowed(action, user.roles)

    return may


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    """Render a page; `user` (a PageUser) is None on pages shown without a session."""
    context.setdefault("user", None)
    context.setdefault("name_of", PeopleNames(request))
    context.setdefault("may", _may(context["user"]))
    context.setdefault("title_of", CaseTitles(request, context["user"]))
    context.setdefault("message", None)
    context.setdefault("error", None)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
