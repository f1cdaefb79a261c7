"""The `hub token list|revoke` and `hub agent deactivate|reactivate|role|password` commands."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from hub.agents import credentials
from hub.agents.accounts import ROLES, AccountError
from hub.db.engine import Database
from hub.events import CredentialsRevoked
from hub.settings import Settings
from hub.signin.passwords import PasswordChecks

RunDb = Callable[[Settings, Callable[[Database], Coroutine[Any, Any, str]]], str]


def add_token_commands(token_sub: Any) -> None:
    token_sub.add_parser("list", help="every API token: id, name, role, created, expires, revoked")
    revoke = token_sub.add_parser("revoke", help="revoke an API token at once (its open console sockets close)")
    revoke.add_argument("id", type=int, help="the token's id, as hub token list shows it")


def add_agent_commands(agent_sub: Any) -> None:
    for name, text in (
        ("deactivate", "sign an agent out everywhere and stop them signing in or being offered work"),
        ("reactivate", "let a deactivated agent sign in again"),
    ):
        agent_sub.add_parser(name, help=text).add_argument("--email", required=True)
    role = agent_sub.add_parser("role", help="change an agent's role")
    role.add_argument("--email", required=True)
    role.add_argument("--role", choices=ROLES, required=True)
    password = agent_sub.add_parser("password", help="set an agent's password (or --generate one); signs them out")
    password.add_argument("--email", required=True)
    how = password.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    how.add_argument("--generate", action="store_true", help="make a random password and print it once")


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no API tokens"
    lines = [f"{'id':>5}  {'role':<17} {'state':<8} {'expires':<25} name"]
    for r in rows:
        state = "revoked" if r["revoked_at"] else "active" if r["usable"] else "expired"
        lines.append(f"{r['id']:>5}  {r['role']:<17} {state:<8} {r['expires_at'] or 'never':<25} {r['name']}")
    return "\n".join(lines)


def _announcing(settings: Settings, db: Database) -> None:
    """With Redis, serving processes close the sockets at once; without, their sweep does within seconds."""
    if not settings.redis_url:
        return
    from hub.ops.bridge import announce_revocation

    url = settings.redis_url

    async def tell(event: CredentialsRevoked) -> None:
        await announce_revocation(url, event)

    db.bus.subscribe(CredentialsRevoked, tell)


def _new_password(args: argparse.Namespace) -> str:
    if args.generate:
        return credentials.generated_password()
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass(f"New password for {args.email}: ")


async def _hashed(password: str) -> str:
    checks = PasswordChecks(1)  # argon2 in a worker thread, as in the serving hub
    try:
        return await checks.hash(password)
    finally:
        checks.close()


def token_command(settings: Settings, args: argparse.Namespace, run_db: RunDb) -> str:
    async def work(db: Database) -> str:
        if args.token_command == "list":  # noqa: S105 (a subcommand's name, not a secret)
            async with db.read() as s:
                return _table([credentials.token_json(r) for r in await credentials.list_tokens(s)])
        _announcing(settings, db)
        async with db.write() as uow:
            row = await credentials.revoke_token(uow, None, args.id, via="cli")
        return f"token {row.id} ({row.name}) revoked"

    return run_db(settings, work)


def agent_command(settings: Settings, args: argparse.Namespace, run_db: RunDb) -> str:
    command = args.agent_command
    password = _new_password(args) if command == "password" else ""

    async def work(db: Database) -> str:
        _announcing(settings, db)
        hashed = await _hashed(password) if command == "password" else ""
        async with db.write() as uow:
            agent = await credentials.find_agent(uow, email=args.email)
            if command in ("deactivate", "reactivate"):
                await credentials.set_active(uow, None, agent, command == "reactivate", via="cli")
                return f"agent {agent.id} {agent.email} {command}d"
            if command == "role":
                await credentials.set_role(uow, None, agent, args.role, via="cli")
                return f"agent {agent.id} {agent.email} is now {agent.role}"
            await credentials.set_password_hash(uow, None, agent, hashed, via="cli", generated=args.generate)
        if args.generate:
            return f"new password for {agent.email} (shown once): {password}"
        return f"password of {agent.email} changed; their sessions were ended"

    if command == "password" and not args.generate and len(password) < 8:
        raise AccountError("a password needs at least 8 characters")
    return run_db(settings, work)
