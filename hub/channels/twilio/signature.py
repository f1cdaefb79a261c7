"""X-Twilio-Signature: every webhook is checked against the public URL Twilio called before anything is read."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlparse

from aiohttp import web
from multidict import MultiDictProxy
from twilio.request_validator import add_port, remove_port

from hub.channels.twilio.form import WebhookForm, read_webhook_form

# Twilio's webhook forms are small; anything near this is not from Twilio.
MAX_FORM_BYTES = 64 * 1024


class WebhookSignature:
    """Twilio's HMAC-SHA1 signature of a form webhook: accepts exactly what twilio's RequestValidator.validate
    accepts for a form, at a fraction of its cost on every webhook: the key is set up once, the URL's two
    forms are worked out once per URL, and the second form is hashed only when the first does not match."""

    def __init__(self, auth_token: str) -> None:
        self._keyed = hmac.new(auth_token.encode("utf-8"), digestmod=hashlib.sha1)

    def valid(self, url: str, params: Mapping[str, str], signature: str) -> bool:
        try:
            given = signature.encode("utf-8")
            forms = _url_forms(url)
            # Twilio signs the URL followed by each parameter's name and value, sorted by name.
            signed = "".join(name + params[name] for name in sorted(params)).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            return False  # a lone surrogate or a port that is no number: nothing Twilio signed
        for candidate in forms:
            mac = self._keyed.copy()
            mac.update(candidate)
            mac.update(signed)
            if hmac.compare_digest(base64.b64encode(mac.digest()), given):
                return True
        return False


@lru_cache(maxsize=256)
def _url_forms(url: str) -> tuple[bytes, ...]:
    """The URL without and with its port (Twilio signs either, depending on its side), the one as called first."""
    parsed = urlparse(url)
    forms = (add_port(parsed), remove_port(parsed)) if parsed.port else (remove_port(parsed), add_port(parsed))
    return tuple(form.encode("utf-8") for form in forms)


def called_url(request: web.Request, public_base: str | None) -> str:
    """The URL Twilio signed: behind a proxy the hub sees its own host, so HUB_PUBLIC_URL names the real one."""
    if public_base:
        return public_base.rstrip("/") + request.rel_url.path_qs
    return str(request.url)


async def signed_form(
    request: web.Request, signature: WebhookSignature, public_base: str | None
) -> MultiDictProxy[str]:
    """The form fields of a genuine Twilio request; 403 (nothing read further, nothing stored) otherwise."""
    return (await signed_webhook(request, signature, public_base)).form


async def signed_webhook(request: web.Request, signature: WebhookSignature, public_base: str | None) -> WebhookForm:
    """signed_form, with the fields also as a plain dict (each name's last value), read from the body once."""
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_FORM_BYTES, actual_size=request.content_length)
    header = request.headers.get("X-Twilio-Signature", "")
    if not header:
        raise web.HTTPForbidden(text="missing X-Twilio-Signature")
    webhook = await read_webhook_form(request, MAX_FORM_BYTES)
    if not signature.valid(called_url(request, public_base), webhook.fields, header):
        raise web.HTTPForbidden(text="bad X-Twilio-Signature")
    return webhook
