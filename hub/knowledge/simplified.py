"""Traditional Chinese read as simplified for search: 怎麼註銷帳號 is searched as 怎么注销帐号."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opencc import OpenCC

_CJK_RUNS = re.compile(r"[\u3400-\u9fff]+")


def simplified(text: str) -> str:
    """The text with traditional characters (and Taiwan's words: 軟體 is 软件) in their simplified form; any other
    text as it is, without loading the converter (GB 2312 holds the simplified characters in common use and
    hardly a traditional-only one, so a text it encodes has nothing to convert)."""
    if text.isascii():
        return text
    try:
        "".join(_CJK_RUNS.findall(text)).encode("gb2312")
    except UnicodeEncodeError:
        return str(_converter().convert(text))
    return text


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    # OpenCC's tables cost ~5 MB: loaded with the first traditional text, not by every hub (15 ms, once).
    import opencc

    return opencc.OpenCC("tw2sp")
