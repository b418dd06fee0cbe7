"""The filled results report as files (pure): the form in Word (question texts, canonical
numbers, instructions, footnotes, check boxes ☒/☐, the count per section) and a workbook of
answers and section counts. The same counts as the CLI, API and web (`results.count`)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from caseflow.results.count import SectionCount, count_chars, count_form
from caseflow.results.facts import thousands
from caseflow.results.form import FormSpec, QuestionSpec

CHECKED, UNCHECKED = "☒", "☐"


@dataclass(frozen=True)
class FilledReport:
    """What an export needs: the form, the answers by slot and the report's standing."""

    region: str
    year: int
    form: FormSpec
    status_label: str
    texts: Mapping[str, str]
    choices: Mapping[str, str | None]

    @property
    def counts(self) -> list[SectionCount]:
        return count_form(self.form, self.texts)


def count_line(count: SectionCount) -> str:
    """ "Antal tecken: 9 223 av 11 000 (1 777 kvar)", or how far over the limit."""
    used, limit = thousands(count.used), thousands(count.limit)
    if count.over:
        return f"Antal tecken: {used} av {limit} – {thousands(-count.remaining)} över gränsen"
    return f"Antal tecken: {used} av {limit} ({thousands(count.remaining)} kvar)"


def boxes(options: list[str], chosen: str | None) -> str:
    """ "☒ Ja ☐ Nej": the part's check boxes with the chosen one ticked."""
    return "  ".join(f"{CHECKED if o == chosen else UNCHECKED} {o}" for o in options)


def _notes_before(form: FormSpec, question: QuestionSpec) -> list[str]:
    """Standing instructions whose range starts at `question` (printed once, above it)."""
    out = []
    for note in form.instructions:
        for item, text in note.texts():
            numbers = form.expand([item])
            if numbers and numbers[0] == question.number:
                out.append(text)
    return out


def _footnotes(form: FormSpec, question: QuestionSpec) -> list[str]:
    out = []
    for note in form.footnotes:
        for item, text in note.texts():
            numbers = form.expand([item])
            if question.number in numbers:
                out.append(text)
    return out


def _answer(doc: DocumentObject, text: str) -> None:
    """Paragraphs at blank lines, line breaks kept inside a paragraph."""
    body = text.strip("\n")
    if not body.strip():
        doc.add_paragraph().add_run("(Inget svar.)").italic = True
        return
    for block in body.split("\n\n"):
        paragraph = doc.add_paragraph()
        lines = block.split("\n")
        run = paragraph.add_run(_text(lines[0]))
        for line in lines[1:]:
            run.add_break()
            run = paragraph.add_run(_text(line))
        paragraph.paragraph_format.space_after = Pt(6)


def render_docx(report: FilledReport) -> bytes:
    """The filled form as a Word document."""
    form = report.form
    doc = Document()
    doc.add_heading(form.title, level=0)
    doc.add_paragraph(f"{report.region} – redovisning för {report.year}")
    doc.add_paragraph(f"Status: {report.status_label}")
    counts = {c.number: c for c in report.counts}
    for section in form.sections:
        doc.add_heading(f"{section.number}. {section.title}", level=1)
        doc.add_paragraph(section.limit_note)
        line = doc.add_paragraph(count_line(counts[section.number]))
        line.runs[0].bold = True
        for question in section.questions:
            for note in _notes_before(form, question):
                doc.add_paragraph(note).runs[0].italic = True
            doc.add_heading(f"{question.number} {question.text}", level=2)
            for text in _footnotes(form, question):
                doc.add_paragraph(f"Fotnot: {text}").runs[0].italic = True
            if not question.parts:
                _answer(doc, report.texts.get(question.number, ""))
                continue
            for part in question.parts:
                slot = f"{question.number}{part.key}"
                doc.add_paragraph(f"{part.key}) {part.text}   "
                                  f"{boxes(part.options, report.choices.get(slot))}")  # fmt: skip
                _answer(doc, report.texts.get(slot, ""))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def render_xlsx(report: FilledReport) -> bytes:
    """A workbook: "Avsnitt" (limit, count, remainder per section) and "Svar" (one row per
    answer slot). Every text cell is stored as text, so "=…" never becomes a formula."""
    book = Workbook()
    sections = book.active
    assert sections is not None
    sections.title = "Avsnitt"
    sections.append(["Avsnitt", "Rubrik", "Gräns (tecken)", "Antal tecken", "Kvar",
                     "Över gränsen"])  # fmt: skip
    for count in report.counts:
        sections.append([count.number, count.title, count.limit, count.used, count.remaining,
                         "Ja" if count.over else "Nej"])  # fmt: skip
    answers = book.create_sheet("Svar")
    answers.append(["Avsnitt", "Fråga", "Frågetext", "Kryss", "Svar", "Tecken"])
    for section in report.form.sections:
        for question in section.questions:
            for slot in question.slots:
                part = question.part(slot)
                text = report.texts.get(slot, "")
                wording = f"{question.text} {part.text}" if part else question.text
                answers.append([section.number, slot, None, None, None, count_chars(text)])
                row = answers.max_row
                for column, value in ((3, wording), (4, report.choices.get(slot) or ""),
                                      (5, text)):  # fmt: skip
                    cell = answers.cell(row=row, column=column)
                    cell.value = _text(value)
                    cell.data_type = "s"
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for sheet in (sections, answers):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    answers.column_dimensions["C"].width = 50
    answers.column_dimensions["E"].width = 100
    sections.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
