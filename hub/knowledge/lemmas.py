"""English word forms a stemmer cannot join: irregular verbs ("sent", "wore", "bought") and British spellings.

The snowball stemmer cuts suffixes: "refunded" and "refunding" meet "refund", but "sent" never meets
"send", "undone" never meets "undo", and "colour" never meets "color". A customer writes "I never wore
them" to an article that says "unworn" or "send back"; the ranker sees two different words. Each form
below is mapped to its base before stemming, on both sides (articles and questions), so the index and the
question agree whatever form either uses. Forms that are also other words with another meaning are left
out: "left" (left on the card), "frozen" (an account) against "froze" (an app), "found", "saw", "lay".
"""

from __future__ import annotations

# base: its irregular forms. Only verbs a customer of a shop or a service uses about an order, an account,
# a payment or a thing bought.
_IRREGULAR = {
    "bring": "brought",
    "buy": "bought",
    "break": "broke",
    "choose": "chose chosen",
    "come": "came",
    "undo": "undone undid",
    "drive": "drove driven",
    "fall": "fell fallen",
    "forget": "forgot forgotten",
    "get": "got gotten",
    "give": "gave given",
    "go": "went gone",
    "hold": "held",
    "keep": "kept",
    "know": "knew known",
    "lose": "lost",
    "make": "made",
    "mean": "meant",
    "ring": "rang rung",
    "run": "ran",
    "send": "sent",
    "resend": "resent",
    "sell": "sold",
    "spend": "spent",
    "steal": "stole stolen",
    "take": "took taken",
    "teach": "taught",
    "tear": "tore torn",
    "tell": "told",
    "think": "thought",
    "throw": "threw thrown",
    "wear": "wore worn",
    "write": "wrote written",
    "withdraw": "withdrew withdrawn",
}
# American spelling for British (and a few everyday variants), before stemming.
_SPELLING = {
    "color": "colour colours",
    "favorite": "favourite favourites",
    "center": "centre centres",
    "catalog": "catalogue catalogues",
    "license": "licence licences",
    "jewelry": "jewellery",
    "aluminum": "aluminium",
    "tire": "tyre tyres",
    "gray": "grey",
    "check": "cheque cheques",
    "program": "programme programmes",
    "organize": "organise organised organising",
    "authorize": "authorise authorised authorising",
    "authorization": "authorisation",
    "realize": "realise realised",
    "recognize": "recognise recognised",
    "apologize": "apologise apologised",
    "customize": "customise customised",
    "personalize": "personalise personalised",
    "finalize": "finalise finalised",
}


def _load() -> dict[str, str]:
    out: dict[str, str] = {}
    for table in (_IRREGULAR, _SPELLING):
        for base, forms in table.items():
            for form in forms.split():
                if form != base:
                    out[form] = base
    return out


_BASE = _load()


def lemma(word: str) -> str:
    """The base a lower-cased English word stands for ("sent" -> "send", "colour" -> "color"); else itself."""
    return _BASE.get(word, word)
