"""The fast scans of untrusted text give what their plain definitions give: control characters, the text's locale."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.envelopes import storable_text
from hub.knowledge.text import guess_locale

# ASCII (controls included), Chinese, Chinese punctuation, kana, hangul, accented letters, digits and numbers that
# are not letters (², ½, 〇), characters outside the BMP and lone surrogates (mail decoded with surrogateescape), and
# code points in the Chinese ranges that are no letters (Yijing hexagrams, unassigned compatibility ideographs).
_ALPHABET = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x7F),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
    st.sampled_from("，。！？、（）《》０１ａＡ〇²½éßÄあアカ한국ñ\U00020000\U0001f600\ud800\udc80\u3000\x85\u2028"),
    st.sampled_from("\u4dc0\u4dff\ufa6e\ufada\ufaff\u3400\u9fa5\uf900"),
)
_TEXTS = st.text(alphabet=_ALPHABET, max_size=80)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _locale_by_definition(text: str) -> str:
    cjk = len(re.findall(r"[\u3400-\u9fff\uf900-\ufaff]", text))
    letters = sum(1 for ch in text if ch.isalpha())
    return "zh-CN" if letters and cjk / letters >= 0.2 else "en"


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_storable_text_drops_exactly_the_control_characters(text: str) -> None:
    assert storable_text(text) == _CONTROLS.sub("", text)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_guess_locale_counts_letters_as_str_isalpha_does(text: str) -> None:
    assert guess_locale(text) == _locale_by_definition(text)


def test_long_texts_and_the_usual_cases() -> None:
    mixed = "您好，我的订单有问题。Please help with my order number 8812.\r\n" * 100
    assert guess_locale(mixed) == "zh-CN" and guess_locale("where is my parcel") == "en"
    assert guess_locale("Ça va très bien, 谢谢") == "en" and guess_locale("") == "en"
    assert storable_text(mixed) is mixed and storable_text("a\x00b\x1fc\td\n") == "abc\td\n"


def test_chinese_range_symbols_count_as_chinese_but_not_as_letters() -> None:
    """A hexagram (U+4DC0) is in the Chinese range but is no letter: alone it is no text to guess from, and beside
    five letters it makes one Chinese character in five letters, a fifth."""
    assert guess_locale("\u4dc0") == guess_locale("\ufada") == "en"
    assert guess_locale("\u4dc0abcde") == "zh-CN" and guess_locale("\u4dc0abcdef") == "en"
