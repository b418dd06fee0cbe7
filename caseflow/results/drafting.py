"""The drafting configuration (`results/drafting.yaml`): which case priorities and areas feed
which section of the results report, and how section 5 groups anslag 1:1 by programme.
Strict schema, errors as `FILE:LINE: message`, like the form and the workflows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
)

from caseflow.domain.funders import FUNDERS
from caseflow.errors import CaseflowError
from caseflow.results.form import FormSpec
from caseflow.workflow.spec import loose_text
from caseflow.workflow.yamlpos import YamlSyntaxError, load_located

DRAFTING_FILE = Path(__file__).resolve().parent / "drafting.yaml"
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Slot = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+[a-z]?$")]


class DraftingError(CaseflowError):
    """The drafting configuration is invalid (names file and line)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SectionSource(_Strict):
    section: int = Field(ge=1)
    question: Slot
    priorities: list[Text] = Field(default_factory=list)
    areas: list[Text] = Field(default_factory=list)


class Programme(_Strict):
    name: Text
    funders: list[Text] = Field(min_length=1)
    slot: Slot | None = None


class DraftingSpec(_Strict):
    sections: list[SectionSource] = Field(min_length=1)
    programmes_question: Slot
    programmes: list[Programme] = Field(default_factory=list)
    other_programme: Text
    _by_priority: dict[str, SectionSource] = PrivateAttr(default_factory=dict)
    _by_area: dict[str, SectionSource] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: object, /) -> None:
        for source in self.sections:
            for text in source.priorities:
                self._by_priority.setdefault(loose_text(text), source)
            for text in source.areas:
                self._by_area.setdefault(loose_text(text), source)

    def section_for(self, priority: str | None, area: str | None) -> SectionSource | None:
        """The section a case belongs to: by its priority, else by its area; None if neither
        is listed."""
        found = self._by_priority.get(loose_text(priority)) if priority else None
        if found is None and area:
            found = self._by_area.get(loose_text(area))
        return found

    def programme_of(self, funder_codes: set[str]) -> Programme | None:
        return next((p for p in self.programmes if funder_codes & set(p.funders)), None)


def load_drafting(path: Path = DRAFTING_FILE, *, form: FormSpec) -> DraftingSpec:
    """Read and check the drafting configuration against `form`.

    Raises:
        DraftingError: unreadable, invalid, or naming a section, question or funder that does
        not exist; every problem as `FILE:LINE: message`.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DraftingError(f"{path}: kan inte läsa filen: {err.strerror}") from None
    try:
        located = load_located(text)
    except YamlSyntaxError as err:
        raise DraftingError(f"{path}:{err.line or '?'}: {err}") from None
    try:
        spec = DraftingSpec.model_validate(located.data)
    except ValidationError as err:
        lines = []
        for item in err.errors():
            loc = tuple(item["loc"])
            message = "okänd nyckel" if item["type"] == "extra_forbidden" else item["msg"]
            where = ".".join(str(p) for p in loc) or "(roten)"
            lines.append(f"{path}:{located.line_of(loc) or '?'}: {where}: {message}")
        raise DraftingError("\n".join(lines)) from None
    problems: list[str] = []

    def problem(at: tuple[str | int, ...], message: str) -> None:
        problems.append(f"{path}:{located.line_of(at) or '?'}: {message}")

    numbers = {s.number for s in form.sections}
    for i, source in enumerate(spec.sections):
        if source.section not in numbers:
            problem(("sections", i, "section"), f"blanketten har inget avsnitt {source.section}")
        elif form.section_of_or_none(source.question) != source.section:
            problem(("sections", i, "question"),
                    f"fråga {source.question} finns inte i avsnitt {source.section}")  # fmt: skip
    for i, programme in enumerate(spec.programmes):
        for j, code in enumerate(programme.funders):
            if code not in FUNDERS:
                problem(("programmes", i, "funders", j), f"okänd finansiärskod {code!r}")
        if programme.slot is not None and programme.slot not in form.slots:
            problem(("programmes", i, "slot"), f"blanketten har ingen ruta {programme.slot}")
    if spec.programmes_question not in form.slots:
        problem(("programmes_question",), f"blanketten har ingen ruta {spec.programmes_question}")
    if problems:
        raise DraftingError("\n".join(problems))
    return spec
