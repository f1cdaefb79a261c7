"""`hub webhook list|add|remove`: outbound webhooks from the command line (the secret is printed once)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `hub --help` builds the parser: the database code is imported only by the command itself
    from hub.db.engine import Database


def add_parser(sub: Any) -> None:
    """The `webhook` command on the hub's argument parser (`sub`: its subparsers)."""
    webhook = sub.add_parser("webhook", help="manage outbound webhooks")
    webhook_sub = webhook.add_subparsers(dest="webhook_command", required=True)
    webhook_sub.add_parser("list", help="every webhook with its state")
    add = webhook_sub.add_parser("add", help="register a webhook and print its secret once")
    add.add_argument("url")
    add.add_argument("--events", default="all", help="comma-separated event names; default: all of them")
    add.add_argument("--description", default="")
    remove = webhook_sub.add_parser("remove", help="remove a webhook and its deliveries")
    remove.add_argument("id", type=int)


async def webhook_command(
    db: Database, args: argparse.Namespace, allow_private: bool, redis_url: str | None = None
) -> str:
    """What the command prints; registry.WebhookError (a one-line reason) when it cannot be done. With Redis,
    the serving processes hold their hook caches while the change commits (hub/webhooks/active.py)."""
    if not redis_url or args.webhook_command == "list":
        return await _run(db, args, allow_private)
    from hub.webhooks.active import active_hooks
    from hub.webhooks.announce import HookAnnouncer

    announcer = HookAnnouncer(redis_url, active_hooks(db), listen=False)
    await announcer.start()
    try:
        return await _run(db, args, allow_private)
    finally:
        await announcer.stop()


async def _run(db: Database, args: argparse.Namespace, allow_private: bool) -> str:
    from hub.agents.accounts import Principal
    from hub.webhooks import registry
    from hub.webhooks.catalog import EVENT_NAMES

    cli = Principal(kind="cli", id=0, role="admin", name="hub webhook")
    if args.webhook_command == "add":
        events = list(EVENT_NAMES) if args.events == "all" else [e.strip() for e in args.events.split(",") if e.strip()]
        hook, secret = await registry.create(
            db, cli, url=args.url, events=events, allow_private=allow_private, description=args.description
        )
        return f"webhook {hook['id']} posts {', '.join(hook['events'])} to {hook['url']}\nsecret (shown once): {secret}"
    if args.webhook_command == "remove":
        if not await registry.remove(db, cli, args.id):
            raise registry.WebhookError("no webhook %(id)s", id=args.id)
        return f"webhook {args.id} removed"
    hooks = await registry.list_hooks(db)
    lines = [
        f"{h['id']}\t{'on' if h['active'] else 'off'}\t{h['url']}\t{','.join(h['events'])}"
        + (f"\t({h['disabled_reason']})" if h["disabled_reason"] else "")
        for h in hooks
    ]
    return "\n".join(lines) or "no webhooks"
