"""Last year's filled form (text from a PDF) as a start: each answer placed under its question.

`import_answers(text, form)` repairs the OCR damage (ocr_repair), drops the form's own text
(title, section headings, limit notes, instructions, footnotes), recognises each question by
its *text* within the current section — printed numbers are often damaged or missing, so the
canonical number comes from the form and a differing printed one is reported —, and reads the
check boxes (☒ marked, ☐ not). What cannot be placed is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from caseflow.results.form import FormSpec, QuestionSpec, SectionSpec
from caseflow.results.ocr_repair import Damage, repair_text

_PRINTED_NUMBER = re.compile(r"^([\dlI]{1,2})\s*[.,]\s*([\dlI]{1,2})\.?\s+")
_SECTION_HEADING = re.compile(r"^(\d{1,2})\.\s+(.+)$")
_FOOTNOTE_MARK = re.compile(r"(?<=[.?!:”])\d{1,2}(?=\s|$)")
_BULLET = re.compile(r"^[•▪◦·\-–]\s+")
_CHECKED = "☒☑✔✓■"
_BOX = re.compile(r"^(.+?)\s*([☒☑✔✓■☐□])$")
_SENTENCE_END = tuple(".!?:”)»")
_ONE = str.maketrans("lI", "11")
MATCH = 0.9  # SequenceMatcher ratio from which a paragraph is taken for the form's text


@dataclass
class ImportedAnswers:
    """What the import found. `placed` lists every slot whose question (or part) was found."""

    damage: Damage
    texts: dict[str, str] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)
    placed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    renumbered: list[tuple[str | None, str]] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.stray


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def _similar(a: str, b: str) -> float:
    return SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def _openings(form: FormSpec) -> tuple[str, ...]:
    """The first words of the form's own texts: a line opening so starts a new paragraph even
    without a blank line before it (the PDF often has none)."""
    texts = [s.limit_note for s in form.sections]
    texts += [text for note in form.instructions for _, text in note.texts()]
    texts += [q.text for q in form.questions] + [p.text for q in form.questions for p in q.parts]
    return tuple(sorted({" ".join(_norm(t).split()[:3]) for t in texts}))


def _opens_paragraph(line: str, openings: tuple[str, ...]) -> bool:
    body = _BULLET.sub("", _PRINTED_NUMBER.sub("", line))
    return bool(
        _BOX.match(line)
        or (_SECTION_HEADING.match(line) and line[:1].isdigit() and not line[3:4].isdigit())
        or _norm(body).startswith(openings)
    )


def _paragraphs(lines: list[str], form: FormSpec) -> list[list[str]]:
    """Blank-line separated paragraphs, footnote blocks (page bottoms) removed."""
    footnotes = [_norm(f.text) for f in form.footnotes]
    openings = _openings(form)
    out: list[list[str]] = []
    current: list[str] = []
    skipping = ""
    for raw in lines:
        line = " ".join(raw.split())
        if skipping and line and _norm(skipping + " " + line) in " ".join(footnotes):
            skipping += " " + line
            continue
        skipping = ""
        start = re.match(r"^\d{1,2}\s+(.*)$", line)
        if start and (
            start.group(1) == "Ibid."
            or any(f.startswith(_norm(start.group(1))) for f in footnotes if start.group(1))
        ):
            skipping = start.group(1)
            continue
        if not line or _opens_paragraph(line, openings):
            if current:
                out.append(current)
            current = [line] if line else []
        else:
            current.append(line)
    if current:
        out.append(current)
    return out


def _join(lines: list[str]) -> str:
    """A paragraph's lines as text: wrapped lines joined, each bullet on its own line."""
    text = ""
    for line in lines:
        if _BULLET.match(line) and text:
            text += "\n" + line
        else:
            text += (" " if text else "") + line
    return text.strip()


