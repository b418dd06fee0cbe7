"""What an archive package holds: a closed case, its documents and their files, as plain data.

Built from the database by `archive.service`, written by `archive.package`, read back by
`archive.reader`; the round trip compares these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

#: Where the documents' files sit in a package (relative to the package root); a batch package
#: has a folder per case below it, named as the case's own package would be.
DATA_DIR = "representations/rep1/data"

#: ERMS directionDefinition per stored direction (`records.models` codes).
ERMS_DIRECTIONS = {
    "inkommande": "incoming",
    "upprattad": "internal_memo_without_follow-up",
    "utgaende": "outgoing",
}


@dataclass(frozen=True)
class Agent:
    """A person or organisation with an ERMS agentType (responsible_person, counterpart, …)."""

    agent_type: str
    name: str
    organisation: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Restriction:
    """A secrecy mark: the OSL provision and its reason."""

    regulation: str
    explanation: str


@dataclass(frozen=True)
class Disposal:
    """Retention by the information management plan: kept (`bevaras`) or disposed of after
    `years` from `period_start` (the case's close) on `disposal_date`, with its legal basis."""

    disposable: bool
    rule: str  # the plan's rule id, e.g. "dokumenttyp:ovrigt"
    action: str  # "bevaras" | "gallras"
    mandate: str  # the legal basis
    years: int | None = None
    period_start: date | None = None
    disposal_date: date | None = None


@dataclass(frozen=True)
class ArchiveFile:
    """A document's file: its name in the package, media type, bytes and SHA-256."""

    name: str
    original_name: str
    media_type: str
    sha256: str
    size: int
    created: datetime
    data: bytes | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Document:
    """A registered document (handling) of the case, `identifier` = `RUN/479/2024-3`."""

    identifier: str
    number: int
    direction: str  # stored code: inkommande | upprattad | utgaende
    doc_type: str
    doc_type_label: str
    subject: str
    document_date: date
    registered_on: date
    counterpart: str | None
    final_state: str | None
    created_by: str
    disposal: Disposal | None
    restrictions: tuple[Restriction, ...] = ()
    file: ArchiveFile | None = None  # None: disposed of, or registered without a file
    disposed_on: date | None = None


@dataclass(frozen=True)
class HistoryLine:
    """One case event: when, who, what (Swedish)."""

    at: datetime
    actor: str
    text: str


@dataclass(frozen=True)
class ArchivedCase:
    """A closed case as archived."""

    system_id: str  # caseflow's own id of the case, e.g. "case-17"
    diarienummer: str
    title: str
    case_type: str  # the workflow name
    case_type_label: str
    stage_label: str
    outcome: str | None
    opened: datetime
    closed: datetime
    purpose: str | None
    area: str | None
    other_diarienummer: tuple[str, ...]
    agents: tuple[Agent, ...]
    disposal: Disposal | None
    history: tuple[HistoryLine, ...]
    documents: tuple[Document, ...]

    @property
    def package_id(self) -> str:
        """The package's OBJID and folder name: `caseflow-RUN-479-2024`."""
        return "caseflow-" + self.diarienummer.replace("/", "-")


@dataclass(frozen=True)
class Package:
    """What one package holds: one case (`caseflow-RUN-479-2024`), or a batch of cases, each an
    ERMS aggregation (ärendeakt) with its files in its own folder of the one representation."""

    package_id: str
    cases: tuple[ArchivedCase, ...]
    batch: bool = False

    @classmethod
    def single(cls, case: ArchivedCase) -> Package:
        return cls(package_id=case.package_id, cases=(case,))

    @property
    def label(self) -> str:
        if not self.batch:
            case = self.cases[0]
            return f"{case.diarienummer} {case.title}"
        return f"Leverans av {len(self.cases)} ärenden"

    def data_dir(self, case: ArchivedCase) -> str:
        """The folder of `case`'s files, from the package root."""
        if not self.batch:
            return DATA_DIR
        return f"{DATA_DIR}/{case.package_id.removeprefix('caseflow-')}"


@dataclass(frozen=True)
class Producer:
    """Who delivers the package (the region) and the software that made it."""

    organisation: str
    identification_code: str  # the organisation number or archive creator code
    software: str = "caseflow"
    software_version: str = "0.1.0"
