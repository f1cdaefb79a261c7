"""The customer-facing chat page, the embeddable launcher script and the visitor's file uploads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web

from hub import keys
from hub.channels.webchat.branding import LANGUAGES
from hub.channels.webchat.config import WebchatConfig
from hub.channels.webchat.identity import widget_name
from hub.channels.webchat.strings import widget_catalogs
from hub.channels.webchat.uploads import ChatFiles

routes = web.RouteTableDef()


@dataclass(frozen=True, slots=True)
class ChatPage:
    """What the chat page hands the widget besides the branding: its texts per language, and where it is built."""

    config: WebchatConfig
    locale: Path  # locale/: the widget's Chinese texts, read from its catalog on the first chat page
    assets: Path  # static/app: the built widget (widget.js, widget.css)

    versions: dict[tuple[str, float], str] = field(default_factory=dict)

    @property
    def catalogs(self) -> dict[str, dict[str, str]]:
        return widget_catalogs(self.locale)

    def version(self, name: str) -> str:
        """A short digest of a built file, so a rebuilt widget is never taken from a stale cache."""
        path = self.assets / name
        try:
            key = (name, path.stat().st_mtime)
            if key not in self.versions:
                self.versions[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        except OSError:
            return "missing"
        return self.versions[key]


CHAT_PAGE = web.AppKey("webchat_page", ChatPage)
CHAT_FILES = web.AppKey("webchat_files", ChatFiles)


@routes.get("/chat")
async def chat_page(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    page = request.app[CHAT_PAGE]
    widget = widget_name(request.query.get("widget"))
    boot: dict[str, Any] = {
        "widget": widget,
        "branding": page.config.branding_of(widget).public(),
        "languages": list(LANGUAGES),
        "strings": page.catalogs,
        "max_bytes": settings.chat_max_message_bytes,
        "max_file_bytes": page.config.max_file_bytes,
    }
    context = {"boot": boot, "js": page.version("widget.js"), "css": page.version("widget.css")}
    response = aiohttp_jinja2.render_template("chat/chat.html", request, context)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = _policy(boot["branding"]["logo"])
    return response


def _policy(logo: str | None) -> str:
    """The hub's strict page policy, plus what the chat shows: the visitor's own photos before they are sent
    (blob:), the website's logo (its https origin), and any website may frame it."""
    images = "'self' data: blob:"
    if logo and logo.startswith("https://"):
        parts = urlsplit(logo)
        images += f" https://{parts.netloc}"
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; "
        "connect-src 'self' ws: wss:; frame-ancestors *; base-uri 'none'; form-action 'self'"
    )


@routes.get("/chat/widget.js")
async def widget(request: web.Request) -> web.Response:
    """A launcher button that opens /chat in an iframe, so the host page's CSS and JS cannot touch it."""
    settings = request.app[keys.SETTINGS]
    config = request.app[CHAT_PAGE].config
    base = settings.public_url or f"{request.scheme}://{request.host}"
    looks = {name: {"colour": config.branding_of(name).colour} for name in {"default", *config.widgets}}
    context = {"base": base, "looks": json.dumps(looks), "labels": json.dumps(_launcher_labels(request))}
    response = aiohttp_jinja2.render_template("chat/widget.js", request, context)
    response.content_type = "application/javascript"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _launcher_labels(request: web.Request) -> dict[str, dict[str, str]]:
    catalogs = request.app[CHAT_PAGE].catalogs
    return {
        lang: {text: strings.get(text, text) for text in ("Open chat", "Close chat", "Chat")}
        for lang, strings in catalogs.items()
    }


@routes.post("/chat/files")
async def upload(request: web.Request) -> web.Response:
    return await request.app[CHAT_FILES].upload(request)
