"""A mail's HTML: sanitized when stored, read as text, and shown in the console with its inline images.

Stored HTML keeps no script, style, event handler, form or remote image (a remote image would tell the
sender when an agent opened the mail); only `cid:` images stay, naming the mail's own parts. The console
sanitizes again when it shows a mail and points each `cid:` at that part's stored copy behind the
console's sign-in: those are the only image URLs it lets through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, unquote

import nh3

ALLOWED_TAGS = {
    *("a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "img", "li", "ol"),
    *("p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul"),
}
ALLOWED_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}}
ATTACHMENT_URL = "/api/v1/attachments/"
_STORAGE_KEY = re.compile(r"^[0-9a-f]{2}/[^/\s]+$")
BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "hr")


def html_to_text(html: str) -> str:
    from bs4 import BeautifulSoup  # with the first HTML mail: bs4 and soupsieve cost the server's start 0.1 s

    soup = BeautifulSoup(html, "html.parser")
    for dead in soup(["script", "style", "head", "title"]):
        dead.decompose()
    for br in soup("br"):
        br.replace_with("\n")
    for block in soup(BLOCKS):
        block.insert_before("\n")  # blocks start and end lines; inline elements stay in their line
        block.append("\n")
    lines = (line.strip() for line in soup.get_text().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def sanitize_html(html: str) -> str:
    """What we store: only inline (cid:) images survive."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRS,
        url_schemes={"http", "https", "mailto", "cid"},
        attribute_filter=lambda tag, attr, value: (
            None if tag == "img" and attr == "src" and not value.startswith("cid:") else value
        ),
        link_rel="noopener noreferrer nofollow",
    )


def content_id(value: str) -> str:
    """A Content-ID as `cid:` URLs name it: without angle brackets, percent-escapes undone, case kept."""
    return unquote(value.strip().removeprefix("cid:").strip("<>"))


def for_console(html: str, images: Mapping[str, str]) -> str:
    """Stored mail HTML as the console shows it: sanitized again, each `cid:` image pointed at its stored
    part (`images`: Content-ID -> storage key); any other image source is dropped, links open elsewhere."""

    def attribute(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src":
            key = images.get(content_id(value)) if value.startswith("cid:") else None
            return ATTACHMENT_URL + quote(key, safe="/") if key and _STORAGE_KEY.match(key) else None
        if tag == "a" and attr == "href" and value.startswith((ATTACHMENT_URL, "cid:")):
            return None  # only our own images point there, never a link written by the sender
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRS,
        url_schemes={"http", "https", "mailto", "cid"},  # cid: reaches the filter, which rewrites or drops it
        attribute_filter=attribute,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )
