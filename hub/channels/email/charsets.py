"""Bytes to text for mail as it really arrives: declared charsets, wrong labels, GBK without a label.

Chinese mail is labelled GB2312 while using GBK or GB18030 characters, labelled UTF-8 while being GBK,
or sent with 8-bit headers and no label at all. Decoding tries the declared charset (GB labels widened to
GB18030, their superset; Big5 to Big5-HKSCS, then Windows' CP950), then UTF-8, then GB18030 and Big5,
then charset-normalizer's guess, and says when it had to guess so the interaction can carry a warning.
Headers get the same treatment: RFC 2047 encoded words and RFC 2231 parameters are decoded here, not by
the standard library, which decodes a "gb2312" word with the narrow codec and loses GBK-only characters.
Unencoded 8-bit headers are read with the mail's own charset after UTF-8 (a KOI8-R or Latin-1 client's
headers are in its body's charset), and bytes read as Chinese without a Chinese label must look like Chinese
text (common characters), not the rare ones a Latin or Cyrillic letter lands on. ISO-2022-JP is read as
Windows writes it (jis.py), and never as UTF-8 that happens to be ASCII.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header
from email.message import Message
from email.utils import unquote

from charset_normalizer import from_bytes

from hub.channels.email import jis

# Labels whose real-world use is wider than the name: decode with the superset. Keys are labels as
# written and the names Python's codec lookup gives them ("cp936" -> "gbk").
WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030", "gb_2312-80": "gb18030",
         "csgb2312": "gb18030", "x-euc-cn": "gb18030", "big5": "big5hkscs", "x-big5": "big5hkscs",
         "csbig5": "big5hkscs", "cn-big5": "big5hkscs", "ks_c_5601-1987": "cp949", "iso-8859-1": "cp1252",
         "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "euc_kr": "cp949", "shift_jis": "cp932",
         "windows-31j": "cp932", "x-sjis": "cp932", "iso8859-11": "cp874", "tis-620": "cp874"}  # fmt: skip
# Windows' Big5 (the Euro sign, a few more characters) is what "big5" mail often really is; ISO-2022-JP that
# Windows' reading refuses may be ISO-2022-JP-2's wider sets.
AFTER = {"big5hkscs": "cp950", jis.NAME: "iso2022_jp_2"}
# Labels of ISO-2022-JP and Microsoft's names for what it writes under that label (CP50220-50222).
JIS_LABELS = {"iso-2022-jp", "iso2022_jp", "iso2022jp", "csiso2022jp", "iso-2022-jp-ms", "iso2022_jp_ext",
              "cp50220", "cp50221", "cp50222", "x-cp50220", "x-cp50221", "x-cp50222"}  # fmt: skip
_CHINESE = ("gb18030", "big5hkscs", "cp950")
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
# An HTML part's own label, for the HTML whose MIME header has none (a webmail's or a CRM's generated mail).
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]{2,40})", re.I)


def html_charset(data: bytes) -> str | None:
    """The charset an HTML document's <meta> names in its first bytes, if any."""
    found = _META_CHARSET.search(data[:4096])
    return found[1].decode("ascii") if found else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip('"').lower()
    if name in JIS_LABELS:
        return jis.NAME
    name = WIDER.get(name, name)
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return codecs.lookup(WIDER.get(name, name)).name


