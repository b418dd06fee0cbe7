"""PREMIS 3 preservation metadata for a package: one object per file with its SHA-256 fixity,
size and format, the events (each document's registration, its disposal, the packaging) and
the agents (the region, the software, the people who registered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caseflow.archive.model import Package, Producer
from caseflow.archive.xmlutil import Element, day, iso, new_root, q, sub


@dataclass(frozen=True)
class PackageFile:
    """A file written into the package: its path from the package root and fixity."""

    path: str
    media_type: str
    size: int
    sha256: str
    created: datetime
    original_name: str | None = None
    document: str | None = None  # the document identifier it belongs to


def _p(name: str) -> str:
    return q("premis", name)


def _identifier(parent: Element, tag: str, kind: str, value: str) -> None:
    holder = sub(parent, _p(tag))
    sub(holder, _p(tag + "Type"), kind)
    sub(holder, _p(tag + "Value"), value)


def build_premis(
    package: Package, files: list[PackageFile], *, producer: Producer, now: datetime
) -> Element:
    root = new_root(_p("premis"), {"version": "3.0"})
    software = f"{producer.software} {producer.software_version}"
    events: list[tuple[str, str, str, str, list[str], str]] = []
    paths_of: dict[str, list[str]] = {}
    for file in files:
        if file.document is not None:
            paths_of.setdefault(file.document, []).append(file.path)
    for document in (d for case in package.cases for d in case.documents):
        paths = paths_of.get(document.identifier, [])
        events.append((
            f"registrering-{document.identifier}", "capture", day(document.registered_on),
            f"Registrerad (diarieförd) som {document.identifier} av {document.created_by}",
            paths, document.created_by,
        ))  # fmt: skip
        if document.disposed_on is not None:
            events.append((
                f"gallring-{document.identifier}", "deletion", day(document.disposed_on),
                f"Filen gallrad enligt {document.disposal.rule if document.disposal else '?'}; "
                "metadata bevarade", [], software,
            ))  # fmt: skip
    packaging = f"paketering-{package.package_id}"
    for file in files:
        obj = sub(root, _p("object"), **{q("xsi", "type"): "premis:file"})
        _identifier(obj, "objectIdentifier", "local", file.path)
        chars = sub(obj, _p("objectCharacteristics"))
        sub(chars, _p("compositionLevel"), "0")
        fixity = sub(chars, _p("fixity"))
        sub(fixity, _p("messageDigestAlgorithm"), "SHA-256")
        sub(fixity, _p("messageDigest"), file.sha256)
        sub(chars, _p("size"), str(file.size))
        fmt = sub(chars, _p("format"))
        designation = sub(fmt, _p("formatDesignation"))
        sub(designation, _p("formatName"), file.media_type)
        if file.original_name is not None:
            sub(obj, _p("originalName"), file.original_name)
        if file.document is not None:
            _identifier(obj, "linkingEventIdentifier", "local", f"registrering-{file.document}")
        _identifier(obj, "linkingEventIdentifier", "local", packaging)
    events.append((
        packaging, "creation", iso(now),
        f"Arkivpaketet {package.package_id} skapat ur "
        f"{', '.join(c.diarienummer for c in package.cases)}; kontrollsummor SHA-256",
        [f.path for f in files], software,
    ))  # fmt: skip
    agents: dict[str, str] = {software: "software", producer.organisation: "organization"}
    for ident, kind, when, detail, paths, agent in events:
        event = sub(root, _p("event"))
        _identifier(event, "eventIdentifier", "local", ident)
        sub(event, _p("eventType"), kind)
        sub(event, _p("eventDateTime"), when)
        info = sub(event, _p("eventDetailInformation"))
        sub(info, _p("eventDetail"), detail)
        outcome = sub(event, _p("eventOutcomeInformation"))
        sub(outcome, _p("eventOutcome"), "success")
        link = sub(event, _p("linkingAgentIdentifier"))
        sub(link, _p("linkingAgentIdentifierType"), "local")
        sub(link, _p("linkingAgentIdentifierValue"), agent)
        for path in paths:
            _identifier(event, "linkingObjectIdentifier", "local", path)
        agents.setdefault(agent, "person")
    for name, kind in agents.items():
        element = sub(root, _p("agent"))
        _identifier(element, "agentIdentifier", "local", name)
        sub(element, _p("agentName"), name)
        sub(element, _p("agentType"), kind)
        if kind == "software":
            sub(element, _p("agentVersion"), producer.software_version)
    return root
