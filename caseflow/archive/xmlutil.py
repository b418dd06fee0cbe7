"""Small helpers for building and reading the package's XML with the standard library."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

NS = {
    "mets": "http://www.loc.gov/METS/",
    "xlink": "http://www.w3.org/1999/xlink",
    "csip": "https://DILCIS.eu/XML/METS/CSIPExtensionMETS",
    "sip": "https://DILCIS.eu/XML/METS/SIPExtensionMETS",
    "premis": "http://www.loc.gov/premis/v3",
    "erms": "https://DILCIS.eu/XML/ERMS",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def q(prefix: str, name: str) -> str:
    """`{uri}name` for a namespace prefix of `NS`."""
    return f"{{{NS[prefix]}}}{name}"


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element with optional text; attribute names may be Clark names (`{uri}x`)."""
    child = ET.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def iso(moment: datetime) -> str:
    """A UTC timestamp as xs:dateTime with `Z`, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: date) -> str:
    """A calendar day as xs:dateTime (midnight, no zone): ERMS dates are dateTimes."""
    return f"{value.isoformat()}T00:00:00"


def parse_day(text: str) -> date:
    return date.fromisoformat(text[:10])


def parse_moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
