"""The logs' phone masking asks phonenumbers only about text that could hold a number, and masks exactly what
asking it about every text did: every window the cheap check turns away is one where phonenumbers finds none."""

from __future__ import annotations

import random

import pytest
from phonenumbers import Leniency, PhoneNumberMatcher, phonenumbermatcher, phonenumberutil

from hub.ops import log_redaction
from hub.ops.log_redaction import REGIONS, could_hold_a_number, numbers_in, redact

PHONES = [
    "+86 138 0013 8000", "+8613800138000", "+1 415 555 0100", "+44 20 7946 0958", "＋86 139 1234 5678",
    "138 0013 8000", "138-0013-8000", "13800138000", "15912345678", "18612345678", "19912345678", "17012345678",
    "010-6552 9988", "021 6123 4567", "0755-8888 1234", "(010) 6552-9988", "415-555-0100", "(415) 555-0100",
    "415.555.0100", "1 415 555 0100", "0086 138 0013 8000", "008613800138000", "011 44 20 7946 0958",
    "１３８００１３８０００", "400 810 8888", "800-555-0199",
]  # fmt: skip
# No number, and not even asked about: an access line's status and size, addresses, ids in paths, durations.
TURNED_AWAY = [
    '"GET /api/v1/tickets/12345/replies HTTP/1.1" 200 12345 "-"', '"GET /x HTTP/1.1" 200 104857 "-"',
    '"GET /api/v1/customers/7654321 HTTP/1.1" 404 1234 "-"', "10.20.30.40", "172.16.254.1:8443", "ticket 1234567",
    "took 1234567 ms", "size 2345678 bytes", "version 12.3.4567", "unix time 1764716760 s",
]  # fmt: skip
# No number, though digits there read like the start or the end of one: phonenumbers is asked, and says no.
ASKED_AND_KEPT = [
    '" 201 2345 "-" "Mozilla/5.0"', "192.168.100.123", "order 20261205-0042", "order A1029-7731-0042",
    "9f1c4d2e-0b7a-4c1e-9f00-1234567890ab", "[05/Dec/2026:01:40:00 +0000]", "2026-12-05 01:40:00,123",
]  # fmt: skip
NOT_PHONES = TURNED_AWAY + ASKED_AND_KEPT


def asked(window: str) -> tuple[tuple[int, int], ...]:
    """What phonenumbers itself finds: what the masking asked about every window before."""
    return tuple((m.start, m.end) for r in REGIONS for m in PhoneNumberMatcher(window, r, leniency=Leniency.VALID))


def windows() -> list[str]:
    """People's numbers in every format above, things that are no number, and seeded random stretches of digits
    and separators (many of them valid numbers), each alone and among others."""
    rng = random.Random(23)
    shapes: list[str] = [*PHONES, *NOT_PHONES]
    for _ in range(1500):
        length = rng.randint(7, 18)
        digits = "".join(rng.choice("0123456789") for _ in range(length))
        if rng.random() < 0.5:  # cut into groups as people and programs write them
            cuts = sorted(rng.sample(range(1, length), rng.randint(1, min(4, length - 1))))
            parts = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, length], strict=True)]
            digits = rng.choice([" ", "-", ".", "/", " - "]).join(parts)
        shapes.append(digits)
    contexts = ["", "tel ", "id=", "x", '" ', "/api/", "(", " ms", " GB", "a", "%", ": "]
    mixed = "0123456789" * 4 + '  --./()x[]~１２３:"a'  # what random search once found holes with
    shapes += ["".join(rng.choice(mixed) for _ in range(rng.randint(8, 30))) for _ in range(1500)]
    # An international prefix across punctuation; full-width digits inside a run (both once turned away).
    shapes += ["86 0-041568-389291", '0/022657833１73-)x"]２5765']
    return shapes + [f"{rng.choice(contexts)}{s}{rng.choice(contexts)}" for s in shapes]


def test_a_stretch_holds_every_character_a_candidate_of_phonenumbers_can() -> None:
    """The check's argument rests on this: phonenumbers' punctuation, plus signs and opening brackets."""
    own = phonenumberutil._VALID_PUNCTUATION.replace("\\", "") + phonenumberutil._PLUS_CHARS
    own += phonenumbermatcher._LEAD_CLASS_CHARS.replace("\\", "")
    ranges = [("‐", "―"), ("－", "／")]  # written as ranges there
    chars = set(own) | {chr(c) for lo, hi in ranges for c in range(ord(lo), ord(hi) + 1)} | {"X", "7", "٣"}
    assert all(log_redaction._STRETCH.fullmatch(c) for c in chars), [
        c for c in chars if not log_redaction._STRETCH.fullmatch(c)
    ]


def test_what_the_check_turns_away_holds_no_number() -> None:
    turned_away = 0
    for window in windows():
        if not could_hold_a_number(window):
            turned_away += 1
            assert asked(window) == (), window
    assert turned_away > 300  # it does turn most non-numbers away (and some random digits)


@pytest.mark.parametrize("text", TURNED_AWAY)
def test_sizes_addresses_and_ids_are_not_asked_about(text: str) -> None:
    assert not could_hold_a_number(text)


@pytest.mark.parametrize("text", NOT_PHONES)
def test_order_numbers_ids_and_times_stay(text: str) -> None:
    assert redact(f"at {text}: done") == f"at {text}: done"


@pytest.mark.parametrize("phone", PHONES)
def test_every_way_of_writing_a_number_is_still_masked(phone: str) -> None:
    assert could_hold_a_number(phone)
    line = f'10.20.30.40 "GET /api/v1/customers/{phone} HTTP/1.1" 200 12345 "-"'
    masked = redact(line)
    last_two = [c for c in phone if c.isdecimal()][-2:]
    assert masked == f'10.20.30.40 "GET /api/v1/customers/+…{"".join(last_two)} HTTP/1.1" 200 12345 "-"'


def test_a_window_seen_again_is_not_asked_again() -> None:
    window = '1.1" 200 13800138000 "-" "py'  # a size that reads as a mobile number: masked, once asked
    numbers_in(window)
    hits = numbers_in.cache_info().hits
    assert numbers_in(window) == asked(window) != ()
    assert numbers_in.cache_info().hits == hits + 1
