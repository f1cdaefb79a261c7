"""Forwarded mail, kept as a message of its own: who wrote it, when, about what, and what it says.

Two shapes: attached whole (message/rfc822, what Outlook's and Thunderbird's "forward as attachment" send;
parse.py reads the inner mail and keeps it as an .eml file), or inline under a separator: Gmail's
"---------- Forwarded message ---------", Thunderbird's "-------- Forwarded Message --------" and
"-------- 转发的消息 --------", Apple Mail's "Begin forwarded message:", and the separators mail clients
use for replies and forwards alike (Outlook's "-----Original Message-----" and "From: ... Sent: ..."
block, QQ Mail's "------------------ 原始邮件 ------------------") under a forward's subject (Fw:, Fwd:,
转发:, 轉寄:). Either way the forwarded text is never run into the forwarder's words, and never thrown
away as quoted history.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

MAX_TEXT = 20_000
# Separators that only ever introduce a forwarded mail.
_FORWARD_ONLY = re.compile(
    r"^[ \t]*(?:-{2,}\s*(?:Forwarded message|Forwarded Message|转发的邮件|转发的消息|轉寄的郵件|轉寄的訊息)\s*-{2,}"
    r"|Begin forwarded message:|开始转发的邮件[:：]|以下是转发的邮件[:：]?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Separators used for replies and forwards alike: a forward only under a forward's subject.
_EITHER = re.compile(
    r"^[ \t]*(?:-{2,}\s*(?:Original Message|原始邮件|原始郵件|Original)\s*-{2,}|_{20,}"
    r"|(?:From|发件人|寄件者)\s*[:：].*\n[ \t]*(?:Sent|Date|发送时间|日期|寄件日期)\s*[:：])[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_FORWARD_SUBJECT = re.compile(r"^\s*\[?(?:fwd?|转发|轉寄|轉發)\]?\s*[:：]", re.IGNORECASE)
_FIELDS = {
    "from": "from", "发件人": "from", "寄件者": "from", "寄件人": "from",
    "date": "date", "sent": "date", "发送时间": "date", "日期": "date", "时间": "date", "寄件日期": "date",
    "subject": "subject", "主题": "subject", "主旨": "subject", "to": "to", "收件人": "to", "cc": "cc", "抄送": "cc",
}  # fmt: skip
_FIELD_LINE = re.compile(r"^[ \t>*]*([A-Za-z\u4e00-\u9fff]{1,10})\s*[:：][ \t]*(.*)$")


@dataclass(frozen=True, slots=True)
class Forwarded:
    """One forwarded mail as the console shows it; `part` indexes the mail's files (the .eml), if attached."""

    sender: str
    date: str
    subject: str
    text: str
    part: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def is_forward(subject: str) -> bool:
    return _FORWARD_SUBJECT.match(subject) is not None


def _header_block(block: str) -> tuple[dict[str, str], str]:
    """The forwarded mail's header lines (From, Date/Sent, Subject, To, in English or Chinese) and its text."""
    fields: dict[str, str] = {}
    lines = block.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines):
        m = _FIELD_LINE.match(lines[i])
        if not m or m.group(1).lower() not in _FIELDS:
            break
        fields.setdefault(_FIELDS[m.group(1).lower()], m.group(2).strip().strip("*").rstrip(";；").strip())
        i += 1
    return fields, "\n".join(lines[i:]).strip()


def _may_forward(text: str, lowered: str | None = None) -> bool:
    """Whether the text holds what every _FORWARD_ONLY separator contains: without it, a long text is not
    searched (the pattern tries every position). `lowered`: text.lower(), if the caller has it."""
    return "--" in text or "转发的" in text or "forwarded" in (text.lower() if lowered is None else lowered)


def find_inline(text: str, subject: str, lowered: str | None = None) -> tuple[int, Forwarded] | None:
    """Where a mail forwarded inline starts in the text, and that mail; None when there is none. `lowered`:
    text.lower(), if the caller has it (split_quoted needs it too)."""
    m = _FORWARD_ONLY.search(text) if _may_forward(text, lowered) else None
    if m is None and is_forward(subject):
        m = _EITHER.search(text)
    if m is None:
        return None
    # A "From: ... Sent: ..." separator is the forwarded mail's own first header line: keep it.
    header_first = m.group(0).lstrip().lower().startswith(("from", "发件人", "寄件者"))
    fields, body = _header_block(text[m.start() if header_first else m.end() :].lstrip("\n"))
    found = Forwarded(fields.get("from", ""), fields.get("date", ""), fields.get("subject", ""), body[:MAX_TEXT])
    return m.start(), found
