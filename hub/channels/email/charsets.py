"""Bytes to text for mail as it really arrives: declared charsets, wrong labels, GBK without a label.

Chinese mail is labelled GB2312 while using GBK or GB18030 characters, labelled UTF-8 while being GBK,
or sent with 8-bit headers and no label at all. Decoding tries the declared charset (GB labels widened to
GB18030, their superset), then UTF-8, then GB18030 and Big5, then charset-normalizer's guess, and says
when it had to guess so the interaction can carry a warning.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

# Labels whose real-world use is wider than the name: decode with the superset.
WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030", "big5": "big5hkscs",
         "ks_c_5601-1987": "cp949", "iso-8859-1": "cp1252", "us-ascii": "cp1252"}  # fmt: skip


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip('"').lower()
    name = WIDER.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for ch in text if "\u3400" <= ch <= "\u9fff") / len(text)


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """(text, warning or None). Never raises and never drops text: the last resort replaces bad bytes."""
    if not data:
        return "", None
    label = _codec(declared)
    tried: list[str] = []
    for name in (label, "utf-8", "gb18030", "big5hkscs"):
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if name == "gb18030" and label != "gb18030" and _cjk_share(text) < 0.05 and not data.isascii():
            continue  # bytes that merely happen to be valid GB18030 (Latin-1 text, say): keep looking
        if name == label or (label is None and name == "utf-8"):
            return text, None
        said = f"declared {declared!r}" if declared else "no charset declared"
        return text, f"{said}, decoded as {name}"
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), f"charset guessed as {best.encoding} ({declared or 'none declared'})"
    return data.decode(label or "utf-8", errors="replace"), "undecodable bytes replaced"


def fix_header(value: str) -> tuple[str, str | None]:
    """Raw 8-bit header bytes arrive as surrogate escapes under policy.default; decode them properly."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value, None
    raw = value.encode("utf-8", "surrogateescape")
    return decode_bytes(raw, None)
