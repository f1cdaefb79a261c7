"""A caller's answer to one menu question: what it chooses, and the step kept on the call's record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.channels.twilio.ivr import Ivr, Language, Node, choose_language, choose_option

LANGUAGE_MENU = "language"
# Twilio's <Gather> ends on its finishOnKey (# unless set otherwise); some set-ups send the key along in Digits.
FINISH_KEYS = "#"
# A step's result: the caller chose; said or pressed something that is no option; said and pressed nothing
# (a timeout, or only the finish key); or still nothing after the retries, so an agent sorts it out.
CHOSEN, NOT_UNDERSTOOD, NO_INPUT, NO_CHOICE = "chosen", "not_understood", "no_input", "no_choice"
_LABELS = {NOT_UNDERSTOOD: "(not understood)", NO_INPUT: "(no input)", NO_CHOICE: "(no choice)"}


@dataclass(frozen=True, slots=True)
class Heard:
    via: str  # "dtmf", "speech" or "timeout"
    given: str  # as Twilio sent it ("2#", "我想问账单"), for the record
    keys: str  # the keys without the finish key: what is compared with the options

    @classmethod
    def of(cls, digits: str, speech: str) -> Heard:
        digits, speech = digits.strip()[:16], " ".join(speech.split())[:200]
        if digits:
            return cls("dtmf", digits, digits.rstrip(FINISH_KEYS).strip())
        if speech:
            return cls("speech", speech, "")
        return cls("timeout", "", "")

    @property
    def speech(self) -> str:
        return self.given if self.via == "speech" else ""

    @property
    def nothing(self) -> bool:
        return not self.keys and not self.speech


@dataclass(frozen=True, slots=True)
class Answer:
    step: dict[str, Any]
    retry: bool = False  # ask the same question again
    language: Language | None = None  # the language menu's choice (or the default after the retries)
    goto: Node | None = None  # the node the choice leads to
    leaf: Node | None = None  # where the call becomes a ticket: a leaf chosen, or this node after the retries


def _step(menu: str, result: str, heard: Heard, target: str | None = None, label: str | None = None) -> dict[str, Any]:
    return {"menu": menu, "node": target or menu, "label": label or _LABELS[result], "result": result,
            "via": heard.via if result != NO_CHOICE else "none", "input": heard.given}  # fmt: skip


def _missed(heard: Heard) -> str:
    return NO_INPUT if heard.nothing else NOT_UNDERSTOOD


def answer_language(ivr: Ivr, retries: int, digits: str, speech: str) -> Answer:
    heard = Heard.of(digits, speech)
    lang = None if heard.nothing else choose_language(ivr, heard.keys, heard.speech)
    if lang is not None:
        return Answer(_step(LANGUAGE_MENU, CHOSEN, heard, LANGUAGE_MENU, lang.label), language=lang)
    if retries < ivr.no_input_retries:
        return Answer(_step(LANGUAGE_MENU, _missed(heard), heard), retry=True)
    default = ivr.languages[0]
    return Answer(_step(LANGUAGE_MENU, NO_CHOICE, heard, LANGUAGE_MENU, default.label), language=default)


def answer_node(ivr: Ivr, node: Node, lang: Language, retries: int, digits: str, speech: str) -> Answer:
    heard = Heard.of(digits, speech)
    option = None if heard.nothing else choose_option(node, lang.code, heard.keys, heard.speech)
    if option is not None:
        target = ivr.nodes[option.goto]
        step = _step(node.name, CHOSEN, heard, target.name, target.label[lang.code])
        return Answer(step, goto=target, leaf=target if target.leaf else None)
    if retries < ivr.no_input_retries:
        return Answer(_step(node.name, _missed(heard), heard), retry=True)
    return Answer(_step(node.name, NO_CHOICE, heard), leaf=node)  # still nothing we understand: an agent sorts it out


def chosen(path: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps that moved the call on (older calls' steps have no result: they were all choices)."""
    return [s for s in path if s.get("result", CHOSEN) in (CHOSEN, NO_CHOICE)]


def describe(step: dict[str, Any]) -> str:
    """One step as the ticket reads it: 'main: Billing (key 1)', 'language: not understood (said “hello”)'."""
    given, via, result = str(step.get("input") or ""), step.get("via"), step.get("result", CHOSEN)
    how = f"key {given}" if via == "dtmf" else f"said “{given}”" if via == "speech" and given else ""
    if result == NOT_UNDERSTOOD:
        what = "not understood"
    elif result == NO_INPUT:
        what = "no answer"
    elif result == NO_CHOICE:
        what = f"no choice, {step.get('label')} assumed" if step.get("menu") == LANGUAGE_MENU else "no choice"
    else:
        what = str(step.get("label"))
    return f"{step.get('menu', step.get('node'))}: {what}" + (f" ({how})" if how else "")
