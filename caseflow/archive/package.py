"""Write closed cases as E-ARK SIP folders (CSIP structure), one case per package:

    caseflow-RUN-479-2024/
      METS.xml                              root METS (SIP profile)
      metadata/descriptive/erms.xml         FGS Ärendehantering / CITS ERMS
      metadata/preservation/premis.xml      PREMIS: fixity, events, agents
      representations/rep1/METS.xml         the documents' files
      representations/rep1/data/…           the files, named `<number>-<name>`
      schemas/                              ERMS.xsd, mets.xsd, xlink.xsd
      documentation/paketbeskrivning.txt    what the package holds, in Swedish

or a batch of cases in one package (`BatchPackage`): the same layout, one ERMS aggregation per
case, and each case's files in its own folder `representations/rep1/data/RUN-479-2024/`.

A folder is built under a temporary name beside the target and renamed when complete, so an
interrupted export leaves no half package under the real name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import replace
from datetime import datetime
from functools import cache
from pathlib import Path

from caseflow.archive.erms import build_erms
from caseflow.archive.mets import build_rep_mets, build_root_mets
from caseflow.archive.model import DATA_DIR, ArchivedCase, Package, Producer
from caseflow.archive.premis import PackageFile, build_premis
from caseflow.archive.xmlutil import to_bytes
from caseflow.errors import InputError

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILES = ("ERMS.xsd", "mets.xsd", "xlink.xsd")
#: The package's folders, parents first, made once per package before any file is written.
FOLDERS = (
    "metadata", "metadata/descriptive", "metadata/preservation", "representations",
    "representations/rep1", DATA_DIR, "schemas", "documentation",
)  # fmt: skip


def _write(root: Path, rel: str, data: bytes, media_type: str, now: datetime,
           **extra: str | None) -> PackageFile:  # fmt: skip
    """Write `data` at `rel` (its folder exists) and describe it with the SHA-256 of the bytes
    written (hashed from the same buffer, not read back)."""
    with open(root / rel, "wb") as handle:
        handle.write(data)
    return PackageFile(
        path=rel, media_type=media_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        created=now, original_name=extra.get("original_name"), document=extra.get("document"),
    )  # fmt: skip


def _start(out_dir: Path, package_id: str) -> tuple[Path, Path]:
    """The target folder and a new temporary folder beside it with the package's folders.

    Raises:
        InputError: the package folder already exists.
    """
    target = out_dir / package_id
    if target.exists():
        raise InputError(f"paketet finns redan: {target} (ta bort det eller välj en annan mapp)")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{package_id}.", dir=out_dir))
    try:
        for folder in FOLDERS:
            os.mkdir(work / folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target, work


def write_package(
    case: ArchivedCase, out_dir: Path, *, producer: Producer, now: datetime,
    schemas_from: Path | None = None,
) -> Path:  # fmt: skip
    """Write `case` as a package folder in `out_dir`; return its path.

    `schemas_from`, a package written before in the same export: its `schemas/` files are
    hard-linked instead of copied (two thirds of a small package's bytes; each package still
    holds complete files), copied where the file system cannot link.

    Raises:
        InputError: the package folder already exists, or a document's file is missing or not
        what its checksum says.
    """
    target, work = _start(out_dir, case.package_id)
    try:
        package = Package.single(case)
        data = _data_files(work, package, case)
        _metadata(work, package, data, producer=producer, now=now, schemas_from=schemas_from)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


class BatchPackage:
    """One package holding many cases, written a few cases at a time so that only their files
    are in memory: `add` writes the cases' files and keeps their metadata, `finish` writes the
    ERMS, PREMIS, METS and description and gives the package its name. Use as a context
    manager: leaving it without `finish` (an error) removes the temporary folder."""

    def __init__(self, out_dir: Path, package_id: str) -> None:
        self.target, self.work = _start(out_dir, package_id)
        self.package_id = package_id
        self.cases: list[ArchivedCase] = []
        self.data: list[PackageFile] = []
        self.done = False

    def __enter__(self) -> BatchPackage:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.done:
            shutil.rmtree(self.work, ignore_errors=True)

    def add(self, cases: list[ArchivedCase]) -> None:
        """Write the cases' files; their bytes are not kept.

        Raises:
            InputError: a document's file is missing or not what its checksum says.
        """
        package = Package(package_id=self.package_id, cases=tuple(cases), batch=True)
        for case in cases:
            os.mkdir(self.work / package.data_dir(case))
            self.data.extend(_data_files(self.work, package, case))
            self.cases.append(replace(case, documents=tuple(
                replace(d, file=replace(d.file, data=None)) if d.file else d
                for d in case.documents
            )))  # fmt: skip

    def finish(self, *, producer: Producer, now: datetime) -> Path:
        """Write the package's metadata and rename it to its name; return its path."""
        package = Package(package_id=self.package_id, cases=tuple(self.cases), batch=True)
        _metadata(self.work, package, self.data, producer=producer, now=now, schemas_from=None)
        self.work.rename(self.target)
        self.done = True
        return self.target


