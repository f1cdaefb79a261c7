"""API refusals said as a message key: the English template and its parameters ride on the HTTP error, so the
error body carries both and the browser says the sentence in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from hub.wording import Param, Worded, Wording, attach, attached


class _TooLarge(web.HTTPClientError):
    """413 with a worded reason: aiohttp's own HTTPRequestEntityTooLarge insists on sizes and writes its text."""

    status_code = 413


# The aiohttp exception of each status a refusal answers with.
_STATUSES: dict[int, type[web.HTTPException]] = {
    400: web.HTTPBadRequest,
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    404: web.HTTPNotFound,
    409: web.HTTPConflict,
    413: _TooLarge,
    422: web.HTTPUnprocessableEntity,
    429: web.HTTPTooManyRequests,
    503: web.HTTPServiceUnavailable,
}


def said(exc: BaseException | str) -> str:
    """An error's text as a reason: aiohttp refuses a reason with a line break (it would become a 500), and a
    domain message may quote what the client sent, so breaks are written as escapes."""
    return str(exc).replace("\r", "\\r").replace("\n", "\\n")


def refuse(
    status: int, template: str, /, headers: Mapping[str, str] | None = None, **params: Param
) -> web.HTTPException:
    """The HTTP error to raise: its reason is the English sentence, and the template and parameters go with it.
    `template` is the catalog's msgid (`%(name)s` placeholders); parameters stay as they are in every language."""
    return refuse_as(status, Wording(template, params), headers)


def refuse_as(
    status: int, wording: Wording, headers: Mapping[str, str] | None = None, message: str | None = None
) -> web.HTTPException:
    """refuse() for a wording at hand; `message` stands in for the English sentence when it says more."""
    exc = _STATUSES[status](reason=said(wording.english if message is None else message), headers=headers)
    return attach(exc, wording)


def refuse_for(status: int, exc: BaseException) -> web.HTTPException:
    """A domain error as the HTTP error: worded errors keep their template, others only their English text."""
    if isinstance(exc, Worded):
        return refuse_as(status, exc.wording)
    return _STATUSES[status](reason=said(exc))


def wording_of(exc: web.HTTPException) -> Wording | None:
    return attached(exc)
