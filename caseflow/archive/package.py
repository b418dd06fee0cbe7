"""Write one case as an E-ARK SIP folder (CSIP structure):

    caseflow-RUN-479-2024/
      METS.xml                              root METS (SIP profile)
      metadata/descriptive/erms.xml         FGS Ärendehantering / CITS ERMS
      metadata/preservation/premis.xml      PREMIS: fixity, events, agents
      representations/rep1/METS.xml         the documents' files
      representations/rep1/data/…           the files, named `<number>-<name>`
      schemas/                              ERMS.xsd, mets.xsd, xlink.xsd
      documentation/paketbeskrivning.txt    what the package holds, in Swedish

The folder is built under a temporary name beside the target and renamed when complete, so an
interrupted export leaves no half package under the real name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from datetime import datetime
from functools import cache
from pathlib import Path

from caseflow.archive.erms import DATA_DIR, build_erms
from caseflow.archive.mets import build_rep_mets, build_root_mets
from caseflow.archive.model import ArchivedCase, Producer
from caseflow.archive.premis import PackageFile, build_premis
from caseflow.archive.xmlutil import to_bytes
from caseflow.errors import InputError

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILES = ("ERMS.xsd", "mets.xsd", "xlink.xsd")


def _write(root: Path, rel: str, data: bytes, media_type: str, now: datetime,
           **extra: str | None) -> PackageFile:  # fmt: skip
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return PackageFile(
        path=rel, media_type=media_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        created=now, original_name=extra.get("original_name"), document=extra.get("document"),
    )  # fmt: skip


def write_package(
    case: ArchivedCase, out_dir: Path, *, producer: Producer, now: datetime,
    schemas_from: Path | None = None,
) -> Path:  # fmt: skip
    """Write `case` as a package folder in `out_dir`; return its path.

    `schemas_from`, a package written before in the same export: its `schemas/` files are
    hard-linked instead of copied (two thirds of a small package's bytes; each package still
    holds complete files), copied where the file system cannot link.

    Raises:
        InputError: the package folder already exists, or a document's file is missing.
    """
    target = out_dir / case.package_id
    if target.exists():
        raise InputError(f"paketet finns redan: {target} (ta bort det eller välj en annan mapp)")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{case.package_id}.", dir=out_dir))
    try:
        _fill(work, case, producer=producer, now=now, schemas_from=schemas_from)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def _schema(work: Path, name: str, now: datetime, schemas_from: Path | None) -> PackageFile:
    rel = f"schemas/{name}"
    data, digest = _schema_bytes(name)
    target = work / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if schemas_from is None:
            raise OSError
        os.link(schemas_from / rel, target)
    except OSError:
        target.write_bytes(data)
    return PackageFile(path=rel, media_type="application/xml", size=len(data), sha256=digest,
                       created=now)  # fmt: skip


@cache
def _schema_bytes(name: str) -> tuple[bytes, str]:
    data = (SCHEMA_DIR / name).read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def _fill(
    work: Path, case: ArchivedCase, *, producer: Producer, now: datetime,
    schemas_from: Path | None,
) -> None:  # fmt: skip
    data: list[PackageFile] = []
    for document in case.documents:
        file = document.file
        if file is None:
            continue
        if file.data is None:
            raise InputError(f"{document.identifier}: filen saknas i lagringen")
        data.append(_write(
            work, f"{DATA_DIR}/{file.name}", file.data, file.media_type, file.created,
            original_name=file.original_name, document=document.identifier,
        ))  # fmt: skip
    schemas = [_schema(work, name, now, schemas_from) for name in SCHEMA_FILES]
    documentation = [_write(
        work, "documentation/paketbeskrivning.txt", describe(case, producer).encode("utf-8"),
        "text/plain", now,
    )]  # fmt: skip
    erms = _write(
        work,
        "metadata/descriptive/erms.xml",
        to_bytes(build_erms(case, producer=producer, now=now)),
        "text/xml",
        now,
    )
    rep_mets = _write(
        work,
        "representations/rep1/METS.xml",
        to_bytes(build_rep_mets(case, data=data, producer=producer, now=now)),
        "text/xml",
        now,
    )
    described = [*data, *schemas, *documentation, erms, rep_mets]
    premis = _write(
        work,
        "metadata/preservation/premis.xml",
        to_bytes(build_premis(case, described, producer=producer, now=now)),
        "text/xml",
        now,
    )
    root = build_root_mets(
        case, erms=erms, premis=premis, documentation=documentation, schemas=schemas,
        rep_mets=rep_mets, producer=producer, now=now,
    )  # fmt: skip
    (work / "METS.xml").write_bytes(to_bytes(root))


def describe(case: ArchivedCase, producer: Producer) -> str:
    """The package's description for a reader, in Swedish."""
    lines = [
        f"Arkivpaket {case.package_id}",
        f"Ärende: {case.diarienummer} – {case.title}",
        f"Ärendetyp: {case.case_type_label}",
        f"Avslutat: {case.closed.date().isoformat()}",
        f"Arkivbildare: {producer.organisation} ({producer.identification_code})",
        "",
        "Paketet följer FGS Paketstruktur 2.0 (E-ARK CSIP/SIP 2.1). Ärendets och handlingarnas",
        "metadata finns i metadata/descriptive/erms.xml (FGS Ärendehantering 2.0, E-ARK CITS",
        "ERMS 2.1), bevarandemetadata med kontrollsummor i metadata/preservation/premis.xml och",
        "handlingarnas filer i representations/rep1/data/.",
        "",
        f"Handlingar ({len(case.documents)}):",
    ]
    for document in case.documents:
        where = f"data/{document.file.name}" if document.file else "ingen fil"
        if document.disposed_on:
            where = f"filen gallrad {document.disposed_on.isoformat()}"
        lines.append(f"  {document.identifier}  {document.subject}  ({where})")
    return "\n".join(lines) + "\n"
