"""X-Twilio-Signature: every webhook is checked against the public URL Twilio called before anything is read."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlparse

from aiohttp import web
from multidict import MultiDictProxy, MultiMapping
from twilio.request_validator import add_port, remove_port

from hub.channels.client_address import Network, from_trusted_proxy
from hub.channels.twilio.form import WebhookForm, read_webhook_form

# Twilio's webhook forms are small; anything near this is not from Twilio.
MAX_FORM_BYTES = 64 * 1024


# Set on webhooks a Webhooks Rule signs with a SharedKey instead of the Auth Token: "key=<id>,algorithm=<name>".
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
_DIGESTS = {"HMAC_SHA1": hashlib.sha1, "HMAC_SHA256": hashlib.sha256}


class WebhookSignature:
    """Twilio's HMAC signature of a form webhook: accepts exactly what twilio's RequestValidator.validate accepts
    for a form (with the Auth Token, or with the SharedKey secret and algorithm a Webhooks Rule names), at a
    fraction of its cost on every webhook: the keys are set up once, the URL's two forms are worked out once
    per URL, and the second form is hashed only when the first does not match."""

    def __init__(self, auth_token: str, shared_key: str = "") -> None:
        self._keyed = hmac.new(auth_token.encode("utf-8"), digestmod=hashlib.sha1)
        self._shared = {
            name: hmac.new(shared_key.encode("utf-8"), digestmod=digest) for name, digest in _DIGESTS.items()
        } if shared_key else {}  # fmt: skip

    def valid(
        self, url: str, params: Mapping[str, str] | MultiMapping[str], signature: str, settings: str = ""
    ) -> bool:
        """`params` as a multidict when a name came more than once: Twilio signs each of its values. `settings`
        is the X-Twilio-Webhooks-Signature-Settings header: absent or empty, the Auth Token and HMAC-SHA1."""
        keyed = self._shared.get(algorithm_of(settings)) if settings else self._keyed
        if keyed is None:
            return False  # a SharedKey we were not given, or an algorithm Twilio's validator does not know
        try:
            given = signature.encode("utf-8")
            forms = _url_forms(url)
            signed = _signed_params(params).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            return False  # a lone surrogate or a port that is no number: nothing Twilio signed
        for candidate in forms:
            mac = keyed.copy()
            mac.update(candidate)
            mac.update(signed)
            if hmac.compare_digest(base64.b64encode(mac.digest()), given):
                return True
        return False


def algorithm_of(settings: str) -> str:
    """The algorithm the settings header names (as twilio's get_signature_algorithm reads it), upper-cased."""
    for part in settings.split(","):
        name, separator, value = part.partition("=")
        if separator and name.strip() == "algorithm" and value.strip():
            return value.strip().upper()
    return "HMAC_SHA1"


def _signed_params(params: Mapping[str, str] | MultiMapping[str]) -> str:
    """Twilio signs the URL followed by each parameter's name and value, sorted by name; a name sent more than
    once (a status callback's repeated field, a form with two values) contributes each distinct value, sorted."""
    if not isinstance(params, MultiMapping):
        return "".join(name + params[name] for name in sorted(params))
    return "".join(name + value for name in sorted(set(params)) for value in sorted(set(params.getall(name))))


@lru_cache(maxsize=256)
def _url_forms(url: str) -> tuple[bytes, ...]:
    """The URL without and with its port (Twilio signs either, depending on its side), the one as called first."""
    parsed = urlparse(url)
    forms = (add_port(parsed), remove_port(parsed)) if parsed.port else (remove_port(parsed), add_port(parsed))
    return tuple(form.encode("utf-8") for form in forms)


@dataclass(frozen=True, slots=True)
class PublicAddress:
    """Where Twilio reaches the hub: HUB_PUBLIC_URL when set; otherwise the address a trusted proxy says it was
    called at (X-Forwarded-Proto, -Host, -Port), since behind a proxy the hub sees only its own host."""

    base: str | None
    trusted: Sequence[Network] = ()

    def origin(self, request: web.Request) -> str:
        """scheme://host[:port][/prefix] as Twilio called it, without a trailing slash."""
        if self.base:
            return self.base.rstrip("/")
        scheme, host = request.scheme, request.host
        if from_trusted_proxy(request.remote, self.trusted):
            # The left-most value is the one the proxy facing Twilio wrote; later proxies append theirs.
            proto, forwarded_host, port = (
                request.headers.get(name, "").split(",")[0].strip().lower()
                for name in ("X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port")
            )
            scheme = proto if proto in ("http", "https") else scheme
            if forwarded_host:
                host = forwarded_host
                if port.isdigit() and ":" not in host.rpartition("]")[2]:
                    host = f"{host}:{port}"
        return f"{scheme}://{host}"

    def called_url(self, request: web.Request) -> str:
        """The URL Twilio signed: its path and query as requested, %-escapes kept (rel_url would decode them,
        and "?team=%E5%94%AE%E5%90%8E" signed is not "?team=售后")."""
        raw = request.raw_path
        return self.origin(request) + (raw if raw.startswith("/") else request.rel_url.path_qs)


async def signed_form(request: web.Request, signature: WebhookSignature, public: PublicAddress) -> MultiDictProxy[str]:
    """The form fields of a genuine Twilio request; 403 (nothing read further, nothing stored) otherwise."""
    return (await signed_webhook(request, signature, public)).form


async def signed_webhook(request: web.Request, signature: WebhookSignature, public: PublicAddress) -> WebhookForm:
    """signed_form, with the fields also as a plain dict (each name's last value), read from the body once."""
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_FORM_BYTES, actual_size=request.content_length)
    header = request.headers.get("X-Twilio-Signature", "")
    if not header:
        raise web.HTTPForbidden(text="missing X-Twilio-Signature")
    webhook = await read_webhook_form(request, MAX_FORM_BYTES)
    # The plain dict when every name came once (nearly always, and cheaper); else every value of each name.
    params = webhook.fields if len(webhook.fields) == len(webhook.form) else webhook.form
    if not signature.valid(public.called_url(request), params, header, request.headers.get(SETTINGS_HEADER, "")):
        raise web.HTTPForbidden(text="bad X-Twilio-Signature")
    return webhook
