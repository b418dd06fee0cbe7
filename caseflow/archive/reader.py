"""Read a package written by `archive.package` back into an `ArchivedCase`, checking every
file against the SHA-256 and size its METS records (the round trip the tests compare with the
database, and `caseflow archive check`)."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from pathlib import Path

from caseflow.archive.erms import DATA_DIR, RECORD_STATUS
from caseflow.archive.model import (
    ERMS_DIRECTIONS,
    Agent,
    ArchivedCase,
    ArchiveFile,
    Disposal,
    Document,
    HistoryLine,
    Restriction,
)
from caseflow.archive.xmlutil import NS, parse_day, parse_moment, q
from caseflow.errors import InputError

_DIRECTIONS = {v: k for k, v in ERMS_DIRECTIONS.items()}
_FINAL = {v: k for k, v in RECORD_STATUS.items()}


def _text(element: ET.Element | None) -> str | None:
    return None if element is None else (element.text or "")


def _need(element: ET.Element, path: str) -> str:
    found = element.find(path, NS)
    if found is None:
        raise InputError(f"paketet saknar {path}")
    return found.text or ""


def check_files(package: Path, mets_path: Path) -> dict[str, tuple[str, int, str]]:
    """Every `file` of a METS document: href → (SHA-256, size, CREATED), each checked.

    Raises:
        InputError: a file is missing or its bytes do not match.
    """
    found: dict[str, tuple[str, int, str]] = {}
    base = mets_path.parent
    for file in ET.parse(mets_path).getroot().iter(q("mets", "file")):
        locat = file.find("mets:FLocat", NS)
        href = locat.get(q("xlink", "href"), "") if locat is not None else ""
        path = base / href
        if not path.is_file():
            raise InputError(f"filen saknas i paketet: {href}")
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != file.get("CHECKSUM", "").lower() or len(data) != int(file.get("SIZE", -1)):
            raise InputError(f"filen stämmer inte med sin kontrollsumma: {href}")
        rel = path.resolve().relative_to(package.resolve()).as_posix()
        found[rel] = (digest, len(data), file.get("CREATED", ""))
    return found


def read_package(package: Path) -> ArchivedCase:
    """The case a one-case package holds, with its documents' bytes.

    Raises:
        InputError: not a package, it holds more than one case, or a file is missing or does
        not match its checksum.
    """
    cases = read_cases(package)
    if len(cases) != 1:
        raise InputError(f"paketet {package.name} innehåller {len(cases)} ärenden, inte ett")
    return cases[0]


def read_cases(package: Path) -> list[ArchivedCase]:
    """Every case a package holds (one, or a batch), in its order, with the documents' bytes.

    Raises:
        InputError: not a package, or a file is missing or does not match its checksum.
    """
    root_mets = package / "METS.xml"
    if not root_mets.is_file():
        raise InputError(f"ingen METS.xml i {package}")
    check_files(package, root_mets)
    files = check_files(package, package / "representations" / "rep1" / "METS.xml")
    originals = _original_names(package / "metadata" / "preservation" / "premis.xml")
    erms = ET.parse(package / "metadata" / "descriptive" / "erms.xml").getroot()
    found = erms.findall("erms:aggregations/erms:aggregation", NS)
    if not found:
        raise InputError("erms.xml saknar ärendet (aggregation)")
    return [_case(agg, package, files, originals) for agg in found]


def _case(
    agg: ET.Element, package: Path, files: dict[str, tuple[str, int, str]],
    originals: dict[str, str],
) -> ArchivedCase:  # fmt: skip
    classification = agg.find("erms:classification", NS)
    notes = {n.get("noteType"): n.text or "" for n in agg.findall("erms:notes/erms:note", NS)}
    dates = {d.get("dateType"): d.text or "" for d in agg.findall("erms:dates/erms:date", NS)}
    history = tuple(
        HistoryLine(
            at=parse_moment(_need(action, "erms:dates/erms:actionDate")),
            actor=_need(action, "erms:agents/erms:agent/erms:name"),
            text=_need(action, "erms:actionText"),
        )
        for action in agg.findall("erms:action", NS)
    )
    documents = tuple(
        _document(record, package, files, originals) for record in agg.findall("erms:record", NS)
    )
    return ArchivedCase(
        system_id=agg.get("systemIdentifier", ""),
        diarienummer=_need(agg, "erms:objectId"),
        title=_need(agg, "erms:title"),
        case_type=classification.get("classificationCode", "") if classification is not None
        else "",
        case_type_label=_text(classification) or "",
        stage_label=notes.get("skede", ""),
        outcome=notes.get("utfall"),
        opened=parse_moment(dates["created"]),
        closed=parse_moment(dates["closed"]),
        purpose=_text(agg.find("erms:description", NS)),
        area=_text(agg.find("erms:keywords/erms:keyword", NS)),
        other_diarienummer=tuple(e.text or "" for e in agg.findall("erms:extraId", NS)),
        agents=_agents(agg),
        disposal=_disposal(agg)[0],
        history=history,
        documents=documents,
    )  # fmt: skip


def _original_names(premis: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for obj in ET.parse(premis).getroot().iter(q("premis", "object")):
        ident = obj.find("premis:objectIdentifier/premis:objectIdentifierValue", NS)
        name = obj.find("premis:originalName", NS)
        if ident is not None and name is not None:
            out[ident.text or ""] = name.text or ""
    return out


def _agents(element: ET.Element) -> tuple[Agent, ...]:
    return tuple(
        Agent(
            agent_type=a.get("agentType", ""),
            name=_need(a, "erms:name"),
            organisation=_text(a.find("erms:organisation", NS)),
            email=_text(a.find("erms:idNumber", NS)),
        )
        for a in element.findall("erms:agents/erms:agent", NS)
    )


def _disposal(element: ET.Element) -> tuple[Disposal | None, str | None]:
    """The disposal and its `applied` date (when the file was disposed of), if any."""
    disposal = element.find("erms:disposal", NS)
    if disposal is None:
        return None, None
    dates = {
        d.get("dateType"): d.text or ""
        for d in disposal.findall("erms:dates/erms:disposalDate", NS)
    }
    period = _text(disposal.find("erms:disposalPeriod", NS))
    start = dates.get("retention_period_start")
    end = dates.get("disposal_date")
    return Disposal(
        disposable=disposal.get("disposable") == "true",
        rule=_need(disposal, "erms:disposalScheduleId"),
        action=_need(disposal, "erms:disposalAction"),
        mandate=_need(disposal, "erms:disposalMandate"),
        years=int(period[1:-1]) if period else None,
        period_start=parse_day(start) if start else None,
        disposal_date=parse_day(end) if end else None,
    ), dates.get("applied")  # fmt: skip


def _document(
    record: ET.Element,
    package: Path,
    files: dict[str, tuple[str, int, str]],
    originals: dict[str, str],
) -> Document:
    direction = _DIRECTIONS[record.find("erms:direction", NS).get("directionDefinition", "")]  # type: ignore[union-attr]
    agents = {a.agent_type: a.name for a in _agents(record)}
    dates = {d.get("dateType"): d.text or "" for d in record.findall("erms:dates/erms:date", NS)}
    status = record.find("erms:status", NS)
    classification = record.find("erms:classification", NS)
    disposal, applied = _disposal(record)
    file = None
    appendix = record.find("erms:additionalInformation/erms:appendix", NS)
    if appendix is not None:
        path = appendix.get("path", "")
        if path not in files:
            raise InputError(f"{path} saknas i representationens METS")
        digest, size, created = files[path]
        file = ArchiveFile(
            name=path.removeprefix(DATA_DIR + "/").rsplit("/", 1)[-1],
            original_name=originals.get(path, ""),
            media_type=appendix.get("fileFormat", ""), sha256=digest, size=size,
            created=parse_moment(created), data=(package / path).read_bytes(),
        )  # fmt: skip
    return Document(
        identifier=_need(record, "erms:objectId"),
        number=int(_need(record, "erms:runningNumber")),
        direction=direction,
        doc_type=classification.get("classificationCode", "") if classification is not None
        else "",
        doc_type_label=_text(classification) or "",
        subject=_need(record, "erms:title"),
        document_date=parse_day(dates.get("received") or dates["created"]),
        registered_on=parse_day(dates["captured"]),
        counterpart=agents.get("sender") or agents.get("recipient"),
        final_state=_FINAL.get(status.get("value", "") if status is not None else ""),
        created_by=agents.get("creator", ""),
        disposal=disposal,
        restrictions=tuple(
            Restriction(regulation=_need(r, "erms:regulation"),
                        explanation=_need(r, "erms:explanatoryText"))
            for r in record.findall("erms:restriction", NS)
        ),  # fmt: skip
        file=file,
        disposed_on=parse_day(applied) if applied else None,
    )  # fmt: skip