def _schema(work: Path, name: str, now: datetime, schemas_from: Path | None) -> PackageFile:
    rel = f"schemas/{name}"
    data, digest = _schema_bytes(name)
    target = work / rel
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


def _data_files(work: Path, package: Package, case: ArchivedCase) -> list[PackageFile]:
    """Write the case's files in its data folder, each checked against the SHA-256 and size
    the records side registered (computed from the bytes as they are written)."""
    folder = package.data_dir(case)
    data: list[PackageFile] = []
    for document in case.documents:
        file = document.file
        if file is None:
            continue
        if file.data is None:
            raise InputError(f"{document.identifier}: filen saknas i lagringen")
        written = _write(
            work, f"{folder}/{file.name}", file.data, file.media_type, file.created,
            original_name=file.original_name, document=document.identifier,
        )  # fmt: skip
        if written.sha256 != file.sha256 or written.size != file.size:
            raise InputError(
                f"{document.identifier}: filen i lagringen stämmer inte med sin kontrollsumma"
            )
        data.append(written)
    return data


def _metadata(
    work: Path, package: Package, data: list[PackageFile], *, producer: Producer, now: datetime,
    schemas_from: Path | None,
) -> None:  # fmt: skip
    schemas = [_schema(work, name, now, schemas_from) for name in SCHEMA_FILES]
    documentation = [_write(
        work, "documentation/paketbeskrivning.txt", describe(package, producer).encode("utf-8"),
        "text/plain", now,
    )]  # fmt: skip
    erms = _write(
        work,
        "metadata/descriptive/erms.xml",
        to_bytes(build_erms(package, producer=producer, now=now)),
        "text/xml",
        now,
    )
    rep_mets = _write(
        work,
        "representations/rep1/METS.xml",
        to_bytes(build_rep_mets(package, data=data, producer=producer, now=now)),
        "text/xml",
        now,
    )
    described = [*data, *schemas, *documentation, erms, rep_mets]
    premis = _write(
        work,
        "metadata/preservation/premis.xml",
        to_bytes(build_premis(package, described, producer=producer, now=now)),
        "text/xml",
        now,
    )
    root = build_root_mets(
        package, erms=erms, premis=premis, documentation=documentation, schemas=schemas,
        rep_mets=rep_mets, producer=producer, now=now,
    )  # fmt: skip
    (work / "METS.xml").write_bytes(to_bytes(root))


def describe(package: Package, producer: Producer) -> str:
    """The package's description for a reader, in Swedish."""
    lines = [f"Arkivpaket {package.package_id}"]
    for case in package.cases:
        lines += [
            f"Ärende: {case.diarienummer} – {case.title}",
            f"Ärendetyp: {case.case_type_label}",
            f"Avslutat: {case.closed.date().isoformat()}",
        ]
    lines += [
        f"Arkivbildare: {producer.organisation} ({producer.identification_code})",
        "",
        "Paketet följer FGS Paketstruktur 2.0 (E-ARK CSIP/SIP 2.1). Ärendenas och handlingarnas"
        if package.batch else
        "Paketet följer FGS Paketstruktur 2.0 (E-ARK CSIP/SIP 2.1). Ärendets och handlingarnas",
        "metadata finns i metadata/descriptive/erms.xml (FGS Ärendehantering 2.0, E-ARK CITS",
        "ERMS 2.1), bevarandemetadata med kontrollsummor i metadata/preservation/premis.xml och",
        "handlingarnas filer i representations/rep1/data/"
        + (", en mapp per ärende." if package.batch else "."),
    ]  # fmt: skip
    for case in package.cases:
        prefix = package.data_dir(case).removeprefix("representations/rep1/")
        lines += ["", f"Handlingar i {case.diarienummer} ({len(case.documents)}):"]
        for document in case.documents:
            where = f"{prefix}/{document.file.name}" if document.file else "ingen fil"
            if document.disposed_on:
                where = f"filen gallrad {document.disposed_on.isoformat()}"
            lines.append(f"  {document.identifier}  {document.subject}  ({where})")
    return "\n".join(lines) + "\n"
