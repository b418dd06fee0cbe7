"""The results-report form as data: the strict schema of `results/forms/<edition>.yaml`.

`load_form(edition)` reads one edition shipped in the package; `parse_form(text, source=…)`
validates any text and reports every problem as `FILE:LINE: message` (FormError).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from caseflow.domain.inputfile import read_input_text
from caseflow.domain.validation import message_of
from caseflow.errors import CaseflowError, InputError
from caseflow.workflow.yamlpos import LocatedYaml, YamlSyntaxError, load_located

FORMS_DIR = Path(__file__).resolve().parent / "forms"
_RANGE = re.compile(r"^(\d+\.\d+)\s*(?:[–-]\s*(\d+\.\d+))?$")
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class FormError(CaseflowError):
    """A form edition is missing or invalid (names file and line)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PartSpec(_Strict):
    """One check-box item of a question (5.1's four "Ja/Nej" items), with its own text box."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-z]$")]
    text: Text
    options: list[Text] = Field(min_length=2)


class QuestionSpec(_Strict):
    number: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+$")]
    text: Text
    parts: list[PartSpec] = Field(default_factory=list)

    @property
    def slots(self) -> list[str]:
        """The answer keys: the number itself, or number+part key ("5.1a") for each part."""
        return [f"{self.number}{p.key}" for p in self.parts] or [self.number]

    def part(self, slot: str) -> PartSpec | None:
        return next((p for p in self.parts if f"{self.number}{p.key}" == slot), None)


class SectionSpec(_Strict):
    number: int = Field(ge=1)
    title: Text
    limit: int = Field(gt=0)  # characters, spaces included, shared by all the section's answers
    questions: list[QuestionSpec] = Field(min_length=1)

    @property
    def range_label(self) -> str:
        return f"{self.questions[0].number}–{self.questions[-1].number}"

    @property
    def limit_note(self) -> str:
        """The form's own wording of the shared limit."""
        return (
            f"Observera! Maximalt antal tecken inklusive blanksteg för frågorna "
            f"{self.range_label} är sammantaget {self.limit:,}.".replace(",", " ")
        )


