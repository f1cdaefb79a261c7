"""Personal data and secrets never reach the logs: e-mail addresses, phone numbers, passwords in URLs and SQL
parameters are masked in every record, its traceback included, whatever the format."""

from __future__ import annotations

import functools
import itertools
import logging
import re
import unicodedata

from phonenumbers import Leniency, PhoneMetadata, PhoneNumberMatcher
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from hub.db.urls import hide_credentials as hide_credentials  # one of the redactions, for callers here too

# Any case, any script (李娜@例子.中国), a full-width at sign, or URL-encoded (%40) in a query string.
_EMAIL = re.compile(r"([\w.%+-])[\w.%+-]*(?:@|＠|%40)(?:[\w-]+\.)+[^\W\d_]{2,}")
# International numbers as written (+86 138 0013 8000, +1 (555) 000-1111). A bare run of digits is left to
# phonenumbers below: 13800138000 is a number, a Unix time (1764716760) or an order id is not.
_PHONE = re.compile(r"[+＋]\d[\d ()-]{6,}(\d{2})\b")
# Stretches that could be a number written for people (138-0013-8000, (415) 555-0100, 0086 138..., full-width
# digits: \d is any decimal digit); phonenumbers decides which of them are real numbers.
_CANDIDATE = re.compile(r"[+＋(（]?\d[\d \-.()（）－‐]{5,24}\d")
# Where people's numbers come from: the Chinese and the North American numbering plans (national formats);
# numbers written with their country code are found in any plan.
REGIONS = ("CN", "US")
# phonenumbers' own rule (PhoneNumberMatcher: _TIME_STAMPS and its suffix): a date and an hour followed by
# ":minutes" is a time stamp, never a number. Every text log line starts with one (its asctime), so it is
# skipped here before the matcher is asked, twice, for nothing.
_TIME_STAMP = re.compile(r"[12]\d{3}[-/]?[01]\d[-/]?[0-3]\d +[0-2]\d")
_TIME_STAMP_SUFFIX = re.compile(r":[0-5]\d")
# SQLAlchemy puts a failed statement's parameters (a customer's name, address, message) into its message.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*\n|\s*\(Background|\s*$)", re.DOTALL)


# A record's attribute (set by its writer, e.g. the access log) that says its message was put together from
# already masked parts: neither the filter nor the formatter masks it again.
CLEAN = "hub_redacted"


def _mask_phones(text: str) -> str:
    if "+" in text or "＋" in text:
        text = _PHONE.sub(lambda m: f"+…{m.group(1)}", text)
    if not _CANDIDATE.search(text):
        return text  # most lines: no need to ask phonenumbers
    spans: list[tuple[int, int]] = []
    for candidate in _CANDIDATE.finditer(text):
        if sum(c.isdigit() for c in candidate.group()) < 7:
            continue
        if _TIME_STAMP.fullmatch(candidate.group()) and _TIME_STAMP_SUFFIX.match(text, candidate.end()):
            continue
        # With a little of what surrounds it: phonenumbers reads the context (a date followed by a time is none).
        lo = max(0, candidate.start() - 8)
        spans += [(lo + start, lo + end) for start, end in numbers_in(text[lo : candidate.end() + 8])]
    merged: list[list[int]] = []
    for start, end in sorted(spans):  # one number found in both plans, or found twice: masked once
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        # phonenumbers may count a space before the number as its own ("/ 13800138000"): the space stays.
        while start < end and text[start].isspace():
            start += 1
        digits = "".join(c for c in text[start:end] if c.isdigit())
        text = f"{text[:start]}+…{digits[-2:]}{text[end:]}"
    return text


_RUN = re.compile(r"\d+")
# What one candidate of phonenumbers' can hold: digits, plus signs, brackets and its punctuation, "x" included
# (a superset of its own: tests/ops/test_log_phone_check.py). Anything else ends the stretch it reads as one.
_STRETCH = re.compile(r"[\d+＋(\[（［)）］\]\-xX‐-―−ー－-／ \xa0\xad\u200b\u2060\u3000./~⁓∼～]+")
_NUMBER_TYPES = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number", "voip",
                 "pager", "uan", "voicemail")  # fmt: skip


