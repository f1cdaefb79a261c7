"""Query expansion: misspelt English words to the nearest indexed word, and mixed-language questions across.

Customers misspell ("pasword", "cancle") and write half in Chinese, half in English ("订单可以cancel吗").
A word no article contains is replaced by the closest word of the same first letter that some article
does contain (rapidfuzz ratio >= TYPO_CUTOFF); a question mixing both scripts also gets the other
language's words for the service terms it uses, from a small glossary, at a lower weight.
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from hub.knowledge.synonyms import thesaurus_words

TYPO_CUTOFF = 80.0
TYPO_WEIGHT = 0.8
LONG_WORD = 7  # from this length a typo may be two edits away ("trackng")
GLOSSARY_WEIGHT = 0.7
# Service words customers mix into the other language; the English side as stems (hub.knowledge.terms).
_GLOSSARY = (
    "refund=退款|退钱",
    "return=退货|退回",
    "exchange=换货",
    "cancel=取消|撤销",
    "order=订单",
    "ship=发货",
    "deliveri=配送|快递|送货",
    "track=物流|快递",
    "parcel=包裹|快递",
    "address=地址",
    "invoic=发票",
    "receipt=发票|收据",
    "payment=支付|付款",
    "pay=支付|付款",
    "fail=失败",
    "card=银行卡",
    "declin=拒绝",
    "password=密码",
    "login=登录",
    "account=账号|账户",
    "lock=锁定",
    "phone=手机号|手机",
    "number=号码",
    "coupon=优惠券",
    "discount=折扣|优惠",
    "voucher=优惠券",
    "app=app|应用",
    "crash=闪退|崩溃",
    "member=会员",
    "membership=会员",
    "vip=会员",
    "delet=注销|删除",
    "privaci=隐私",
    "hour=时间",
    "servic=客服",
    "charg=扣款|收费",
    "twice=两次",
    "gift=礼品卡",
    "price=价格|降价",
    "miss=少件|漏发",
    "free=包邮",
    "fee=运费",
    "overseas=海外",
    "abroad=海外|国外",
    "intern=国际",
    "point=积分",
    "warranti=保修",
    "repair=维修",
    "broken=破损|坏",
    "damag=破损|损坏",
    "unsubscrib=退订",
    "spam=广告|推送",
)


def _load() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for line in _GLOSSARY:
        en, zh = line.split("=")
        words = zh.split("|")
        table.setdefault(en, []).extend(words)
        for word in words:
            table.setdefault(word, []).append(en)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


_TABLE = _load()


def _latin(term: str) -> bool:
    return term.isascii() and not term.startswith("py:")


class Expander:
    """Holds the index's English words by first letter, rebuilt after an edit adds a word."""

    def __init__(self) -> None:
        self._by_letter: dict[str, list[str]] | None = None
        self._fixed: dict[str, str | None] = {}

    def forget(self) -> None:
        self._by_letter = None
        self._fixed.clear()

    def nearest(self, term: str, postings: Mapping[str, object]) -> str | None:
        """The indexed word a misspelt English word (four letters or more, none of them digits) stands for."""
        if term in postings or len(term) < 4 or not _latin(term) or term.isdigit() or term in thesaurus_words():
            return None
        return self._nearest(term, postings)

    def _nearest(self, term: str, postings: Mapping[str, object]) -> str | None:
        if term in self._fixed:
            return self._fixed[term]
        if self._by_letter is None:
            self._by_letter = {}
            # The thesaurus' words too: "guarentee" is a typo of "guarantee", which no article has but the
            # thesaurus understands (warranty), as it would the word spelt right.
            for word in dict.fromkeys((*postings, *thesaurus_words())):
                if _latin(word) and len(word) >= 3:
                    self._by_letter.setdefault(word[0], []).append(word)
        near = process.extract(term, self._by_letter.get(term[0], []), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        # A typo is an edit or two away ("pasword", "reciev"); a real word the articles lack is further from
        # the indexed word that happens to hold its letters ("make" in "market", "friend" in "find").
        edits = 1 if len(term) < LONG_WORD else 2
        fixed = next((word for word, _score, _i in near if OSA.distance(term, word) <= edits), None)
        if len(self._fixed) < 10_000:
            self._fixed[term] = fixed
        return fixed

    def expand(self, weights: dict[str, float], postings: Mapping[str, object]) -> dict[str, float]:
        """Misspelt words replaced by their nearest indexed word; pinyin pairs no article has dropped
        (they are guesses, not words the customer wrote)."""
        out: dict[str, float] = {}
        for term, weight in weights.items():
            if term in postings:
                out[term] = max(out.get(term, 0.0), weight)
            elif term.startswith("py:") or (len(term) == 1 and not term.isascii()):
                continue  # a helper no article has says nothing
            elif _latin(term) and len(term) >= 4 and not term.isdigit() and term not in thesaurus_words():
                fixed = self._nearest(term, postings)
                if fixed is None:
                    out[term] = weight
                else:
                    if fixed not in postings:  # a thesaurus word: the word as written may still be its base's
                        out[term] = weight
                    out[fixed] = max(out.get(fixed, 0.0), weight * TYPO_WEIGHT)
            else:
                out[term] = weight
        mixed = any(_latin(t) for t in out) and any(not t.isascii() for t in out)
        if mixed:
            for term, weight in list(out.items()):
                for other in _TABLE.get(term, ()):
                    if other in postings:
                        out[other] = max(out.get(other, 0.0), weight * GLOSSARY_WEIGHT)
        return out
