"""Separate what the customer wrote this time from the conversation their mail quotes.

Recognised: "On <date>, <name> wrote:" (and the line-wrapped form mail clients produce), the Chinese
"在 <date>，<name> 写道：", Outlook's "-----Original Message-----" / "-----原始邮件-----" blocks and
"From: ... Sent: ..." headers, and a trailing run of "> " lines. The full text stays available.
"""

from __future__ import annotations

import re

# Each marker with the words it cannot match without (in the lower-cased text): a text holding none of them is
# not searched, which spares a 200,000-character text the pattern's try at every position (8 ms for five).
_MARKERS = [
    (re.compile(r"^\s*On\b.{0,300}?\bwrote:\s*$", re.IGNORECASE | re.MULTILINE | re.DOTALL), ("wrote:",)),
    (re.compile(r"^\s*在.{0,200}?写道[:：]\s*$", re.MULTILINE | re.DOTALL), ("写道",)),
    (
        re.compile(
            r"^\s*-{2,}\s*(Original Message|原始邮件|Forwarded message|转发的邮件)\s*-{2,}\s*$",
            re.IGNORECASE | re.MULTILINE,
        ),
        ("--",),
    ),
    (
        re.compile(r"^\s*(From|发件人)\s*[:：].*\n\s*(Sent|Date|发送时间|日期)\s*[:：]", re.IGNORECASE | re.MULTILINE),
        ("from", "发件人"),
    ),
    (re.compile(r"^_{20,}\s*$", re.MULTILINE), ("_" * 20,)),  # Outlook's rule before its header block
]


def split_quoted(text: str, lowered: str | None = None) -> tuple[str, str]:
    """(new text, quoted history). When nothing looks quoted, all of it is new. `lowered`: text.lower(), if the
    caller has it (a 200,000-character text costs 0.8 ms to lower)."""
    cut = len(text)
    lowered = text.lower() if lowered is None else lowered
    for marker, needs in _MARKERS:
        if not any(word in lowered for word in needs):
            continue
        m = marker.search(text)
        if m and m.start() < cut and text[: m.start()].strip():
            cut = m.start()
    new, quoted = text[:cut], text[cut:]
    # A reply whose history is only "> " lines at the end: those lines and blank ones, read back from the end
    # (splitting the whole text into lines cost a long mail a list of thousands).
    body = new.rstrip()
    start, end, seen = len(body), len(body), False
    while True:
        line_start = body.rfind("\n", 0, end) + 1
        line = body[line_start:end]
        if not (line.startswith(">") or not line.strip()):
            break
        seen = seen or line.startswith(">")
        if line_start == 0:
            return new.strip(), quoted.strip()  # every line quoted or blank: nothing new to keep apart
        start, end = line_start, line_start - 1
    if seen:
        quoted = body[start:] + ("\n" + quoted if quoted else "")
        new = body[: start - 1]
    return new.strip(), quoted.strip()
