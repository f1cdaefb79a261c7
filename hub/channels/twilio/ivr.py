"""The IVR as data (config/ivr.toml): languages, greetings by tier, a menu of nodes, the queue's messages."""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MESSAGES = ("hold", "position", "voicemail_offer", "record", "voicemail_thanks", "callback_thanks",
            "not_understood", "connecting", "goodbye")  # fmt: skip
# Said when they apply and the file has them: the voicemail offer without a callback (a withheld number).
OPTIONAL_MESSAGES = ("voicemail_only_offer",)


class IvrError(ValueError):
    def __init__(self, where: str, expected: str) -> None:
        super().__init__(f"{where}: {expected}")


@dataclass(frozen=True, slots=True)
class Language:
    code: str  # "en", "zh": the routing language of calls taken in it
    digit: str
    words: tuple[str, ...]
    voice: str  # Twilio <Say> voice, e.g. Polly.Joanna, Polly.Zhiyu
    speech: str  # <Say> language, e.g. en-US, cmn-CN (Polly's codes)
    choose: str  # "For English, press 1 or say English."
    label: str  # how the choice reads in the ticket: "English", "中文"
    # <Gather>'s speech-recognition language: Twilio's recognizers name Mandarin cmn-Hans-CN, not Polly's cmn-CN
    # (an unknown one is warning 13512 and no speech heard at all).
    listen: str = ""

    @property
    def recognize(self) -> str:
        return self.listen or LISTEN_FOR_SPEECH.get(self.speech, self.speech)


@dataclass(frozen=True, slots=True)
class Option:
    digit: str
    words: Mapping[str, tuple[str, ...]]  # by language
    goto: str


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    label: Mapping[str, str]  # by language: how the path reads in the ticket
    prompt: Mapping[str, str] = field(default_factory=dict)
    options: tuple[Option, ...] = ()
    queue: str | None = None  # a leaf's queue (None: the number's)
    skills: Mapping[str, int] = field(default_factory=dict)  # what a leaf's calls need, e.g. {billing = 2}

    @property
    def leaf(self) -> bool:
        return not self.options


@dataclass(frozen=True, slots=True)
class Ivr:
    languages: tuple[Language, ...]
    greetings: Mapping[str, Mapping[str, str]]  # tier (or "default") -> language -> text
    messages: Mapping[str, Mapping[str, str]]  # name -> language -> text
    nodes: Mapping[str, Node]
    start: str = "main"
    voicemail_after_s: int = 90
    announce_every_s: int = 30
    average_handle_s: int = 240
    record_max_s: int = 120
    no_input_retries: int = 2
    hold_pause_s: int = 4

    def language(self, code: str | None) -> Language:
        return next((lang for lang in self.languages if lang.code == code), self.languages[0])

    def greeting(self, tier: str, code: str) -> str:
        by_tier = self.greetings.get(tier) or self.greetings.get("default") or {}
        return by_tier.get(code, "")

    def has(self, message: str) -> bool:
        return message in self.messages

    def say(self, message: str, code: str, **values: object) -> str:
        return self.messages[message][code].format(**values)


