"""The [email] section of hub.toml: mailboxes (addresses, queue, IMAP), the outbound relay, limits."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from hub.channels.base import ChannelConfigError
from hub.channels.tables import channel_table, check_queue
from hub.settings import Settings
from hub.settings.values import OMITTED


class EmailConfigError(ChannelConfigError):
    pass


@dataclass(frozen=True, slots=True)
class ImapSource:
    host: str
    username: str
    password: str
    port: int = 993
    ssl: bool = True
    folder: str = "INBOX"
    after: str = "seen"  # "seen", "delete", or "move:<folder>" once a mail is safely stored
    poll_seconds: int = 60  # when the server offers no IDLE


@dataclass(frozen=True, slots=True)
class Mailbox:
    name: str
    addresses: tuple[str, ...]
    queue: str | None = None
    from_name: str = "Support"
    auto_ack: str | None = None  # the acknowledgement text for new tickets; None: no acknowledgement
    imap: ImapSource | None = None

    @property
    def address(self) -> str:
        return self.addresses[0]


@dataclass(frozen=True, slots=True)
class Relay:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False


@dataclass(frozen=True, slots=True)
class EmailConfig:
    mailboxes: tuple[Mailbox, ...] = ()
    relay: Relay | None = None
    listen_host: str = "127.0.0.1"
    max_message_bytes: int = 25 * 1024 * 1024
    raw_dir: str = "var/mail-raw"
    raw_retention_days: int = 365
    acks_per_sender_per_hour: int = 3
    mails_per_sender_per_minute: int = 30  # more: 451 at MAIL FROM, and the sending server retries later
    by_address: dict[str, Mailbox] = field(default_factory=dict)

    def mailboxes_by_name(self) -> dict[str, Mailbox]:
        return {m.name: m for m in self.mailboxes}

    def mailbox_for(self, address: str) -> Mailbox | None:
        return self.by_address.get(address.strip().lower())


DEFAULTS = EmailConfig()


def email_config(settings: Settings) -> EmailConfig:
    """[email], its relay replaced by HUB_SMTP_RELAY or [hub] smtp_relay when set, its mailboxes' queues checked."""
    return channel_table(settings, "email", EmailConfig, _from_settings)


def _from_settings(raw: Any, settings: Settings) -> EmailConfig:
    config = parse_email(raw)
    if settings.smtp_relay is not None:
        key = "HUB_SMTP_RELAY" if "HUB_SMTP_RELAY" in settings.env else "smtp_relay"
        try:
            config = replace(config, relay=parse_relay(key, settings.smtp_relay))
        except EmailConfigError as exc:
            # "host:port" is shown as written; a table is not (it may hold the relay's password).
            shown = settings.smtp_relay if isinstance(settings.smtp_relay, str) else OMITTED
            raise EmailConfigError(exc.key, exc.expected, shown) from None
    for box in config.mailboxes:
        check_queue(settings, f"email.mailboxes.{box.name}.queue", box.queue)
    return config


def parse_relay(key: str, raw: Any) -> Relay:
    """ "host:port" (HUB_SMTP_RELAY) or a table with host, port, username, password, starttls."""
    if isinstance(raw, str):
        host, _, port = raw.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise EmailConfigError(key, "host:port, such as smtp.example.com:587")
        return Relay(host, int(port))
    if not isinstance(raw, dict) or not isinstance(raw.get("host"), str):
        raise EmailConfigError(key, "host:port, or a table with host, port, username, password, starttls")
    port = raw.get("port", 25)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise EmailConfigError(f"{key}.port", "a port number")
    return Relay(raw["host"], port, raw.get("username"), raw.get("password"), bool(raw.get("starttls", False)))


def _imap(key: str, raw: Any) -> ImapSource:
    if not isinstance(raw, dict):
        raise EmailConfigError(key, "a table with host, username, password (and port, ssl, folder, after)")
    for name in ("host", "username", "password"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise EmailConfigError(f"{key}.{name}", "a non-empty string")
    after = raw.get("after", "seen")
    if after not in ("seen", "delete") and not (isinstance(after, str) and after.startswith("move:") and after[5:]):
        raise EmailConfigError(f"{key}.after", '"seen", "delete" or "move:<folder>"')
    ssl = bool(raw.get("ssl", True))
    port, poll = raw.get("port", 993 if ssl else 143), raw.get("poll_seconds", 60)
    if not isinstance(port, int) or not isinstance(poll, int) or poll < 1:
        raise EmailConfigError(key, "port and poll_seconds must be whole numbers")
    return ImapSource(raw["host"], raw["username"], raw["password"], port, ssl, raw.get("folder", "INBOX"), after, poll)


def parse_email(raw: Any) -> EmailConfig:
    if not isinstance(raw, dict):
        raise EmailConfigError("email", "an [email] table")
    mailboxes = []
    for name, spec in (raw.get("mailboxes") or {}).items():
        key = f"email.mailboxes.{name}"
        if not isinstance(spec, dict):
            raise EmailConfigError(key, "a table with addresses (and queue, from_name, auto_ack, imap)")
        addresses = spec.get("addresses") or ([spec["address"]] if isinstance(spec.get("address"), str) else None)
        if not isinstance(addresses, list) or not all(isinstance(a, str) and "@" in a for a in addresses):
            raise EmailConfigError(f"{key}.addresses", 'a list of addresses such as ["support@example.com"]')
        ack = spec.get("auto_ack")
        if ack is not None and (not isinstance(ack, str) or not ack.strip()):
            raise EmailConfigError(f"{key}.auto_ack", "the acknowledgement text")
        imap = _imap(f"{key}.imap", spec["imap"]) if "imap" in spec else None
        mailboxes.append(
            Mailbox(
                name,
                tuple(a.lower() for a in addresses),
                spec.get("queue"),
                spec.get("from_name", "Support"),
                ack,
                imap,
            )
        )
    limits = {
        k: raw.get(k)
        for k in ("max_message_bytes", "raw_retention_days", "acks_per_sender_per_hour", "mails_per_sender_per_minute")
    }
    for k, v in limits.items():
        if v is not None and (not isinstance(v, int) or v < 0):
            raise EmailConfigError(f"email.{k}", "a whole number")
    return EmailConfig(
        mailboxes=tuple(mailboxes),
        relay=parse_relay("email.relay", raw["relay"]) if "relay" in raw else None,
        listen_host=str(raw.get("listen_host", "127.0.0.1")),
        max_message_bytes=limits["max_message_bytes"] or DEFAULTS.max_message_bytes,
        raw_dir=str(raw.get("raw_dir", "var/mail-raw")),
        raw_retention_days=limits["raw_retention_days"] or DEFAULTS.raw_retention_days,
        acks_per_sender_per_hour=limits["acks_per_sender_per_hour"] or DEFAULTS.acks_per_sender_per_hour,
        mails_per_sender_per_minute=limits["mails_per_sender_per_minute"] or DEFAULTS.mails_per_sender_per_minute,
        by_address={a: m for m in mailboxes for a in m.addresses},
    )
