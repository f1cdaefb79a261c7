"""The `hub` command: serve, demo, db upgrade, agents, API tokens, knowledge, routing."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import getpass
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any

from hub.agents.accounts import ROLES
from hub.ops import calendar_cli, credentials_cli, log_redaction
from hub.routing import cli as routing_cli
from hub.settings import SettingsError, load_settings
from hub.tickets import queue_cli
from hub.webhooks import cli as webhooks_cli

# The rest is imported by the commands that use it: `hub --help` or `hub routing simulate` need neither the
# web server, nor alembic, nor the knowledge importer.
if TYPE_CHECKING:
    from aiohttp import web

    from hub.db.engine import Database
    from hub.settings import Settings

DEMO_DATABASE = "sqlite+aiosqlite:///var/demo.db"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hub", description="Omnichannel contact-center hub")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the hub (HTTP, socket.io, channels)")
    serve.add_argument("--host", help="listen address (default HUB_HTTP_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="HTTP port (default HUB_HTTP_PORT or 8080)")
    demo = sub.add_parser("demo", help="serve with demo data on SQLite under ./var")
    demo.add_argument("--host")
    demo.add_argument("--port", type=int)
    db = sub.add_parser("db", help="database administration")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations up to the newest schema")
    agent = sub.add_parser("agent", help="manage agents")
    agent_sub = agent.add_subparsers(dest="agent_command", required=True)
    add = agent_sub.add_parser("add", help="create an agent")
    add.add_argument("--email", required=True)
    add.add_argument("--name", default="")
    add.add_argument("--role", choices=ROLES, default="agent")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    two_factor = agent_sub.add_parser("2fa", help="an agent's two-factor sign-in")
    two_factor_sub = two_factor.add_subparsers(dest="two_factor_command", required=True)
    reset = two_factor_sub.add_parser("reset", help="remove an agent's second factor (lost phone): password only again")
    reset.add_argument("--email", required=True)
    credentials_cli.add_agent_commands(agent_sub)
    token = sub.add_parser("token", help="manage API tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="create an API token and print it once")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--name", default="cli")
    create.add_argument("--expires", help="how long it lasts: 90d, 12h, 30m, 2w (default: until revoked)")
    credentials_cli.add_token_commands(token_sub)
    kb = sub.add_parser("kb", help="knowledge base import and export")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    kb_import = kb_sub.add_parser("import", help="import Markdown (YAML front matter) or JSON files")
    kb_import.add_argument("paths", nargs="+", help=".md or .json files, or directories of them")
    kb_import.add_argument("--publish", action="store_true", help="publish at once (as an approval by the CLI)")
    kb_export = kb_sub.add_parser("export", help="write every published article as Markdown into a directory")
    kb_export.add_argument("directory")
    routing_cli.add_parser(sub)
    webhooks_cli.add_parser(sub)
    queue_cli.add_parser(sub)
    calendar_cli.add_parser(sub)
    return p


def _run_db(settings: Settings, work: Callable[[Database], Coroutine[Any, Any, str]]) -> str:
    from hub.bus import EventBus
    from hub.db.engine import Database
    from hub.db.migrate import ensure_current

    async def go() -> str:
        db = Database(settings.database_url, EventBus())
        try:
            await ensure_current(db.engine)
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(go())


def _agent_add(settings: Settings, args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password for the new agent: ")
    from hub.agents import audit
    from hub.agents.accounts import create_agent

    async def work(db: Database) -> str:
        async with db.write() as uow:
            agent = await create_agent(
                uow.session, email=args.email, display_name=args.name, role=args.role, password=password
            )
            audit.record(uow.session, None, "agent.created", "agent", agent.id, via="cli", role=agent.role)
            return f"agent {agent.id} {agent.email} ({agent.role}) created"

    return _run_db(settings, work)


def _two_factor_reset(settings: Settings, args: argparse.Namespace) -> str:
    from hub.signin.second_factor import reset_by_email

    return _run_db(settings, lambda db: reset_by_email(db, args.email))


def _token_create(settings: Settings, args: argparse.Namespace) -> str:
    from hub.agents import credentials

    expires_in = credentials.parse_expiry(args.expires) if args.expires else None

    async def work(db: Database) -> str:
        async with db.write() as uow:
            token, _ = await credentials.create(
                uow, None, role=args.role, name=args.name, expires_in=expires_in, via="cli"
            )
            return token

    return _run_db(settings, work)


@contextlib.contextmanager
def _without_collection() -> Iterator[None]:
    """For the server's imports: they make a few hundred thousand objects that live as long as the process, and
    the collector's passes over them while they are being made cost a fifth of the imports and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _serve(settings: Settings, args: argparse.Namespace, *, demo: bool = False) -> None:
    from hub.ops import heap
    from hub.ops.early_health import serve

    heap.limit_arenas()  # before any thread of the server's starts
    heap.fix_mmap_threshold()
    from hub.ops.logs import MaskingAccessLogger, skip_what_lines_omit

    skip_what_lines_omit()  # a server writes a line per request: none of it spent on fields no line shows

    host = args.host or settings.http_host
    port = args.port or settings.http_port
    outbox = None
    if demo:
        from hub.db.migrate import upgrade
        from hub.ops.demo import seed
        from hub.ops.demo_outbox import PAGE, DemoOutbox

        upgrade(settings.database_url)
        # Replies by e-mail go to a mail sink in this process (shown in the console) unless a relay is configured.
        outbox = DemoOutbox.unless_relayed(settings)
        settings = outbox.relay_for(settings) if outbox else settings
        logins = asyncio.run(seed(settings))
        print(f"hub demo: console at http://{host}:{port}/console  chat at http://{host}:{port}/chat")
        for email, password, role in logins:
            print(f"  login {email} / {password} ({role})")
        if outbox:
            print(f"  e-mail replies: http://{host}:{port}{PAGE} (a mail sink on {outbox.host}:{outbox.port})")

    def load() -> Callable[[], web.Application]:
        """In a thread, while the port already answers /healthz: the server's imports."""
        with _without_collection():
            from hub.imports import server_socketio

            server_socketio(redis=bool(settings.redis_url))  # without the libraries of its clients (memory)
            from hub.app import create_app

            if not outbox:  # the demo's mail sink (aiosmtpd) only in a demo that has one
                return lambda: create_app(settings)
            from hub.agent_console.demo_outbox_page import install

        return lambda: install(create_app(settings), outbox)

    serve(
        load,
        host=host,
        port=port,
        print=lambda msg: print(f"hub: {msg}", flush=True),
        access_log_class=MaskingAccessLogger,  # no openid, signature or token from a query string in the log
    )


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors that are the user's to fix: one line on standard error, no traceback (RuntimeError: AssetsMissing
    and friends, which say what to do). Imported only when something went wrong."""
    from hub.agents.accounts import AccountError
    from hub.db.migrate import SchemaOutOfDate
    from hub.knowledge.transfer import ImportError_
    from hub.routing.config import RoutingConfigError
    from hub.routing.simulate import TraceError
    from hub.tickets.calendar_admin import CalendarNotFound, CalendarRefused
    from hub.tickets.calendar_config import CalendarError
    from hub.tickets.queue_admin import QueueNotFound, QueueRefused
    from hub.webhooks.config import WebhookConfigError
    from hub.webhooks.registry import WebhookError

    user = (
        SchemaOutOfDate,
        AccountError,
        ImportError_,
        RoutingConfigError,
        TraceError,
        WebhookError,
        WebhookConfigError,
        QueueRefused,
        QueueNotFound,
        CalendarRefused,
        CalendarNotFound,
        CalendarError,
    )
    return (*user, OSError, RuntimeError)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration step is noise here
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    if os.environ.get("HUB_LOG_FORMAT", "text").lower() == "json":
        from hub.ops.logs import use_json

        use_json()
    log_redaction.install()  # after the format is chosen: it wraps each handler's formatter, in every format
    try:
        # The demo keeps its data apart from a real database unless told otherwise.
        demo_db = args.command == "demo" and "HUB_DATABASE_URL" not in os.environ
        settings = load_settings(database_url=DEMO_DATABASE) if demo_db else load_settings()
        if args.command in ("serve", "demo"):
            _serve(settings, args, demo=args.command == "demo")
        elif args.command == "db":
            from hub.db.migrate import upgrade
            from hub.db.urls import shown_url

            upgrade(settings.database_url)
            print(f"database {shown_url(settings.database_url)} is at the newest schema")
        elif args.command == "agent":
            if args.agent_command == "2fa":
                print(_two_factor_reset(settings, args))
            elif args.agent_command == "add":
                print(_agent_add(settings, args))
            else:
                print(credentials_cli.agent_command(settings, args, _run_db))
        elif args.command == "token":
            if args.token_command == "create":  # noqa: S105 (a subcommand's name, not a secret)
                print(_token_create(settings, args))
            else:
                print(credentials_cli.token_command(settings, args, _run_db))
        elif args.command == "routing":
            print(routing_cli.run(args))
        elif args.command == "kb":
            from hub.knowledge.cli import kb_command

            print(_run_db(settings, lambda db: kb_command(db, args, settings.knowledge_locales)))
        elif args.command == "webhook":
            from hub.webhooks.config import webhook_config

            allow = webhook_config(settings.channels.get("webhooks"), settings.env).allow_private_targets
            print(_run_db(settings, lambda db: webhooks_cli.webhook_command(db, args, allow, settings.redis_url)))
        elif args.command == "queue":

            async def queue(db: Database) -> str:  # the calendars admins made too, not only hub.toml's
                calendars = await calendar_cli.current_calendars(db, settings.calendars)
                return await queue_cli.queue_command(db, args, calendars)

            print(_run_db(settings, queue))
        elif args.command == "calendars":
            print(_run_db(settings, lambda db: calendar_cli.calendars_command(db, args, settings)))
    except SettingsError as exc:
        print(f"hub: configuration error: {exc}", file=sys.stderr)
        return 2
    except _user_errors() as exc:
        print(f"hub: {log_redaction.hide_credentials(str(exc))}", file=sys.stderr)
        return 1
    return 0