def normalize(text: str) -> str:
    """What a caller said or pressed, comparable: width-folded, lowercased, no spaces or punctuation."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(c for c in folded if c.isalnum())


def choose_language(ivr: Ivr, digits: str, speech: str) -> Language | None:
    said = normalize(speech)
    for lang in ivr.languages:
        if digits == lang.digit or (said and any(normalize(w) in said for w in lang.words)):
            return lang
    return None


def choose_option(node: Node, code: str, digits: str, speech: str) -> Option | None:
    said = normalize(speech)
    for option in node.options:
        if digits and digits == option.digit:
            return option
        if said and any(normalize(w) and normalize(w) in said for w in option.words.get(code, ())):
            return option
    return None


def _texts(raw: Any, where: str, codes: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(isinstance(raw.get(c), str) and raw[c].strip() for c in codes):
        raise IvrError(where, f"a text for each language ({', '.join(codes)})")
    return {c: raw[c] for c in codes}


def _int(raw: Mapping[str, Any], key: str, default: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise IvrError(key, "a positive whole number of seconds")
    return value


# Polly's <Say> codes that Twilio's speech recognition spells otherwise; any other is used as it is.
LISTEN_FOR_SPEECH = {"cmn-CN": "cmn-Hans-CN", "yue-CN": "yue-Hant-HK", "zh-CN": "cmn-Hans-CN"}


def parse_ivr(raw: Mapping[str, Any]) -> Ivr:
    languages = []
    for code, spec in (raw.get("languages") or {}).items():
        where = f"languages.{code}"
        required = ("digit", "voice", "speech", "choose")
        if not isinstance(spec, Mapping) or not all(isinstance(spec.get(k), str) for k in required):
            raise IvrError(where, "a table with digit, words, voice, speech and choose")
        if not isinstance(spec.get("listen", ""), str):
            raise IvrError(f"{where}.listen", "a speech-recognition language such as cmn-Hans-CN")
        languages.append(Language(code, spec["digit"], tuple(map(str, spec.get("words", []))), spec["voice"],
                                  spec["speech"], spec["choose"], str(spec.get("label", code)),
                                  spec.get("listen", "")))  # fmt: skip
    if not languages:
        raise IvrError("languages", "at least one [languages.<code>] table")
    codes = tuple(lang.code for lang in languages)
    greetings = {tier: _texts(t, f"greetings.{tier}", codes) for tier, t in (raw.get("greetings") or {}).items()}
    if "default" not in greetings:
        raise IvrError("greetings.default", "a greeting for callers of every tier")
    given = raw.get("messages") or {}
    messages = {name: _texts(given.get(name), f"messages.{name}", codes) for name in MESSAGES}
    messages |= {name: _texts(given[name], f"messages.{name}", codes) for name in OPTIONAL_MESSAGES if name in given}
    nodes: dict[str, Node] = {}
    for name, spec in (raw.get("nodes") or {}).items():
        where = f"nodes.{name}"
        if not isinstance(spec, Mapping):
            raise IvrError(where, "a table")
        options = []
        for i, opt in enumerate(spec.get("options") or []):
            if not isinstance(opt, Mapping) or not all(isinstance(opt.get(k), str) for k in ("digit", "goto")):
                raise IvrError(f"{where}.options[{i}]", "a table with digit, goto and words")
            words = opt.get("words") or {}
            if not isinstance(words, Mapping):
                raise IvrError(f"{where}.options[{i}].words", "words by language, e.g. { en = [...], zh = [...] }")
            options.append(Option(opt["digit"], {c: tuple(map(str, words.get(c, []))) for c in codes}, opt["goto"]))
        digits = [o.digit for o in options]
        if len(set(digits)) != len(digits):
            raise IvrError(where, "each option with its own digit")
        label = _texts(spec.get("label") or dict.fromkeys(codes, name), f"{where}.label", codes)
        prompt = _texts(spec.get("prompt"), f"{where}.prompt", codes) if options else {}
        queue = spec.get("queue")
        if queue is not None and not isinstance(queue, str):
            raise IvrError(f"{where}.queue", "a queue name")
        skills = spec.get("skills") or {}
        if not isinstance(skills, Mapping) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in skills.values()
        ):
            raise IvrError(f"{where}.skills", "skills with levels 1-5, e.g. { billing = 2 }")
        nodes[name] = Node(name, label, prompt, tuple(options), queue, dict(skills))
    start = raw.get("start", "main")
    if start not in nodes:
        raise IvrError("start", f"the name of a node ({start!r} is not one)")
    for node in nodes.values():
        for option in node.options:
            if option.goto not in nodes:
                raise IvrError(f"nodes.{node.name}", f"option {option.digit} goes to {option.goto!r}, which is no node")
    return Ivr(
        languages=tuple(languages),
        greetings=greetings,
        messages=messages,
        nodes=nodes,
        start=start,
        voicemail_after_s=_int(raw, "voicemail_after_s", 90),
        announce_every_s=_int(raw, "announce_every_s", 30),
        average_handle_s=_int(raw, "average_handle_s", 240),
        record_max_s=_int(raw, "record_max_s", 120),
        no_input_retries=_int(raw, "no_input_retries", 2),
        hold_pause_s=_int(raw, "hold_pause_s", 4),
    )


def load_ivr(path: Path) -> Ivr:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IvrError(str(path), "an IVR file (see config/ivr.toml)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IvrError(str(path), f"valid UTF-8 TOML ({exc})") from None
    try:
        return parse_ivr(raw)
    except IvrError as exc:
        raise IvrError(str(path), str(exc)) from None
