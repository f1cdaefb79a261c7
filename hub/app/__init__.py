"""create_app(settings): the composition root. The core, then each channel's setup, then the web's routes;
every resource starts and stops in a cleanup_ctx."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from hub import keys
from hub.agent_console import setup as console
from hub.agent_console.i18n import catalogs
from hub.agent_console.pages import CATALOGS
from hub.agent_console.setup import SOCKET_GUARD
from hub.api import setup as api
from hub.api.errors import api_errors
from hub.app.core import build_core, build_listeners
from hub.app.lifecycle import run_core, say_goodbye, settle
from hub.app.webhooks import setup_webhooks
from hub.channels.setups import CHANNEL_SETUPS
from hub.ops.body_deadline import body_deadline
from hub.ops.health import healthz, readyz
from hub.ops.logs import request_ids
from hub.ops.metrics import metrics
from hub.ops.security_headers import security_headers
from hub.settings import PROJECT_ROOT, Settings

__all__ = ["EMAIL", "SOCKET_GUARD", "AssetsMissing", "create_app"]
SOCKET_IO_CLIENT = Path("socket.io-client/dist/socket.io.min.js")
EMAIL = keys.EMAIL  # (tests and benches import it from here)


class AssetsMissing(RuntimeError):
    pass


def create_app(settings: Settings) -> web.Application:
    asset = Path(settings.assets_dir) / SOCKET_IO_CLIENT
    if not asset.is_file():
        raise AssetsMissing(f"{asset} is missing: run `npm ci` in {PROJECT_ROOT} (./run setup does it)")
    app = web.Application(middlewares=[request_ids, api_errors, body_deadline, security_headers])
    core = build_core(app, settings)
    app.cleanup_ctx.append(run_core)  # first: the channels' own contexts start after it and stop before it
    console.setup(app, settings)  # its feed subscribes first: consoles hear of a ticket before anyone acts on it
    for setup in CHANNEL_SETUPS.values():
        setup(app, settings, core)  # a channel whose table is wrong stops the start here, with a SettingsError
    build_listeners(app, settings)
    setup_webhooks(app, settings)  # after the core: its sender starts once the database is migrated
    _pages(app)
    api.setup(app)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", home)
    app.cleanup_ctx.append(settle)
    app.on_shutdown.append(say_goodbye)
    return app


def _pages(app: web.Application) -> None:
    """Templates, translations, static files and the browser's socket.io client."""
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=jinja2.select_autoescape(),
    )
    app[CATALOGS] = catalogs(PROJECT_ROOT / "locale")
    app.router.add_get("/static/vendor/socket.io.min.js", socket_io_client)
    app.router.add_static("/static/", PROJECT_ROOT / "static")


async def home(_request: web.Request) -> web.Response:
    raise web.HTTPFound("/console")


async def socket_io_client(request: web.Request) -> web.FileResponse:
    return web.FileResponse(Path(request.app[keys.SETTINGS].assets_dir) / SOCKET_IO_CLIENT)
