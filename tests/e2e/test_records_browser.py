"""The case's documents page in real Chromium: a PDF dropped onto the upload area is sent with
the progress bar moving, listed, and previewed in a frame; an image is previewed; a refused file
shows the server's Swedish message without leaving the page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tests.recordkit import pdf_bytes, png_bytes

from .conftest import AXE_CASE, HANDLAGGARE, LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

PAGE = f"/cases/{AXE_CASE}/handlings"

_WATCH_PROGRESS = """() => {
  const bar = document.getElementById("upload-progress");
  sessionStorage.setItem("progress", "");
  new MutationObserver(() => {
    sessionStorage.setItem("progress", sessionStorage.getItem("progress") + "," + bar.value);
  }).observe(bar, {attributes: true});
}"""

_DROP = """([name, bytes]) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(bytes)], name, {type: "application/pdf"}));
  const zone = document.getElementById("dropzone");
  const given = {dataTransfer: data, bubbles: true, cancelable: true};
  zone.dispatchEvent(new DragEvent("dragover", given));
  zone.dispatchEvent(new DragEvent("drop", given));
}"""


def test_drop_upload_with_progress_then_preview(live_server: LiveServer, page: Page,
                                                tmp_path: Path) -> None:  # fmt: skip
    from playwright.sync_api import expect

    live_server.log_in(page, HANDLAGGARE, next_path=PAGE)
    expect(page.get_by_text("… eller dra och släpp filen här.")).to_be_visible()
    big = pdf_bytes("Ansökan") + b"%" + b"0" * (1024 * 1024)  # about 1 MB: several progress events
    page.evaluate(_DROP, ["ansokan.pdf", list(big)])
    expect(page.locator("#drop-chosen")).to_contain_text("Vald fil: ansokan.pdf")
    page.get_by_label("Riktning").select_option("inkommande")
    page.get_by_label("Dokumenttyp").select_option("ansokan")
    page.get_by_label("Ärendemening (vad handlingen gäller)").fill("Ansökan om medfinansiering")
    page.get_by_label("Avsändare eller mottagare").fill("Destination Jämtland")
    page.evaluate(_WATCH_PROGRESS)
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Handlingen är registrerad som")
    seen = [int(v) for v in page.evaluate("sessionStorage.getItem('progress')").split(",") if v]
    assert seen and seen[-1] == 100, seen
    row = page.locator("tbody tr", has_text="Ansökan om medfinansiering")
    expect(row).to_contain_text("Inkommande")
    number = row.locator("a").first.inner_text()
    assert number.startswith(f"{AXE_CASE}-")

    with page.expect_response(lambda r: "/file?inline=true" in r.url) as answer:
        row.get_by_role("link", name="Förhandsgranska").click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    expect(page.locator("iframe.preview")).to_be_visible()
    live_server.shot(page, "records-preview-pdf")

    page.goto(live_server.url + PAGE)
    image = tmp_path / "karta.png"
    image.write_bytes(png_bytes(40, 30))
    page.get_by_label("Fil (pdf, Word, Excel, png, jpeg eller text; högst 50 MB)").set_input_files(
        str(image)
    )
    page.get_by_label("Ärendemening (vad handlingen gäller)").fill("Karta över området")
    page.get_by_label("Riktning").select_option("upprattad")
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Handlingen är registrerad som")
    page.locator("tbody tr", has_text="Karta över området").get_by_role(
        "link", name="Förhandsgranska"
    ).click()
    shown = page.locator("img.preview")
    expect(shown).to_be_visible()
    assert page.evaluate("document.querySelector('img.preview').naturalWidth") == 40

    page.goto(live_server.url + PAGE)
    fake = tmp_path / "rapport.pdf"
    fake.write_bytes(png_bytes())
    page.get_by_label("Fil (pdf, Word, Excel, png, jpeg eller text; högst 50 MB)").set_input_files(
        str(fake)
    )
    page.get_by_label("Ärendemening (vad handlingen gäller)").fill("Rapport")
    page.get_by_label("Riktning").select_option("upprattad")
    page.get_by_role("button", name="Registrera", exact=True).click()
    expect(page.locator("#upload-status")).to_contain_text(
        "innehållet är PNG-bild men namnet säger PDF"
    )
    assert page.url == live_server.url + PAGE
