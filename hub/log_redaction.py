"""Personal data never reaches the logs: e-mail addresses and phone numbers are masked in every record."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}")
# International numbers as written (+86 138 0013 8000, +1 (555) 000-1111), or a bare run of 10-15 digits.
_PHONE = re.compile(r"\+\d[\d ()-]{6,}(\d{2})\b|(?<![\w.])\d{8,13}(\d{2})(?![\w.])")


def redact(text: str) -> str:
    """'li.na@example.cn' -> 'l…@…', '+8613800138000' -> '+…00' (enough to tell two apart in a trace)."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}…@…", text)
    return _PHONE.sub(lambda m: f"+…{m.group(1) or m.group(2)}", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """On every handler of the root logger (the CLI calls this once logging is configured)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
