"""ISO-2022-JP as Windows and Japanese phones write it: JIS X 0208 plus NEC's and IBM's extra characters.

Outlook, Becky! and Japanese carriers label their mail "ISO-2022-JP" but write Microsoft's CP50220/50221:
circled digits (①), ㈱, Roman numerals and the IBM kanji in the JIS X 0208 escape, half-width katakana
after `ESC ( I` or between SO and SI. Python's iso2022_jp codecs refuse those characters, and the mail's
bytes, being 7-bit, then "decode" as ASCII with the escape sequences left in the text. Here each two-byte
JIS character is moved to its Shift_JIS position and read with CP932, which holds all of them.
"""

from __future__ import annotations

NAME = "iso2022_jp_ms"  # what charsets.py calls this decoder (no codec of the standard library has the name)
_ASCII, _KANJI, _KANA = 0, 1, 2
_ESCAPES = {b"\x1b(B": _ASCII, b"\x1b(J": _ASCII, b"\x1b$@": _KANJI, b"\x1b$B": _KANJI, b"\x1b(I": _KANA}


def _sjis(j1: int, j2: int) -> bytes:
    """A JIS X 0208 row/cell pair (0x21-0x7E each) at its Shift_JIS position."""
    s1 = ((j1 + 1) >> 1) + (0x70 if j1 <= 0x5E else 0xB0)
    s2 = j2 + (0x1F + (j2 >= 0x60) if j1 % 2 else 0x7E)
    return bytes((s1, s2))


def decode(data: bytes, final: bool = True, errors: str = "strict") -> str:
    """The text; `final` false: the first bytes of something longer, a character cut off at the end is left out.
    An escape sequence this does not know (JIS X 0212, ISO-2022-JP-2's other sets) raises UnicodeDecodeError,
    so the caller can hand the mail to the standard library's iso2022_jp_2."""
    out = bytearray()  # CP932 bytes, decoded once at the end
    mode, shifted, i = _ASCII, False, 0
    while i < len(data):
        byte = data[i]
        if byte == 0x1B:
            escape = data[i : i + 3]
            if escape not in _ESCAPES:
                if not final and len(escape) < 3 and any(e.startswith(escape) for e in _ESCAPES):
                    break
                raise UnicodeDecodeError(NAME, data, i, i + 1, "unknown escape sequence")
            mode, i = _ESCAPES[escape], i + 3
            continue
        if byte in (0x0E, 0x0F):  # SO / SI: half-width katakana in between
            shifted, i = byte == 0x0E, i + 1
            continue
        if byte > 0x7F:
            if errors == "strict":
                raise UnicodeDecodeError(NAME, data, i, i + 1, "8-bit byte in 7-bit text")
            out += b"?"
            i += 1
        elif byte < 0x21 or (mode == _ASCII and not shifted):
            out.append(byte)  # controls and spaces (line endings) are themselves in every mode
            i += 1
        elif mode == _KANA or shifted:
            out.append(byte + 0x80 if 0x21 <= byte <= 0x5F else byte)
            i += 1
        elif i + 1 >= len(data):
            if not final:
                break
            raise UnicodeDecodeError(NAME, data, i, i + 1, "truncated character")
        else:
            second = data[i + 1]
            if not (0x21 <= byte <= 0x7E and 0x21 <= second <= 0x7E):
                raise UnicodeDecodeError(NAME, data, i, i + 2, "not a JIS X 0208 character")
            out += _sjis(byte, second)
            i += 2
    try:
        return out.decode("cp932", errors)
    except UnicodeDecodeError as exc:
        raise UnicodeDecodeError(NAME, data, 0, len(data), exc.reason) from None


def is_iso2022(data: bytes) -> bool:
    """7-bit text that switches to a Japanese set (kanji, or half-width katakana): never UTF-8, whatever ASCII
    decoding says. A terminal's "ESC ( B" in a pasted log alone switches to nothing."""
    return data.isascii() and (b"\x1b$" in data or b"\x1b(I" in data)
