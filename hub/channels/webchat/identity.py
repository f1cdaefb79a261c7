"""Who a chat visitor says they are: the pre-chat form, and the website's signed identity (HMAC-SHA256 hash).

A website that knows its visitor (signed in) computes, on its own server, HMAC-SHA256 of the visitor's
identifier (its user id, or their e-mail) with the widget's secret, and hands the widget the identifier
and the hash (as Chatwoot's `identifier_hash` and Intercom's `user_hash` do). A matching hash makes the
identity verified; anything else (no hash, a wrong one, a widget without a secret) is an unsigned claim.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.channels.webchat.config import DEFAULT_WIDGET, WIDGET_NAME
from hub.envelopes import Claim, IdentityRef

log = logging.getLogger(__name__)
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
_IDENTIFIER = re.compile(r"^[^\x00-\x1f\x7f]{1,255}$")  # a website's user id: any printable text
_HEX_HASH = re.compile(r"^[0-9A-Fa-f]{64}$")
SITE_USER = "site_user"  # identity kind of a website's own user id, scoped by widget: "shop:12345"


def clean_profile(name: Any, email: Any) -> tuple[str | None, str | None]:
    """The pre-chat form's two fields, kept as given when plausible."""
    clean_name = name.strip()[:100] or None if isinstance(name, str) else None
    clean_email = email.strip()[:320] if isinstance(email, str) and EMAIL.match(email.strip()) else None
    return clean_name, clean_email


@dataclass(frozen=True, slots=True)
class VisitorClaim:
    name: str | None
    email: str | None
    identifier: str | None  # the website's user id; only kept when signed (an unsigned one names nobody)
    widget: str
    verified: bool

    def claim(self) -> Claim | None:
        """The identity the chat joins: the signed user id, else the e-mail (signed or not)."""
        if self.identifier is not None:
            return Claim(IdentityRef(SITE_USER, f"{self.widget}:{self.identifier}"), verified=True)
        if self.email is not None:
            return Claim(IdentityRef("email", self.email), verified=self.verified)
        return None

    def to_meta(self) -> dict[str, Any]:
        """Kept on each message: what the visitor said, and whether the website vouched for it."""
        data: dict[str, Any] = {"name": self.name, "email": self.email, "verified": self.verified}
        if self.identifier is not None:
            data["identifier"] = self.identifier
        if self.widget != DEFAULT_WIDGET:
            data["widget"] = self.widget
        return data

    @classmethod
    def from_meta(cls, data: Any) -> VisitorClaim | None:
        """A claim stored on an earlier message (a resumed visitor keeps what they said)."""
        if not isinstance(data, dict):
            return None
        name, email = clean_profile(data.get("name"), data.get("email"))
        identifier = data.get("identifier") if isinstance(data.get("identifier"), str) else None
        widget = widget_name(data.get("widget"))
        verified = data.get("verified") is True
        if not (name or email or identifier):
            return None
        return cls(name, email, identifier if verified else None, widget, verified)


def widget_name(raw: Any) -> str:
    return raw if isinstance(raw, str) and WIDGET_NAME.match(raw) else DEFAULT_WIDGET


def signature(secret: str, identifier: str) -> str:
    """What the website computes: hex HMAC-SHA256 of the identifier under the widget's secret."""
    return hmac.new(secret.encode(), identifier.encode(), hashlib.sha256).hexdigest()


def read_claim(auth: Mapping[str, Any], secrets: Mapping[str, str]) -> VisitorClaim | None:
    """From a connection's auth: {name, email, identifier, identifier_hash (or user_hash), widget}."""
    name, email = clean_profile(auth.get("name"), auth.get("email"))
    widget = widget_name(auth.get("widget"))
    raw_id = auth.get("identifier", auth.get("user_id"))
    identifier = raw_id.strip() if isinstance(raw_id, str) and _IDENTIFIER.match(raw_id.strip()) else None
    given = auth.get("identifier_hash", auth.get("user_hash"))
    signed = identifier or email
    verified = False
    if given is not None and signed is not None:
        secret = secrets.get(widget)
        verified = (
            secret is not None
            and isinstance(given, str)
            and _HEX_HASH.match(given.strip()) is not None
            and hmac.compare_digest(signature(secret, signed), given.strip().lower())
        )
        if not verified:
            # Not an error for the visitor: the chat goes on as an unsigned claim. The site should know.
            why = "no identity_secret is configured for it" if secret is None else "the hash does not match"
            log.warning("web chat identity hash refused for widget %r (%s); treated as unsigned", widget, why)
    if identifier is not None and EMAIL.match(identifier) and email in (None, identifier):
        identifier, email = None, identifier  # the website identifies its users by e-mail
    if not verified:
        identifier = None
    if not (name or email or identifier):
        return None
    return VisitorClaim(name, email, identifier, widget, verified)