class NoteSpec(_Strict):
    """A standing instruction or a footnote; `{range}` in the text is filled per range."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    text: Text
    applies_to: list[Text] = Field(min_length=1)

    def texts(self) -> Iterator[tuple[str, str]]:
        """(range as written, text with `{range}` filled) for each range."""
        for item in self.applies_to:
            yield item, self.text.replace("{range}", item.replace("-", "–"))


class FormSpec(_Strict):
    edition: Annotated[str, StringConstraints(pattern=r"^\d{4}[a-z0-9_-]*$")]
    title: Text
    regulation: Text
    total_questions: int = Field(ge=1)
    total_limit: int = Field(ge=1)
    sections: list[SectionSpec] = Field(min_length=1)
    instructions: list[NoteSpec] = Field(default_factory=list)
    footnotes: list[NoteSpec] = Field(default_factory=list)

    @property
    def questions(self) -> list[QuestionSpec]:
        return [q for s in self.sections for q in s.questions]

    @property
    def slots(self) -> list[str]:
        return [slot for q in self.questions for slot in q.slots]

    def question(self, number: str) -> QuestionSpec | None:
        return next((q for q in self.questions if number in (q.number, *q.slots)), None)

    def section_of(self, number: str) -> SectionSpec:
        """The section holding question or slot `number` (KeyError if none)."""
        for section in self.sections:
            if any(number in (q.number, *q.slots) for q in section.questions):
                return section
        raise KeyError(number)

    def section_of_or_none(self, number: str) -> int | None:
        """The number of the section holding question or slot `number`, or None."""
        try:
            return self.section_of(number).number
        except KeyError:
            return None

    def expand(self, ranges: list[str]) -> list[str]:
        """Question numbers named by `applies_to` ranges, in form order."""
        order = [q.number for q in self.questions]
        found: list[str] = []
        for item in ranges:
            match = _RANGE.match(item)
            if match is None:
                continue
            first, last = match.group(1), match.group(2) or match.group(1)
            if first in order and last in order:
                found += order[order.index(first) : order.index(last) + 1]
        return found

    def notes_for(self, number: str) -> list[str]:
        """Instruction and footnote texts that apply to question `number`."""
        out = []
        for note in (*self.instructions, *self.footnotes):
            for item, text in note.texts():
                if number in self.expand([item]):
                    out.append(text)
        return out


@dataclass(frozen=True)
class _Problem:
    path: tuple[str | int, ...]
    message: str


def editions() -> list[str]:
    """The form editions shipped in the package, oldest first."""
    return sorted(p.stem for p in FORMS_DIR.glob("*.yaml"))


@cache
def load_form(edition: str) -> FormSpec:
    """The packaged form `edition` (e.g. "2024").

    Raises:
        FormError: no such edition, or the file is invalid.
    """
    path = FORMS_DIR / f"{edition}.yaml"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", edition) or not path.is_file():
        known = ", ".join(editions()) or "inga"
        raise FormError(f"okänd blankettutgåva {edition!r}; kända: {known}")
    try:
        text = read_input_text(path)
    except InputError as err:
        raise FormError(str(err)) from None
    return parse_form(text, source=path)


def parse_form(text: str, *, source: Path) -> FormSpec:
    """Validate form YAML `text`; `source` names it in errors and must match `edition`.

    Raises:
        FormError: every problem, one per line, as `FILE:LINE: message`.
    """
    try:
        located = load_located(text)
    except YamlSyntaxError as err:
        raise FormError(f"{source}:{err.line or '?'}: {err}") from err
    if not isinstance(located.data, Mapping):
        raise FormError(f"{source}:1: blanketten måste vara en YAML-mappning")
    try:
        form = FormSpec.model_validate(located.data)
    except ValidationError as err:
        lines = []
        for item in err.errors():
            loc = tuple(item["loc"])
            where = ".".join(str(p) for p in loc) or "(roten)"
            message = "okänd nyckel" if item["type"] == "extra_forbidden" else message_of(item)
            lines.append(f"{source}:{located.line_of(loc) or '?'}: {where}: {message}")
        raise FormError("\n".join(lines)) from err
    problems = _problems(form, source)
    if problems:
        raise FormError("\n".join(_located(p, located, source) for p in problems))
    return form


def _located(problem: _Problem, located: LocatedYaml, source: Path) -> str:
    return f"{source}:{located.line_of(problem.path) or '?'}: {problem.message}"


def _problems(form: FormSpec, source: Path) -> list[_Problem]:
    out: list[_Problem] = []
    if form.edition != source.stem:
        out.append(_Problem(("edition",), f"edition {form.edition!r} måste vara {source.stem!r}"))
    for i, section in enumerate(form.sections):
        if section.number != i + 1:
            out.append(_Problem(("sections", i, "number"), f"avsnitt {i + 1} väntades"))
        for j, question in enumerate(section.questions):
            expected = f"{section.number}.{j + 1}"
            if question.number != expected:
                out.append(
                    _Problem(
                        ("sections", i, "questions", j, "number"),
                        f"fråga {question.number} ska numreras {expected}",
                    )
                )
            keys = [p.key for p in question.parts]
            if keys != [chr(ord("a") + k) for k in range(len(keys))]:
                out.append(
                    _Problem(("sections", i, "questions", j, "parts"), "delarna ska heta a, b, c …")
                )
            for k, part in enumerate(question.parts):
                if len(set(part.options)) != len(part.options):
                    out.append(
                        _Problem(
                            ("sections", i, "questions", j, "parts", k, "options"),
                            "ett svarsalternativ förekommer två gånger",
                        )
                    )
    count = len(form.questions)
    if count != form.total_questions:
        out.append(
            _Problem(
                ("total_questions",), f"blanketten har {count} frågor, inte {form.total_questions}"
            )
        )
    limits = sum(s.limit for s in form.sections)
    if limits != form.total_limit:
        out.append(
            _Problem(
                ("total_limit",), f"avsnittens gränser är {limits} tecken, inte {form.total_limit}"
            )
        )
    for kind in ("instructions", "footnotes"):
        notes: list[NoteSpec] = getattr(form, kind)
        seen: set[str] = set()
        for i, note in enumerate(notes):
            if note.key in seen:
                out.append(_Problem((kind, i, "key"), f"nyckeln {note.key!r} finns två gånger"))
            seen.add(note.key)
            for j, item in enumerate(note.applies_to):
                out += _range_problems(form, item, (kind, i, "applies_to", j))
    return out


def _range_problems(form: FormSpec, item: str, path: tuple[str | int, ...]) -> list[_Problem]:
    match = _RANGE.match(item)
    if match is None:
        return [_Problem(path, f"{item!r}: skriv en fråga (1.4) eller ett intervall (1.1–1.3)")]
    first, last = match.group(1), match.group(2) or match.group(1)
    numbers = [q.number for q in form.questions]
    missing = [n for n in (first, last) if n not in numbers]
    if missing:
        return [_Problem(path, f"{item!r}: okänd fråga {', '.join(missing)}")]
    if form.section_of(first) != form.section_of(last):
        return [_Problem(path, f"{item!r}: intervallet går över två avsnitt")]
    if numbers.index(first) > numbers.index(last):
        return [_Problem(path, f"{item!r}: intervallet är baklänges")]
    return []
