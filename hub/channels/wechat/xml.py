"""WeChat's XML, screened before anything parses it: no DTD, no entities, bounded size, flat fields."""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from hub.channels.base import InboundRejected

MAX_PUSH_BYTES = 64 * 1024  # WeChat pushes are a few hundred bytes; a large body is not from WeChat
# What the customer wrote, kept as written (indentation, a trailing newline); the other fields are ids and codes.
FREE_TEXT = frozenset({"Content", "Title", "Description", "Recognition", "Label"})


def parse_flat(body: bytes | str) -> dict[str, str]:
    """The children of <xml> as {tag: text}; raises InboundRejected("bad_xml") for anything else."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if not raw.strip():
        raise InboundRejected("bad_xml", "empty body")
    if len(raw) > MAX_PUSH_BYTES:
        raise InboundRejected("bad_xml", f"body of {len(raw)} bytes is larger than {MAX_PUSH_BYTES}")
    try:
        root = fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InboundRejected("bad_xml", f"refused XML construct: {type(exc).__name__}") from None
    except ParseError as exc:
        raise InboundRejected("bad_xml", f"malformed XML: {exc}") from None
    if root.tag != "xml":
        raise InboundRejected("bad_xml", f"root element is <{root.tag}>, expected <xml>")
    fields: dict[str, str] = {}
    for child in root:
        if len(child):  # WeChat's message fields are flat; nested ones carry nothing we use
            continue
        text = child.text or ""
        fields[child.tag] = text if child.tag in FREE_TEXT else text.strip()
    return fields
