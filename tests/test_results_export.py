"""The filled results report as Word, PDF (LibreOffice) and Excel: opened back and read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from caseflow.results.export import FilledReport, boxes, count_line, render_docx, render_xlsx
from caseflow.results.form import load_form
from tests.conftest import Run
from tests.office import convert

FORM = load_form("2024")


def report(**texts: str) -> FilledReport:
    """Every slot answered briefly; 5.1d unticked; `texts` by slot with "_" for "." ("s6_1")."""
    given = {k[1:].replace("_", "."): v for k, v in texts.items()}
    answers = {slot: given.get(slot, f"Svar på {slot}.") for slot in FORM.slots}
    choices = {"5.1a": "Ja", "5.1b": "Nej", "5.1c": "Ja", "5.1d": None}
    return FilledReport("Region Exempelbotten", 2025, FORM, "Granskning", answers, choices)


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def test_count_lines_and_check_boxes() -> None:
    (first, *_), over = report().counts, report(s6_1="x" * 5000).counts[5]
    assert count_line(first) == "Antal tecken: 60 av 11\u00a0000 (10\u00a0940 kvar)"
    assert count_line(over) == "Antal tecken: 5\u00a0024 av 5\u00a0000 – 24 över gränsen"
    assert boxes(["Ja", "Nej", "Ej aktuellt"], "Nej") == "☐ Ja  ☒ Nej  ☐ Ej aktuellt"


def test_the_word_form_has_numbers_texts_notes_boxes_counts_and_answers() -> None:
    data = render_docx(report(s1_1="Första stycket.\nRad två.\n\nAndra stycket.",
                              s6_1="x" * 5000))  # fmt: skip
    text = paragraphs(data)
    assert text[1:3] == ["Region Exempelbotten – redovisning för 2025", "Status: Granskning"]
    start = text.index("1. Likvärdiga möjligheter till boende, arbete och välfärd")
    assert text[start + 1].startswith("Observera! Maximalt antal tecken inklusive blanksteg för "
                                      "frågorna 1.1–1.5 är sammantaget 11 000.")  # fmt: skip
    assert text[start + 2].startswith("Antal tecken: ")
    assert text[start + 3].startswith("Ange i frågorna 1.1–1.3 vilka aktörer")
    assert (
        "1.1 Beskriv hur det strategiskt viktigaste arbetet inom detta område har genomförts."
        in text
    )
    assert "Första stycket.\nRad två." in text and "Andra stycket." in text
    assert any(t.startswith("Fotnot: För definitioner") for t in text)
    assert "a) den regionala utvecklingsstrategin?   ☒ Ja  ☐ Nej" in text
    assert "d) i förekommande fall omställningsplanen för Fonden för en rättvis omställning?   " \
           "☐ Ja  ☐ Nej  ☐ Ej aktuellt" in text  # fmt: skip
    assert "Antal tecken: 5\u00a0024 av 5\u00a0000 – 24 över gränsen" in text
    assert sum(t.startswith("Antal tecken:") for t in text) == 6
    questions = [
        t.split(" ")[0] for t in text if t[:1].isdigit() and t[1:2] == "." and t[2:3].isdigit()
    ]
    assert questions == [q.number for q in FORM.questions]


def test_the_word_form_converts_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "resultat.docx"
    source.write_bytes(render_docx(report()))
    pdf = convert(source, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = convert(source, "txt:Text").read_text(encoding="utf-8-sig")
    assert "6.3 Beskriv hur olika territoriella perspektiv" in text and "☒ Ja" in text


def test_the_workbook_has_counts_per_section_and_answers_as_text() -> None:
    book = load_workbook(io.BytesIO(render_xlsx(report(s2_1="=SUMMA(A1:A9)", s6_1="x" * 5000))))
    sections = [list(r) for r in book["Avsnitt"].iter_rows(values_only=True)]
    assert sections[0] == ["Avsnitt", "Rubrik", "Gräns (tecken)", "Antal tecken", "Kvar",
                           "Över gränsen"]  # fmt: skip
    assert sections[6] == [6, "Analys, uppföljning och utvärdering", 5000, 5024, -24, "Ja"]
    rows = list(book["Svar"].iter_rows(values_only=True))
    assert len(rows) == 1 + 31
    by_slot = {r[1]: r for r in rows[1:]}
    assert by_slot["2.1"][4] == "=SUMMA(A1:A9)" and book["Svar"]["E3"].data_type == "s"
    assert by_slot["5.1b"][2:4] == (
        "Har anslaget bidragit till att nå målen i: nationellt och regionala program för "
        "Europeiska regionala utvecklingsfonden?", "Nej",
    )  # fmt: skip
    assert by_slot["6.1"][5] == 5000


def test_export_on_the_command_line(cli: Run, tmp_path: Path) -> None:
    cli("results", "new", "2024")
    answer = tmp_path / "a.txt"
    answer.write_text("Svar.", "utf-8")
    cli("results", "answer", "2024", "1.1", "--file", str(answer))
    code, out, _ = cli("results", "export", "2024", "-o", str(tmp_path / "r.docx"))
    assert code == 0 and out.startswith(f"skrev {tmp_path / 'r.docx'}")
    assert "Svar." in paragraphs((tmp_path / "r.docx").read_bytes())
    code, _, _ = cli("results", "export", "2024", "--format", "xlsx", "-o", str(tmp_path / "r.x"))
    assert (
        code == 0
        and load_workbook(io.BytesIO((tmp_path / "r.x").read_bytes()))["Avsnitt"]["D2"].value == 5
    )
    code, _, err = cli("results", "export", "2024", "-o", str(tmp_path / "r.odt"))
    assert code == 1 and err.strip() == "fel: okänt format 'odt'; välj ett av docx, pdf, xlsx"
    code, _, err = cli("results", "export", "2024", "-o", str(tmp_path / "nej" / "r.docx"))
    assert code == 1 and "mappen" in err and not (tmp_path / "nej").exists()
    code, _, err = cli("results", "export", "2023", "-o", str(tmp_path / "x.docx"))
    assert code == 1 and "ingen resultatredovisning för 2023" in err
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize("fmt", ["pdf"])
def test_pdf_export_on_the_command_line(cli: Run, tmp_path: Path, fmt: str) -> None:
    from tests.office import soffice

    soffice()  # skips where LibreOffice is missing (CI requires it)
    cli("results", "new", "2024")
    code, _, err = cli("results", "export", "2024", "--format", fmt, "-o", str(tmp_path / "r.pdf"))
    assert code == 0, err
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
