"""X-Twilio-Signature: every webhook is checked against the public URL Twilio called before anything is read."""

from __future__ import annotations

from aiohttp import web
from multidict import MultiDictProxy
from twilio.request_validator import RequestValidator

from hub.bodies import read_form

# Twilio's webhook forms are small; anything near this is not from Twilio.
MAX_FORM_BYTES = 64 * 1024


def called_url(request: web.Request, public_base: str | None) -> str:
    """The URL Twilio signed: behind a proxy the hub sees its own host, so HUB_PUBLIC_URL names the real one."""
    if public_base:
        return public_base.rstrip("/") + request.rel_url.path_qs
    return str(request.url)


async def signed_form(
    request: web.Request, validator: RequestValidator, public_base: str | None
) -> MultiDictProxy[str]:
    """The form fields of a genuine Twilio request; 403 (nothing read further, nothing stored) otherwise."""
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_FORM_BYTES, actual_size=request.content_length)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        raise web.HTTPForbidden(text="missing X-Twilio-Signature")
    form = await read_form(request, MAX_FORM_BYTES)
    params = {k: str(v) for k, v in form.items()}
    if not validator.validate(called_url(request, public_base), params, signature):
        raise web.HTTPForbidden(text="bad X-Twilio-Signature")
    return form
