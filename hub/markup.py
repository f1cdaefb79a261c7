"""Markdown a reply is written in, as each channel can show it: sanitised HTML, and plain text from the same tree."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode


@cache
def _md() -> MarkdownIt:
    """Imported on the first reply rendered: markdown-it is 60 modules an idle server never runs."""
    from markdown_it import MarkdownIt

    # Raw HTML in the source is escaped; a single line break stays a line break, as the agent typed it.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
        ["table", "strikethrough"]
    )


def markdown_html(source: str) -> str:
    """Rendered and sanitised again (links get rel=noopener noreferrer): safe for a mail or the chat widget."""
    return nh3.clean(_md().render(source))


def markdown_text(source: str) -> str:
    """What a text-only channel (SMS, WeChat) shows: the words without the markup, blocks apart by a blank line,
    list items bulleted or numbered, a link's address after its text."""
    from markdown_it.tree import SyntaxTreeNode  # loaded with the parser by _md()

    return _blocks(SyntaxTreeNode(_md().parse(source)), "").strip()


def _blocks(node: SyntaxTreeNode, indent: str) -> str:
    parts = [_block(child, indent) for child in node.children]
    # Blocks apart by a blank line; within a list item by a line break, so the list stays one list.
    return ("\n" if node.type == "list_item" else "\n\n").join(p for p in parts if p)


def _block(node: SyntaxTreeNode, indent: str) -> str:
    kind = node.type
    if kind in ("paragraph", "heading"):
        return indent + _inline(node).replace("\n", "\n" + indent)
    if kind in ("bullet_list", "ordered_list"):
        start = int(str(node.attrs.get("start", 1)))
        items = []
        for n, item in enumerate(node.children, start):
            mark = "• " if kind == "bullet_list" else f"{n}. "
            body = _blocks(item, indent + " " * len(mark)).lstrip()
            items.append(indent + mark + body)
        return "\n".join(items)
    if kind == "blockquote":
        return _blocks(node, indent + "  ")
    if kind in ("fence", "code_block"):
        return "\n".join(indent + line for line in node.content.rstrip("\n").split("\n"))
    if kind == "hr":
        return indent + "———"
    if kind == "table":
        rows = [row for section in node.children for row in section.children]
        return "\n".join(indent + " | ".join(_inline(cell) for cell in row.children) for row in rows)
    return _blocks(node, indent) if node.children else ""  # anything else: read through its children


def _inline(node: SyntaxTreeNode) -> str:
    out: list[str] = []
    for child in node.children:
        kind = child.type
        if kind == "text" or kind == "code_inline":
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "image":
            out.append(_inline(child) or str(child.attrs.get("alt", "")))
        elif kind == "link":
            words, href = _inline(child), str(child.attrs.get("href", ""))
            out.append(words if not href or href in (words, f"mailto:{words}") else f"{words} ({href})")
        else:  # emphasis, strong, strikethrough, inline: their words
            out.append(_inline(child))
    return "".join(out)