class _Placer:
    def __init__(self, form: FormSpec, result: ImportedAnswers) -> None:
        self.form = form
        self.result = result
        self.section: SectionSpec | None = None
        self.question: QuestionSpec | None = None
        self.slot: str | None = None
        self.form_notes = [_norm(form.title)]
        for section in form.sections:
            self.form_notes.append(_norm(section.limit_note))
        for note in form.instructions:
            self.form_notes += [_norm(text) for _, text in note.texts()]

    def feed(self, text: str) -> None:
        if any(_similar(text, note) >= MATCH for note in self.form_notes):
            return
        if self._section_heading(text) or self._question_heading(text):
            return
        if self._part_heading(text) or self._check_box(text):
            return
        if self.slot is None:
            self.result.stray.append(text[:80])
            return
        previous = self.result.texts.get(self.slot, "")
        if previous and not previous.endswith(_SENTENCE_END) and text[:1].islower():
            self.result.texts[self.slot] = previous + " " + text  # a page break mid-paragraph
        else:
            self.result.texts[self.slot] = f"{previous}\n\n{text}" if previous else text

    def _section_heading(self, text: str) -> bool:
        match = _SECTION_HEADING.match(text)
        if match is None:
            return False
        for section in self.form.sections:
            if (
                str(section.number) == match.group(1)
                and _similar(match.group(2), section.title) >= MATCH
            ):
                self.section, self.question, self.slot = section, None, None
                return True
        return False

    def _question_heading(self, text: str) -> bool:
        printed_match = _PRINTED_NUMBER.match(text)
        printed = None
        if printed_match:  # OCR reads 1 as l or I
            printed = f"{printed_match.group(1)}.{printed_match.group(2)}".translate(_ONE)
        body = _FOOTNOTE_MARK.sub("", text[printed_match.end() :] if printed_match else text)
        candidates = self.section.questions if self.section else self.form.questions
        best: tuple[float, QuestionSpec | None] = (0.0, None)
        for candidate in candidates:
            if candidate.slots[0] in self.result.placed:
                continue
            score = _similar(body[: len(candidate.text) + 2], candidate.text)
            if score > best[0]:
                best = (score, candidate)
        score, found = best
        if found is None or score < MATCH:
            return False
        self.question = question = found
        self.slot = None if question.parts else question.number
        if not question.parts:
            self.result.placed.append(question.number)
        if printed != question.number:
            self.result.renumbered.append((printed, question.number))
        rest = body[len(question.text) + 1 :].strip() if len(body) > len(question.text) + 2 else ""
        if rest and self.slot:
            self.result.texts[self.slot] = rest
        return True

    def _part_heading(self, text: str) -> bool:
        if self.question is None or not self.question.parts:
            return False
        body = _BULLET.sub("", text)
        for part in self.question.parts:
            slot = f"{self.question.number}{part.key}"
            if slot not in self.result.placed and _similar(body, part.text) >= MATCH:
                self.slot = slot
                self.result.placed.append(slot)
                return True
        return False

    def _check_box(self, text: str) -> bool:
        match = _BOX.match(text)
        slot = self.slot
        part = self.question.part(slot) if self.question and slot else None
        if match is None or part is None or slot is None or match.group(1) not in part.options:
            return False
        if match.group(2) in _CHECKED:
            if slot in self.result.choices:
                self.result.warnings.append(f"{slot}: flera rutor ikryssade")
            self.result.choices[slot] = match.group(1)
        return True


def import_answers(text: str, form: FormSpec) -> ImportedAnswers:
    """Place the answers of a filled form `text` under the questions of `form`.

    Never raises on odd input: everything not understood is in `missing`, `stray`, `warnings`.
    """
    repaired, damage = repair_text(text)
    result = ImportedAnswers(damage=damage)
    placer = _Placer(form, result)
    for paragraph in _paragraphs(repaired.split("\n"), form):
        placer.feed(_join(paragraph))
    for question in form.questions:
        for slot in question.slots:
            if slot not in result.placed:
                result.missing.append(slot)
            elif question.parts and slot not in result.choices:
                result.warnings.append(f"{slot}: ingen ruta ikryssad")
    return result
