"""What every /api/v1 endpoint shares: the caller, the context, path and text checks, errors.

Validation errors (422) keep FastAPI's documented shape, `{"detail": [{loc, msg, type}]}`, but
`msg` is Swedish and names the field (the `input` and `ctx` items are left out).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError
from starlette.responses import Response

from caseflow.cases.accounts import Principal
from caseflow.domain.checks import check_text
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.validation import message_of
from caseflow.web.context import WebContext
from caseflow.web.security import api_user, web

PREFIX = "/api/v1"
CASE = "/cases/{prefix}/{serial}/{year}"

#: Documents the bearer token in the OpenAPI document; `api_user` does the checking.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="API-token från `caseflow user token EMAIL`: `Authorization: Bearer <token>`.",
)
ApiUser = Annotated[Principal, Depends(api_user)]
Context = Annotated[WebContext, Depends(web)]


class ApiError(BaseModel):
    """The body of every 4xx answer but 422: a Swedish sentence (and a blocked move's reasons)."""

    detail: str
    problems: list[str] | None = None


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these error statuses (401 is on every endpoint)."""
    text = {
        400: "Felaktig uppgift (meddelandet säger vilken)",
        401: "Saknad eller ogiltig token",
        403: "Rollen räcker inte",
        404: "Finns inte",
        409: "Ändrat av någon annan, eller flytten går inte",
    }
    return {code: {"model": ApiError, "description": text[code]} for code in (401, *codes)}


# --- Swedish validation errors -----------------------------------------------------------------

_WHERE = {"body", "query", "path", "header", "cookie"}
_DEEP = {"lone_surrogate", "date_range"}  # our own errors that carry a path within the field


def swedish(items: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic's error items as `{loc, msg, type}` with the message in Swedish."""
    out = []
    for item in items:
        loc = [str(part) for part in item.get("loc", ())]
        kind = str(item.get("type", ""))
        ctx = {k: str(v).replace(" or ", " eller ") for k, v in (item.get("ctx") or {}).items()}
        if kind == "json_invalid":  # loc is ("body", offset)
            loc, ctx = loc[:1], {"at": loc[1] if len(loc) > 1 else "?"}
        if kind in _DEEP and ctx.get("path"):  # inside a free-form JSON object
            loc += ctx["path"].split(".")
        names = loc[1:] if loc and loc[0] in _WHERE else loc
        message = message_of({**item, "ctx": ctx})
        where = ".".join(names) if names else "begärans innehåll"
        out.append({"loc": loc, "msg": f"{where}: {message}", "type": kind})
    return out


class ApiRoute(APIRoute):
    """An API route whose 422 answers are in Swedish (see the module docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return JSONResponse({"detail": swedish(exc.errors())}, status_code=422)

        return handle


# --- input checks ------------------------------------------------------------------------------


def _lone_surrogate(text: str) -> str | None:
    for char in text:
        if 0xD800 <= ord(char) <= 0xDFFF:
            return char
    return None


def check_json(value: Any, path: str = "") -> None:
    """Raise PydanticCustomError if a text anywhere in a parsed JSON value holds a lone surrogate
    (`"\\ud800"` is valid JSON, but no database can store it as UTF-8). Typed `str` fields refuse
    one by themselves (`string_unicode`); this is for free-form JSON. Control characters are left
    to the engine's own checks, which name the field in Swedish."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_json(str(key), path)
            check_json(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_json(item, f"{path}.{i}" if path else str(i))
    elif isinstance(value, str) and (bad := _lone_surrogate(value)) is not None:
        raise PydanticCustomError(
            "lone_surrogate", "otillåtet tecken {char} i texten", {"char": repr(bad), "path": path}
        )


class Body(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


def clean(value: str | None, name: str) -> str | None:
    """A query text stripped (None if empty); InputError on a control character."""
    if value is None:
        return None
    return check_text(value, field=name) or None


Text = Annotated[str | None, Query(max_length=300)]

Prefix = Annotated[str, Path(description="Diarienumrets prefix", examples=["RUN"])]
Serial = Annotated[str, Path(description="Löpnummer", examples=["479"])]
Year = Annotated[str, Path(description="År", examples=["2024"])]
#: A stored row's number in a path (memo, document, request): beyond what the databases' INTEGER
#: holds it is a 422, not a driver overflow.
RowNumber = Annotated[int, Path(ge=1, le=2**31 - 1, description="Nummer", examples=[1])]
BodyName = Annotated[str, Path(max_length=20, description="Nämnden", examples=["RUN"])]
Day = Annotated[str, Path(max_length=20, description="ÅÅÅÅ-MM-DD", examples=["2025-02-20"])]


def dnr_of(prefix: str, serial: str, year: str) -> str:
    """The diarienummer named by the path, normalised; InputError (400) if malformed."""
    return str(parse_dnr(f"{prefix}/{serial}/{year}"))
