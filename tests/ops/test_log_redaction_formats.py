"""Phones as people write them are masked in the logs; dates, times, ids, amounts and versions are left alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.ops.log_redaction import redact

WRITTEN = ["138-0013-8000", "(415) 555-0100", "+86 138 0013 8000", "415.555.0100", "+1 415 555 0100",
           "138 0013 8000", "+86-138-0013-8000", "（415）555-0100"]  # fmt: skip
NOT_PHONES = [
    "2026-12-02", "2026-12-02 23:06:00", "2026-12-02T23:06:00.123456+00:00", "23:06:00.5", "02/12/2026",
    "ticket 123456 updated", "message 9876543", "order 20261202-0001", "took 1234567 ms", "amount 1234567.89 CNY",
    "total 12,345,678.90", "¥ 4,155,550.10", "version 4.32.5", "127.0.0.1:8080", "192.168.100.200",
    "ids [1234, 5678, 9012]", "unix time 1764716760", "9f1c4d2e-0b7a-4c1e-9f00-1234567890ab", "page 3 of 12",
]  # fmt: skip


@pytest.mark.parametrize("phone", WRITTEN)
def test_phones_as_written_are_masked(phone: str) -> None:
    line = f"sms from {phone} to queue billing"
    masked = redact(line)
    assert masked.startswith("sms from +…") and masked.endswith(" to queue billing"), masked
    assert "0013" not in masked and "555" not in masked


@pytest.mark.parametrize("text", NOT_PHONES)
def test_dates_times_ids_and_amounts_are_left_alone(text: str) -> None:
    assert redact(f"at {text}: done") == f"at {text}: done"


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    phone=st.sampled_from(WRITTEN),
    before=st.sampled_from(NOT_PHONES),
    after=st.sampled_from(NOT_PHONES),
    # Between words: digits run together with only a space between them are one number to phonenumbers too.
    joiner=st.sampled_from([" and ", ", call ", "; tel. ", " / phone ", " | "]),
)
def test_a_phone_among_other_numbers_goes_and_they_stay(phone: str, before: str, after: str, joiner: str) -> None:
    masked = redact(joiner.join([before, phone, after]))
    assert masked.startswith(before) and masked.endswith(after), masked
    assert phone not in masked
