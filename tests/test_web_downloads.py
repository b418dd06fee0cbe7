"""The one Content-Disposition every download uses."""

from __future__ import annotations

from caseflow.web.downloads import download


def test_ascii_names_are_sent_as_they_are() -> None:
    response = download(b"x", fmt="docx", filename="memo-RUN-1-2025.docx")
    assert response.headers["content-disposition"] == 'attachment; filename="memo-RUN-1-2025.docx"'
    assert response.media_type is not None and "wordprocessingml" in response.media_type


def test_other_names_also_go_as_utf8_and_html_may_be_inline() -> None:
    response = download(b"x", fmt="html", filename="för.html", inline=True)
    assert response.headers["content-disposition"] == (
        "inline; filename=\"f_r.html\"; filename*=UTF-8''f%C3%B6r.html"
    )
