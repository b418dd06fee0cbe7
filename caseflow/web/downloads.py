"""File answers: one media-type table and one Content-Disposition for every download."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from starlette.responses import Response

MEDIA_TYPES: dict[str, str] = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}

#: A rendered document (memo, portfolio report) carries its styles inline, which the pages'
#: policy (`style-src 'self'`) would block. Its own policy allows inline styles and nothing else:
#: no script, no fetch, no form, in a sandbox (every case value in it is escaped besides).
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'; sandbox"
)


def download(
    data: bytes,
    *,
    fmt: str,
    filename: str,
    inline: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """`data` as a file of format `fmt` named `filename`, shown in the browser if `inline`, else
    saved. A non-ASCII name is also sent as RFC 6266's `filename*` (UTF-8)."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    disposition = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if ascii_name != filename:
        disposition += f"; filename*=UTF-8''{quote(filename)}"
    own = {"Content-Security-Policy": DOCUMENT_CSP} if fmt == "html" else {}
    return Response(
        data, media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": disposition, **own, **(headers or {})},
    )  # fmt: skip


#: Media types a browser may show inline from a registered document (never HTML or SVG).
INLINE_SAFE = ("application/pdf", "image/png", "image/jpeg", "text/plain")


def file_download(data: bytes, *, media_type: str, filename: str, inline: bool = False) -> Response:
    """A registered document's bytes under its media type. Inline only for `INLINE_SAFE` types
    (a PDF may then be framed by this site's own pages, for the preview); anything else is
    always an attachment."""
    show = inline and media_type in INLINE_SAFE
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    ascii_name = ascii_name.replace('"', "_").replace("\\", "_")
    disposition = f'{"inline" if show else "attachment"}; filename="{ascii_name}"'
    if ascii_name != filename:
        disposition += f"; filename*=UTF-8''{quote(filename)}"
    headers = {"Content-Disposition": disposition}
    if show:
        headers["X-Frame-Options"] = "SAMEORIGIN"
        # Chrome's PDF viewer needs the document's own policy left open; others get none.
        policy = "" if media_type == "application/pdf" else "default-src 'none'; "
        headers["Content-Security-Policy"] = policy + "frame-ancestors 'self'"
    kind = media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")
    return Response(data, media_type=kind, headers=headers)
