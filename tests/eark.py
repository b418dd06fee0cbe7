"""Run the E-ARK foundation's validator (`eark-validator`, specification V2.1.0) offline.

Importing `eark_validator` downloads four DILCIS vocabularies; `load_validator` first installs a
urllib opener that answers those four addresses from tests/fixtures/eark/ (copied unchanged,
CC BY 4.0, see the README there) and refuses every other address, so the tests never need a
network and fail, never skip, when the validator cannot be loaded.
"""

from __future__ import annotations

import gc
import io
import urllib.error
import urllib.request
import urllib.response
import warnings
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from lxml import etree

FIXTURES = Path(__file__).parent / "fixtures" / "eark"
VOCABULARY_URL = "https://earkcsip.dilcis.eu/schema/"
ERMS_XSD = Path(__file__).parent.parent / "caseflow" / "archive" / "schemas" / "ERMS.xsd"


class _LocalVocabularies(urllib.request.BaseHandler):
    handler_order = 100  # before the default HTTP(S) handlers

    def https_open(self, req: urllib.request.Request) -> Any:
        url = req.full_url
        if req.host.split(":")[0] in ("127.0.0.1", "localhost"):
            return None  # loopback (other tests' servers): the default handlers
        if not url.startswith(VOCABULARY_URL):
            raise urllib.error.URLError(f"no network in tests: {url}")
        path = FIXTURES / url.removeprefix(VOCABULARY_URL)
        data = path.read_bytes()
        headers = Message()
        headers["Content-Type"] = "application/xml"
        response = urllib.response.addinfourl(io.BytesIO(data), headers, url, 200)
        response.msg = "OK"
        return response

    http_open = https_open


_validator: Any = None


def load_validator() -> Any:
    """The `eark_validator.packages` module, imported with the local vocabularies."""
    global _validator
    if _validator is None:
        urllib.request.install_opener(urllib.request.build_opener(_LocalVocabularies()))
        try:
            import eark_validator.packages as packages
        finally:  # the vocabularies are read on import; later tests get the default opener
            urllib.request.install_opener(None)
        _validator = packages
    return _validator


@dataclass(frozen=True)
class Problem:
    where: str  # structure | schema | schematron | erms
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.where} {self.rule}: {self.message}"


def validate_package(path: Path) -> tuple[Any, list[Problem]]:
    """The validator's report on the package folder and every error in it: structure errors,
    METS schema errors, Schematron errors (root METS against the CSIP and SIP profiles), and
    the ERMS document against ERMS.xsd. Warnings and information are not problems."""
    packages = load_validator()
    from eark_validator.model.validation_report import Severity

    # The validator leaves files open (lxml iterparse); their ResourceWarnings are its own.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        report = packages.PackageValidator(path).validation_report
        gc.collect()
    problems: list[Problem] = []
    for message in report.structure.messages:
        if message.severity == Severity.ERROR:
            problems.append(Problem("structure", message.rule_id, message.message))
    if report.metadata is None:
        problems.append(Problem("structure", "-", f"not well formed: {report.structure.status}"))
        return report, problems
    for message in report.metadata.schema_results.messages:
        if message.severity == Severity.ERROR:
            problems.append(Problem("schema", message.rule_id, message.message))
    for message in report.metadata.schematron_results.messages:
        if message.severity == Severity.ERROR and not _known_defect(message.rule_id, path):
            problems.append(Problem("schematron", message.rule_id, message.message))
    problems.extend(_rep_mets_problems(path))
    problems.extend(erms_problems(path / "metadata" / "descriptive" / "erms.xml"))
    return report, problems


def _known_defect(rule: str, path: Path) -> bool:
    """SIP14 as published in the validator's V2.1.0 rules cannot pass together with CSIP16 and
    the METS schema: it wants an unqualified `NOTETYPE="IDENTIFICATIONCODE"` on the note of
    every CREATOR agent, while CSIP12-16 make the CREATOR agent the software with exactly one
    note of `csip:NOTETYPE="SOFTWARE VERSION"`, and the METS schema allows no unqualified
    attribute on a note (tried: "The attribute 'NOTETYPE' is not allowed"). So SIP14 is waived
    only when every CREATOR agent's note is exactly what CSIP16 demands; any other SIP14
    failure still counts."""
    if rule != "SIP14":
        return False
    mets = etree.parse(str(path / "METS.xml"))
    ns = {"mets": "http://www.loc.gov/METS/"}
    csip_notetype = "{https://DILCIS.eu/XML/METS/CSIPExtensionMETS}NOTETYPE"
    notes = mets.findall("mets:metsHdr/mets:agent[@ROLE='CREATOR']/mets:note", ns)
    return bool(notes) and all(n.get(csip_notetype) == "SOFTWARE VERSION" for n in notes)


def _rep_mets_problems(path: Path) -> list[Problem]:
    """Each representation's METS against the METS schema the validator uses."""
    from eark_validator.ipxml.schema import IP_SCHEMA

    out = []
    for mets in sorted(path.glob("representations/*/METS.xml")):
        schema = IP_SCHEMA["csip"]
        if not schema.validate(etree.parse(str(mets))):
            for error in schema.error_log:
                out.append(Problem("schema", mets.parent.name, f"{error.line}: {error.message}"))
    return out


_erms_schema: etree.XMLSchema | None = None


def erms_problems(path: Path) -> list[Problem]:
    """The ERMS document against the ERMS XML Schema (version 2.1.2, FGS Ärendehantering 2.0)."""
    global _erms_schema
    if _erms_schema is None:
        _erms_schema = etree.XMLSchema(etree.parse(str(ERMS_XSD)))
    if _erms_schema.validate(etree.parse(str(path))):
        return []
    return [Problem("erms", str(e.line), e.message) for e in _erms_schema.error_log]