@functools.cache
def _national_numbers() -> tuple[tuple[int, re.Pattern[str]], ...]:
    """Each length a valid national number of China or of a North American plan can have, with the patterns of
    the number types of that length (phonenumbers' own metadata, every type)."""
    regions = ("CN", *COUNTRY_CODE_TO_REGION_CODE[1])
    by_length: dict[int, list[str]] = {}
    for metadata in filter(None, (PhoneMetadata.metadata_for_region(region) for region in regions)):
        for desc in filter(None, (getattr(metadata, kind) for kind in _NUMBER_TYPES)):
            # A type that names no lengths has its plan's (as phonenumbers reads it), or any.
            general = metadata.general_desc.possible_length if metadata.general_desc else ()
            lengths = desc.possible_length or general or range(1, 18)
            for length in lengths if desc.national_number_pattern else ():
                by_length.setdefault(length, []).append(f"(?:{desc.national_number_pattern})")
    return tuple((length, re.compile("|".join(dict.fromkeys(p)))) for length, p in sorted(by_length.items()))


def could_hold_a_number(window: str) -> bool:
    """False only where phonenumbers cannot find a valid number (Leniency.VALID, either plan), decided without
    asking it: most texts with 7 digits or more are no number (a status and a size `200 12345`, an address, an
    id), and asking costs tens of times more. Why it is safe: phonenumbers reads a number from one stretch of
    digits and punctuation. Without a plus sign or an international prefix there (00 for China, 011 for North
    America, where a candidate's digits start: at the start of a run), it reads it in China's plan or North
    America's, after taking off at most a prefix (86 or 1, 0 or 1, a carrier code): what it validates is the
    stretch's digits from somewhere up to the end of a run (a candidate ends there), which must then match one
    of the plans' number patterns, here tried at the end of every run."""
    for stretch in _STRETCH.findall(window):
        if "+" in stretch or "＋" in stretch:
            return True
        runs = _RUN.findall(stretch)
        # Past 21 blocks of up to 20 digits, phonenumbers' candidate pattern may start or end inside a run.
        if len(runs) > 20:
            return True
        runs = [run if run.isascii() else "".join(str(unicodedata.decimal(c)) for c in run) for run in runs]
        digits, ends = "".join(runs), list(itertools.accumulate(map(len, runs)))
        for start, end in zip([0, *ends], ends, strict=False):
            # An international prefix is read from the digits alone, across punctuation ("0-086 ...").
            if digits.startswith(("00", "011"), start) or end - start > 20:
                return True
            if any(length <= end and p.fullmatch(digits, end - length, end) for length, p in _national_numbers()):
                return True
    return False


@functools.lru_cache(maxsize=4096)  # windows are under 50 characters: at most ~1 MB
def numbers_in(window: str) -> tuple[tuple[int, int], ...]:
    """Where phonenumbers finds numbers in a window of text, in either plan. Its answer depends on the window
    alone, and windows come back line after line (a client's address, a size): each is asked about once."""
    if not could_hold_a_number(window):
        return ()
    return tuple(
        (m.start, m.end) for region in REGIONS for m in PhoneNumberMatcher(window, region, leniency=Leniency.VALID)
    )


def redact(text: str) -> str:
    """'li.na@example.cn' -> 'l…@…', '+8613800138000' or '138-0013-8000' -> '+…00' (enough to tell two apart
    in a trace); URL passwords and SQL parameters hidden."""
    # Each pattern runs only when the text holds what it cannot match without (most lines hold none of them):
    # a substring test costs far less than a regex's scan.
    if "[parameters: " in text:
        text = _SQL_PARAMETERS.sub("[parameters: hidden]", text)
    if "://" in text:
        text = hide_credentials(text)
    if "@" in text or "＠" in text or "%40" in text:
        text = _EMAIL.sub(lambda m: f"{m.group(1)}…@…", text)
    return _mask_phones(text)


class RedactingFilter(logging.Filter):
    """The record itself is cleaned (message, traceback text, stack), so every handler and formatter, ours or
    a library's, sees only the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, CLEAN, False):
            message = record.getMessage()
            cleaned = redact(message)
            if cleaned != message:
                record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingFormatter(logging.Formatter):
    """Wraps a handler's formatter: whatever it writes (plain text, JSON, extra fields) is masked last."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        if getattr(record, CLEAN, False) and not record.exc_text and not record.stack_info:
            # Put together from masked parts (the access log, its extra fields too): the rest of the line is the
            # server's own (time, level, logger), and a second pass over it cost a third of the line.
            return line
        return redact(line)


def install() -> None:
    """On every handler of the root logger (the CLI calls this once logging and its format are configured)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
        if not isinstance(handler.formatter, RedactingFormatter):
            handler.setFormatter(RedactingFormatter(handler.formatter))
