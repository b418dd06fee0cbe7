"""Small helpers for building the package's XML (lxml: its serialiser is C, a tenth of the
time of ElementTree's, which mattered for the thousand-package export) and for dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from lxml import etree

#: An lxml element (lxml ships no type information).
Element = Any

NS = {
    "mets": "http://www.loc.gov/METS/",
    "xlink": "http://www.w3.org/1999/xlink",
    "csip": "https://DILCIS.eu/XML/METS/CSIPExtensionMETS",
    "sip": "https://DILCIS.eu/XML/METS/SIPExtensionMETS",
    "premis": "http://www.loc.gov/premis/v3",
    "erms": "https://DILCIS.eu/XML/ERMS",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_NSMAP = {prefix: uri for prefix, uri in NS.items() if prefix != "sip"}


def q(prefix: str, name: str) -> str:
    """`{uri}name` for a namespace prefix of `NS`."""
    return f"{{{NS[prefix]}}}{name}"


def new_root(tag: str, attrs: dict[str, str] | None = None) -> Element:
    """A root element declaring the package's namespace prefixes."""
    return etree.Element(tag, attrs or {}, nsmap=_NSMAP)


def sub(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    """A child element with optional text; attribute names may be Clark names (`{uri}x`)."""
    child = etree.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


def to_bytes(root: Element) -> bytes:
    data: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
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
