"""The METS documents of a package: the root `METS.xml` (E-ARK SIP 2.1 profile) and the
representation's `representations/rep1/METS.xml`.

Written to the Schematron rules of eark-validator's specification V2.1.0, not only to the
examples. Two rules shape it beyond the obvious: CSIP63 as published accepts a file group only
with `csip:CONTENTINFORMATIONTYPE="OTHER"` and an `OTHERCONTENTINFORMATIONTYPE`, so every file
group carries both; CSIP60 wants a Documentation file group, so each package has a description
in `documentation/`.
"""

from __future__ import annotations

from datetime import datetime

from caseflow.archive.model import Package, Producer
from caseflow.archive.premis import PackageFile
from caseflow.archive.xmlutil import Element, iso, new_root, q, sub

SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_TYPE = "citserms_v2_1"
CONTENT_CATEGORY = "Textual works – Digital"
SCHEMA_LOCATION = (
    "http://www.loc.gov/METS/ schemas/mets.xsd http://www.w3.org/1999/xlink schemas/xlink.xsd"
)
XLINK_HREF = q("xlink", "href")


def _m(name: str) -> str:
    return q("mets", name)


def _root(objid: str, label: str, schema_prefix: str) -> Element:
    root = new_root(_m("mets"))
    root.set("OBJID", objid)
    root.set("LABEL", label)
    root.set("TYPE", CONTENT_CATEGORY)
    root.set(q("csip", "CONTENTINFORMATIONTYPE"), CONTENT_TYPE)
    root.set("PROFILE", SIP_PROFILE)
    root.set(q("xsi", "schemaLocation"), SCHEMA_LOCATION.replace("schemas/", schema_prefix))
    return root


def _header(root: Element, *, producer: Producer, now: datetime) -> None:
    header = sub(root, _m("metsHdr"), CREATEDATE=iso(now), LASTMODDATE=iso(now),
                 RECORDSTATUS="NEW", **{q("csip", "OAISPACKAGETYPE"): "SIP"})  # fmt: skip
    software = sub(header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    sub(software, _m("name"), producer.software)
    sub(software, _m("note"), producer.software_version,
        **{q("csip", "NOTETYPE"): "SOFTWARE VERSION"})  # fmt: skip
    archivist = sub(header, _m("agent"), ROLE="ARCHIVIST", TYPE="ORGANIZATION")
    sub(archivist, _m("name"), producer.organisation)
    sub(archivist, _m("note"), producer.identification_code,
        **{q("csip", "NOTETYPE"): "IDENTIFICATIONCODE"})  # fmt: skip


def _locate(parent: Element, tag: str, path: str) -> Element:
    return sub(parent, _m(tag), LOCTYPE="URL", **{q("xlink", "type"): "simple", XLINK_HREF: path})


def _fixity(file: PackageFile, ident: str) -> dict[str, str]:
    return {
        "ID": ident, "MIMETYPE": file.media_type, "SIZE": str(file.size),
        "CREATED": iso(file.created), "CHECKSUM": file.sha256, "CHECKSUMTYPE": "SHA-256",
    }  # fmt: skip


def _md_ref(parent: Element, file: PackageFile, *, mdtype: str, ident: str) -> None:
    attrs = _fixity(file, ident)
    if mdtype != "PREMIS":
        attrs.update(MDTYPE="OTHER", OTHERMDTYPE=mdtype)
    else:
        attrs["MDTYPE"] = mdtype
    ref = sub(parent, _m("mdRef"), LOCTYPE="URL",
              **{q("xlink", "type"): "simple", XLINK_HREF: file.path}, **attrs)  # fmt: skip
    del ref


def _group(parent: Element, use: str, ident: str) -> Element:
    return sub(parent, _m("fileGrp"), USE=use, ID=ident,
               **{q("csip", "CONTENTINFORMATIONTYPE"): "OTHER",
                  q("csip", "OTHERCONTENTINFORMATIONTYPE"): CONTENT_TYPE})  # fmt: skip


def _files(group: Element, files: list[PackageFile], prefix: str, strip: str = "") -> None:
    for index, file in enumerate(files, start=1):
        element = sub(group, _m("file"), **_fixity(file, f"{prefix}-{index}"))
        _locate(element, "FLocat", file.path.removeprefix(strip))


def build_root_mets(
    package: Package, *, erms: PackageFile, premis: PackageFile,
    documentation: list[PackageFile], schemas: list[PackageFile], rep_mets: PackageFile,
    producer: Producer, now: datetime,
) -> Element:  # fmt: skip
    root = _root(package.package_id, package.label, "schemas/")
    _header(root, producer=producer, now=now)
    dmd = sub(root, _m("dmdSec"), ID="dmd-erms", CREATED=iso(now), STATUS="CURRENT")
    _md_ref(dmd, erms, mdtype="ERMS", ident="ref-erms")
    amd = sub(root, _m("amdSec"))
    digiprov = sub(amd, _m("digiprovMD"), ID="digiprov-premis", STATUS="CURRENT")
    _md_ref(digiprov, premis, mdtype="PREMIS", ident="ref-premis")
    file_sec = sub(root, _m("fileSec"), ID="filesec")
    _files(_group(file_sec, "Documentation", "grp-documentation"), documentation, "doc")
    _files(_group(file_sec, "Schemas", "grp-schemas"), schemas, "schema")
    _files(_group(file_sec, "Representations/rep1", "grp-rep1"), [rep_mets], "rep1-mets")
    struct = sub(root, _m("structMap"), ID="structmap", TYPE="PHYSICAL", LABEL="CSIP")
    top = sub(struct, _m("div"), ID="div-package", LABEL=package.package_id)
    sub(top, _m("div"), ID="div-metadata", LABEL="Metadata", DMDID="dmd-erms",
        ADMID="digiprov-premis")  # fmt: skip
    docs = sub(top, _m("div"), ID="div-documentation", LABEL="Documentation")
    sub(docs, _m("fptr"), FILEID="grp-documentation")
    schema_div = sub(top, _m("div"), ID="div-schemas", LABEL="Schemas")
    sub(schema_div, _m("fptr"), FILEID="grp-schemas")
    reps = sub(top, _m("div"), ID="div-representations", LABEL="Representations")
    sub(reps, _m("fptr"), FILEID="grp-rep1")
    rep = sub(reps, _m("div"), ID="div-rep1", LABEL="Representations/rep1")
    mptr = _locate(rep, "mptr", rep_mets.path)
    mptr.set(q("xlink", "title"), "grp-rep1")
    return root


def build_rep_mets(
    package: Package, *, data: list[PackageFile], producer: Producer, now: datetime
) -> Element:
    """The representation's METS: its data files (paths relative to `representations/rep1/`)."""
    root = _root(f"{package.package_id}-rep1", f"{package.label}: handlingar", "../../schemas/")
    _header(root, producer=producer, now=now)
    file_sec = sub(root, _m("fileSec"), ID="rep1-filesec")
    group = _group(file_sec, "Data", "rep1-grp-data")
    _files(group, data, "rep1-file", strip="representations/rep1/")
    struct = sub(root, _m("structMap"), ID="rep1-structmap", TYPE="PHYSICAL", LABEL="CSIP")
    top = sub(struct, _m("div"), ID="rep1-div", LABEL=f"{package.package_id}-rep1")
    data_div = sub(top, _m("div"), ID="rep1-div-data", LABEL="Data")
    if data:
        sub(data_div, _m("fptr"), FILEID="rep1-grp-data")
    return root