def _common_chinese(text: str, name: str) -> bool:
    """Bytes read as Chinese without a Chinese label: at least half of the non-ASCII characters are GB2312's
    symbols and hanzi (Big5's frequent set for Big5), as real text is. Latin letters land on rare characters:
    "für" is "f黵" in GBK, its trail byte below GB2312's range."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return True
    narrow, ranges = ("gb2312", ((0xA1, 0xA9), (0xB0, 0xF7))) if name == "gb18030" else ("big5", ((0xA1, 0xC6),))
    good = 0
    for ch in wide:
        try:
            lead = ch.encode(narrow)
        except UnicodeEncodeError:
            continue
        good += len(lead) == 2 and any(lo <= lead[0] <= hi for lo, hi in ranges)
    return good >= 0.5 * len(wide)


def _decode(data: bytes, name: str, whole: bool, errors: str = "strict") -> str:
    """`data.decode(name)`; for the first bytes of something longer (`whole` false), a character cut off at
    the end is left out rather than taken for a decoding error."""
    if name == jis.NAME:
        return jis.decode(data, whole, errors)
    if whole:
        return data.decode(name, errors)
    return str(codecs.getincrementaldecoder(name)(errors).decode(data, final=False))


def _looks_utf8(data: bytes, label: str | None, whole: bool = True) -> bool:
    """Valid UTF-8 that reads as what the label promised: CJK for a CJK label (a GBK character is
    valid two-byte UTF-8 about one time in ten, as a Latin or Cyrillic letter), anything for Latin-1."""
    try:
        text = _decode(data, "utf-8", whole)
    except UnicodeDecodeError:
        return False
    if label in ("cp1252", "latin_1", "iso8859-15", "ascii"):
        return True
    wide = [ch for ch in text if ord(ch) > 0x7F]
    cjk = sum(
        1 for ch in wide if "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\uffef"
    )
    return cjk >= 3 and cjk >= 0.8 * len(wide)  # shorter: too little to overrule the label


def decode_bytes(
    data: bytes, declared: str | None, *, guess: bool = True, limit: int | None = None, fallback: str | None = None
) -> tuple[str, str | None]:
    """(text, warning or None). Never raises and never drops text: the last resort replaces bad bytes.
    Without `guess` (a header's few bytes, too short for a statistical guess) that resort comes first.
    With `limit`, only the first `limit` bytes are read, and the charset is chosen from them: a caller that
    keeps the first N characters of a 5 MB body need not decode (or guess over) all of it. `fallback`: for
    bytes with no label of their own (an 8-bit header), the charset to try after UTF-8 (the mail's own)."""
    if not data:
        return "", None
    whole = limit is None or len(data) <= limit
    data = data if whole else data[:limit]
    label = _codec(declared)
    escaped = jis.is_iso2022(data)
    if escaped and label in (None, "cp1252", "utf-8"):
        label = jis.NAME  # ISO-2022-JP labelled US-ASCII, or not at all: its escapes say what it is
    # Mail labelled GB2312 (or Latin-1) that is really UTF-8 decodes under its label without an error, as
    # mojibake; multi-byte UTF-8 almost never happens by chance in GBK or Latin-1 text, so it goes first.
    utf8_first = label not in (None, "utf-8") and not data.isascii() and _looks_utf8(data, label, whole)
    tried: list[str] = []
    order: tuple[str | None, ...] = ("utf-8", label) if utf8_first else (label, AFTER.get(label or ""), "utf-8")
    hint = _codec(fallback) if label is None else None
    if hint is not None:
        # A Latin-1 mail's (or US-ASCII's) hint comes after the Chinese readings, which Latin bytes never pass.
        order = ("utf-8", *((*_CHINESE, hint) if hint == "cp1252" else (hint, AFTER.get(hint))))
    for name in (*order, *_CHINESE):
        if name is None or name in tried or (escaped and name == "utf-8"):
            continue
        tried.append(name)
        try:
            text = _decode(data, name, whole)
        except (UnicodeDecodeError, LookupError):
            continue
        if name in _CHINESE and label not in _CHINESE and hint not in _CHINESE and not _common_chinese(text, name):
            continue  # bytes that merely happen to be valid GB18030 or Big5 (Latin-1 text, say): keep looking
        if name == label or (label is None and name in ("utf-8", hint)):
            return text, None
        said = f"declared {declared!r}" if declared else "no charset declared"
        return text, f"{said}, decoded as {name}"
    best = from_bytes(data).best() if guess else None
    if best is not None and best.encoding:
        if whole:
            return str(best), f"charset guessed as {best.encoding} ({declared or 'none declared'})"
        try:  # the guess was made on the first bytes; a character cut off at their end is left out
            text = _decode(data, best.encoding, whole)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            return text, f"charset guessed as {best.encoding} ({declared or 'none declared'})"
    return _decode(data, label or "utf-8", whole, "replace"), "undecodable bytes replaced"


def fix_header(value: str, charset: str | None = None) -> tuple[str, str | None]:
    """Raw 8-bit header bytes arrive as surrogate escapes under policy.default; decode them properly.
    `charset`: the mail's own (its text's label), tried after UTF-8."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value, None
    raw = value.encode("utf-8", "surrogateescape")
    return decode_bytes(raw, None, fallback=charset)


def decode_words(value: str, charset: str | None = None) -> tuple[str, str | None]:
    """A header as written (RFC 2047 encoded words, or raw 8-bit bytes) to text, each word decoded like a body.
    `charset`: the mail's own, for raw 8-bit bytes."""
    value, note = fix_header(value, charset)
    if not _ENCODED_WORD.search(value):
        return value, note
    try:
        chunks = decode_header(value)
    except Exception:  # a malformed word (bad base64): the standard library raises; keep the text as written
        return value, "an encoded word could not be decoded"
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        if charset is None:  # text between encoded words: handed back as raw-unicode-escape bytes
            try:
                out.append(chunk.decode("raw-unicode-escape"))
            except UnicodeDecodeError:
                out.append(chunk.decode("latin-1"))
            continue
        text, problem = decode_bytes(chunk, charset, guess=False)
        out.append(text)
        note = note or problem
    return "".join(out), note


def parameter(part: Message, header: str, name: str, charset: str | None = None) -> tuple[str | None, str | None]:
    """A MIME parameter (a file name) decoded by our rules: RFC 2231 (`filename*=gb2312''...`, continuations
    included), RFC 2047 words inside quotes (Outlook, Foxmail), or raw 8-bit bytes (`charset`: the mail's
    own, tried for them after UTF-8). (value, warning)."""
    raw = next((v for k, v in part.raw_items() if k.lower() == header), None)
    if raw is None:
        return None, None
    fixed, eight_bit = fix_header(raw, charset)  # raw 8-bit bytes in the header (old clients): decoded first
    legacy = Message()  # the compat32 parser hands RFC 2231 values back undecoded: (charset, language, text)
    legacy[header] = " ".join(fixed.split())
    value = legacy.get_param(name, header=header)
    if value is None or value == "":
        return None, None
    if isinstance(value, tuple):
        charset, _language, text = value
        decoded, note = decode_bytes(unquote(text).encode("raw-unicode-escape"), charset or None, guess=False)
    else:
        decoded, note = decode_words(unquote(value))
    return decoded, note or eight_bit
