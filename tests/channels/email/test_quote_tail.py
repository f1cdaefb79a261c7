"""A reply's trailing "> " history is found by reading back from the end of the text, with the text lowered
once for the quote and forward readers: the same split as the line-by-line reading it replaced."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.channels.email import forwards, quotes
from hub.channels.email.parse import parse_mail

BOUNDED = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
LINES = st.sampled_from([
    "> earlier words", ">", "> > nested", " > not quoted (space first)", "", " ", "\t", "\r", "您好，订单 8812",
    "On Tue, 1 Dec 2026, Li Na wrote:", "-----Original Message-----", "From: Li Na\nSent: Tuesday", "new words",
    "---------- Forwarded message ---------", "ſ", "İ",
])  # fmt: skip
TEXTS = st.lists(st.one_of(LINES, st.text(max_size=8)), max_size=14).map("\n".join)


def line_by_line(text: str) -> tuple[str, str]:
    """split_quoted as it read the trailing "> " lines: the whole text split into lines."""
    cut = len(text)
    for marker, _needs in quotes._MARKERS:
        m = marker.search(text)
        if m and m.start() < cut and text[: m.start()].strip():
            cut = m.start()
    new, quoted = text[:cut], text[cut:]
    lines = new.rstrip().split("\n")
    tail = len(lines)
    while tail > 0 and (lines[tail - 1].startswith(">") or not lines[tail - 1].strip()):
        tail -= 1
    if tail < len(lines) and any(line.startswith(">") for line in lines[tail:]) and tail > 0:
        quoted = "\n".join(lines[tail:]) + ("\n" + quoted if quoted else "")
        new = "\n".join(lines[:tail])
    return new.strip(), quoted.strip()


@BOUNDED
@given(text=TEXTS)
def test_the_split_is_the_line_by_line_one(text: str) -> None:
    assert quotes.split_quoted(text) == line_by_line(text)
    assert quotes.split_quoted(text, text.lower()) == line_by_line(text)
    assert forwards.find_inline(text, "Fwd: x", text.lower()) == forwards.find_inline(text, "Fwd: x")


def test_a_reply_keeps_its_words_and_its_quoted_tail() -> None:
    text = "Thanks, that worked.\n\n> On Monday you wrote:\n> try again\n>\n"
    assert quotes.split_quoted(text) == ("Thanks, that worked.", "> On Monday you wrote:\n> try again\n>")
    assert quotes.split_quoted("> only quoted\n> lines") == ("> only quoted\n> lines", "")
    assert quotes.split_quoted("") == ("", "")


def test_a_long_mail_with_a_quoted_tail_is_read_as_before() -> None:
    body = "订单 8812 没有到。\r\n" * 10_000 + "\r\n> earlier mail\r\n> more\r\n"
    raw = ("From: a@example.com\r\nSubject: order\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()
    mail = parse_mail(raw)
    assert (mail.text, mail.quoted) == line_by_line(body.replace("\r\n", "\n").strip())
    assert mail.quoted == "> earlier mail\n> more"
