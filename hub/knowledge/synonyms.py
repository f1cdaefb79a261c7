"""A service thesaurus: the everyday words customers use for what support articles call by their own name.

Customers rarely write an article's words: "my money back" for refund, "the vase was in pieces" for
damaged, "got kicked out" for locked, 钱咋还没回来 for 退款. Each group below is one concept of online
retail support; a question word or phrase from a group also searches the group's other members (the ones
some article contains) at SYNONYM_WEIGHT, below the words the customer actually wrote. English entries are
matched as stems; phrases and Chinese entries as substrings of the lower-cased question (jieba may cut a
customer's wording differently from the article's).
"""

from __future__ import annotations

import re
from collections.abc import Container, Mapping
from functools import lru_cache

SYNONYM_WEIGHT = 0.6
# One concept a line: members separated by "|". Multi-word English entries are phrases.
_GROUPS = (
    "refund|reimburse|money back|cash back|paid back|repay|退款|退钱|钱退|返还|退回来|回款",
    "ship|dispatch|sent out|send out|left the warehouse|leave the warehouse|发货|寄出|发出|出库|发走",
    "parcel|package|box|shipment|包裹|快递|箱子",
    "damaged|broken|shattered|smashed|crushed|cracked|in pieces|dented|破损|损坏|碎|裂|摔坏|压坏|坏了",
    "return|send back|send it back|send them back|bring back|take back|退货|退回|寄回|退回去",
    "exchange|swap|replace|replacement|换货|调换|换大|换小",
    "password|passcode|credentials|secret|login code|密码|口令",
    "login|log in|sign in|signin|登录|登陆|登入",
    "locked|frozen|blocked|suspended|kicked out|lock|锁定|冻结|封号|登不上|登不进去",
    "delete|erase|wipe|remove|注销|删除|删掉|销户|销号",
    "cancel|call off|undo|changed my mind|don't want|do not want|取消|撤销|撤回|撤单|不要了",
    "track|tracking|where is my|where's my|物流|运单|到哪",
    "charged|billed|debited|took my money|taken my money|扣款|扣钱|扣了|多扣",
    "twice|two times|double|duplicate|两次|两笔|重复",
    "fee|cost|costs|extra|postage|运费|邮费",
    "free delivery|free shipping|free postage|包邮|免运费|免邮|不收运费",
    "address|destination|new place|moved|flat|apartment|地址|收货地址|搬家",
    "phone|mobile|cell|手机号|手机号码|电话号码",
    "coupon|voucher|promo code|discount code|优惠券|优惠卷|券|折扣码|红包",
    "crash|crashes|freezes|froze|quits|closes by itself|shuts down|keeps closing|"
    "闪退|崩溃|卡死|自己退出|退回桌面|自己关了|打不开",
    "membership|member|tier|level|perks|benefits|会员|等级|权益|特权",
    "hours|what time|opening hours|online|几点|上班|下班|工作时间|在线",
    "invoice|receipt|billing document|tax number|vat|发票|开票|报销|收据|税号",
    "payment|pay|checkout|paying|支付|付款|付钱",
    "failed|declined|rejected|won't go through|doesn't go through|not going through|失败|不成功|付不了|付不出去",
    "gift card|giftcard|gift voucher|礼品卡|购物卡|卡密",
    "balance|left on|remaining|余额|剩多少",
    "price drop|cheaper|on sale|for less|price went down|price cut|marked down|price difference|"
    "降价|便宜|差价|买贵|价保|降了",
    "missing|only got|only received|incomplete|少件|漏发|少了|只收到",
    "international|overseas|abroad|another country|outside china|customs|import duties|海外|国外|境外|港澳台|清关|关税",
    "points|reward points|积分",
    "warranty|guarantee|repair|stopped working|not working|no longer works|won't turn on|faulty|"
    "保修|维修|免费修|能修|修好|修一下|质保|开不了机",
    "unsubscribe|opt out|spam|spamming|promo|promotions|promotional|marketing|newsletter|退订|营销|促销|推送|广告",
    "customer service|agent|agents|support|客服|人工",
    "expire|expires|expired|expiry|run out|runs out|valid until|过期|到期|失效|有效期",
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], list[tuple[str, tuple[str, ...]]]]:
    """Single terms -> the group's index terms; phrases (several English words) -> the same."""
    from hub.knowledge.terms import stem

    by_term: dict[str, list[str]] = {}
    phrases: list[tuple[str, tuple[str, ...]]] = []
    for line in _GROUPS:
        members = line.split("|")
        terms: list[str] = []
        for m in members:
            words = _WORD.findall(m.replace("'", ""))
            if _CJK.search(m):
                terms.append(m)
            elif len(words) == 1:
                terms.append(stem(words[0]))
            else:
                terms.extend(stem(w) for w in words)  # a phrase also offers its own words
        group = tuple(dict.fromkeys(terms))
        for m in members:
            words = _WORD.findall(m.replace("'", ""))
            if len(words) == 1 and not _CJK.search(m):
                by_term.setdefault(stem(words[0]), []).extend(group)
            else:  # Chinese is matched in the text: jieba may cut the customer's wording differently
                phrases.append((m.replace("'", ""), group))
    return {k: tuple(dict.fromkeys(v)) for k, v in by_term.items()}, phrases


def related(query: str, weights: Mapping[str, float], postings: Container[str]) -> tuple[dict[str, float], int]:
    """The indexed terms the question's words and phrases stand for, at SYNONYM_WEIGHT of the word's weight
    (a question word no article uses but the thesaurus understands comes back with weight 0: to be
    dropped), and how many of the thesaurus' concepts the question touches: customers asking about the
    service use its concepts, one asking about something else mostly does not."""
    by_term, phrases = _tables()
    out: dict[str, float] = {}
    concepts: set[tuple[str, ...]] = set()

    def offer(group: tuple[str, ...], weight: float) -> None:
        if any(term in postings for term in group):  # a concept the articles speak of
            concepts.add(group)
        for term in group:
            if term in postings and weight * SYNONYM_WEIGHT > out.get(term, 0.0):
                out[term] = weight * SYNONYM_WEIGHT

    for term, weight in weights.items():
        if weight >= 0.5 and term in by_term:
            offer(by_term[term], weight)
            if term not in postings and any(t in postings for t in by_term[term]):
                out[term] = 0.0  # a word no article uses, understood: it no longer counts as unknown
    text = query.lower().replace("'", "").replace("’", "")
    for phrase, group in phrases:
        if phrase in text:
            offer(group, 1.0)
    return out, len(concepts)


def stands_for(term: str, text: str) -> tuple[str, ...]:
    """The thesaurus members a question term stands for in this question: its own concept (an English
    stem), the concept of a phrase of the question it is part of, or of a Chinese entry it is part of.
    Empty when the thesaurus does not know it."""
    by_term, phrases = _tables()
    out: list[str] = list(by_term.get(term, ()))
    cjk = bool(_CJK.search(term))
    for phrase, group in phrases:
        if cjk:
            if term == phrase or (term in phrase and len(term) > 1):
                out.extend(group)
        elif " " in phrase and term in group and phrase in text:
            out.extend(group)
    return tuple(dict.fromkeys(out))


def entries_in(word: str) -> list[tuple[str, tuple[str, ...]]]:
    """The Chinese thesaurus entries a longer word contains (付款 in 分期付款), with their concept."""
    _by_term, phrases = _tables()
    return [(p, group) for p, group in phrases if p != word and p in word and _CJK.search(p)]
