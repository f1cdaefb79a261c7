"""Typed settings from config/hub.toml and HUB_* environment variables; no side effects."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import phonenumbers

from hub.channels.base import ChannelConfigError
from hub.channels.email.config import EmailConfig, EmailConfigError, Relay, parse_email, parse_relay
from hub.channels.twilio.config import TwilioConfig, TwilioConfigError, parse_api_base, parse_twilio
from hub.channels.webchat.config import WebchatConfig, parse_webchat
from hub.channels.wechat.config import DEFAULT_API_BASE, WeChatAccount, parse_accounts
from hub.ops.client_address import Network, parse_trusted_proxies
from hub.ops.log_redaction import hide_credentials
from hub.tickets.delivery_ages import DeliveryAgeError, DeliveryAges, parse_delivery

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = Path("config/hub.toml")


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the key and what is expected."""

    def __init__(self, key: str, value: object, expected: str) -> None:
        shown = "" if value is _OMITTED else f"={value!r}"
        super().__init__(f"{key}{shown}: expected {expected}")
        self.key = key


_OMITTED = object()  # for errors about a whole table, where no single value is wrong


@dataclass(frozen=True, slots=True)
class QueueConfig:
    name: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the hub reads from its environment, validated once at start-up."""

    database_url: str = "sqlite+aiosqlite:///var/hub.db"
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    smtp_port: int = 2525
    redis_url: str | None = None
    public_url: str | None = None
    config: str = str(DEFAULT_CONFIG)
    # Where npm installed the browser assets (socket.io-client); set-up runs `npm ci` there.
    assets_dir: str = str(PROJECT_ROOT / "node_modules")
    chat_max_message_bytes: int = 10_240
    # The largest socket.io packet read at all (engine.io's max_http_buffer_size): above the message limit,
    # so an oversized message reaches the hub and gets its too_large answer. None: chat_transport_bytes.
    chat_transport_max_bytes: int | None = None
    webchat: WebchatConfig = field(default_factory=WebchatConfig)  # [webchat.widgets.<name>] identity secrets
    # How long after "solved" a new contact reopens the ticket instead of opening a new one.
    reopen_window_hours: int = 168
    # First-response target (minutes) used for a new ticket until per-tier SLAs are configured.
    sla_first_response_minutes: int = 60
    sla_resolution_minutes: int = 1440
    session_max_age_hours: int = 12
    # Proxies (addresses or CIDRs) whose X-Forwarded-For is believed: the client is the right-most hop not in here.
    trusted_proxies: tuple[Network, ...] = ()
    # Password checks (argon2, ~100-300 ms of CPU each) running at once, in worker threads; more get 429 at once.
    signin_concurrent_checks: int = 2
    # Supervisors and admins must sign in with a second factor (TOTP); they enrol at their next sign-in.
    two_factor_required: bool = False
    # A reply is retried until its channel's maximum age ([delivery.max_age]); this also caps the number of
    # tries when set (HUB_OUTBOX_MAX_ATTEMPTS), for deployments that relied on it.
    outbox_max_attempts: int | None = None
    delivery: DeliveryAges = field(default_factory=DeliveryAges)
    queues: tuple[QueueConfig, ...] = field(default=(QueueConfig("general", "General"),))
    default_queue: str = "general"
    wechat_accounts: tuple[WeChatAccount, ...] = ()
    wechat_api_base: str = DEFAULT_API_BASE
    # A WeChat push whose URL timestamp or CreateTime is further from now than this is refused as a replay.
    wechat_replay_window_s: int = 300
    # A request whose body has not fully arrived this long after it started is answered 408 and dropped.
    request_body_timeout_s: int = 30
    # Where attachments (WeChat media, later mail parts) are stored, and the largest one accepted.
    attachments_dir: str = "var/attachments"
    attachment_max_bytes: int = 20 * 1024 * 1024
    # Article languages; suggestions prefer the customer's. Add more in [hub] knowledge_locales.
    knowledge_locales: tuple[str, ...] = ("en", "zh-CN")
    routing_config: str = "config/routing.toml"
    email: EmailConfig = field(default_factory=EmailConfig)
    smtp_relay: Relay | None = None  # HUB_SMTP_RELAY host:port; overrides [email] relay
    # [twilio]; HUB_TWILIO_ACCOUNT_SID, HUB_TWILIO_AUTH_TOKEN and HUB_TWILIO_API_BASE override its keys.
    twilio: TwilioConfig = field(default_factory=TwilioConfig)
    # [customers] default_region (HUB_CUSTOMERS_DEFAULT_REGION): the country (ISO 3166, e.g. "CN") whose national
    # phone numbers an import reads when a row names no country or address.
    customers_default_region: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def chat_transport_bytes(self) -> int:
        return self.chat_transport_max_bytes or max(CHAT_TRANSPORT_DEFAULT, chat_transport_floor(self))


CHAT_TRANSPORT_DEFAULT = 1024 * 1024


def chat_transport_floor(settings: Settings) -> int:
    """A message at the limit, JSON-escaped (a control character is six bytes: \\u0001) in its packet."""
    return settings.chat_max_message_bytes * 6 + 1024


def _port(key: str, raw: object) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        raise SettingsError(key, raw, "an integer port between 1 and 65535") from None
    if not 1 <= value <= 65535:
        raise SettingsError(key, raw, "an integer port between 1 and 65535")
    return value


def _positive_int(key: str, raw: object) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        raise SettingsError(key, raw, "a positive integer") from None
    if value <= 0:
        raise SettingsError(key, raw, "a positive integer")
    return value


def _database_url(key: str, raw: object) -> str:
    url = str(raw).strip()
    # Accept the driver-less spellings people copy from docs and pick our async drivers.
    if url.startswith("sqlite:///"):
        url = "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+asyncpg://" + url.removeprefix(prefix)
    if not url.startswith(("sqlite+aiosqlite:///", "postgresql+asyncpg://")):
        # Shown without its password: the message reaches the terminal and the logs.
        raise SettingsError(key, hide_credentials(str(raw)), "a sqlite:///path or postgresql://user:pass@host/db URL")
    return url


def _url(schemes: tuple[str, ...]) -> Callable[[str, object], str | None]:
    def parse(key: str, raw: object) -> str | None:
        text = str(raw).strip()
        if not text:
            return None
        parts = urlsplit(text)
        if parts.scheme not in schemes or not parts.netloc:
            raise SettingsError(key, raw, f"a URL starting with {' or '.join(s + '://' for s in schemes)}")
        return text.rstrip("/")

    return parse


def _locales(key: str, raw: object) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not items:
        raise SettingsError(key, raw, 'a list of locale tags such as ["en", "zh-CN"]')
    locales = tuple(str(i).strip() for i in items if str(i).strip())
    if not locales or not all(re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", loc) for loc in locales):
        raise SettingsError(key, raw, 'locale tags such as "en", "zh-CN", "zh-TW"')
    return locales


def _host(key: str, raw: object) -> str:
    text = str(raw).strip()
    if not text or any(c.isspace() for c in text):
        raise SettingsError(key, raw, "a host name or IP address")
    return text


def _region(key: str, raw: object) -> str | None:
    text = str(raw).strip().upper()
    if not text:
        return None
    if text not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(key, raw, 'a two-letter country code (ISO 3166) such as "CN" or "US"')
    return text


def _trusted_proxies(key: str, raw: object) -> tuple[Network, ...]:
    try:
        return parse_trusted_proxies(raw)
    except ValueError as exc:
        raise SettingsError(key, raw, str(exc)) from None


def _bool(key: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text not in ("true", "false", "1", "0", "yes", "no"):
        raise SettingsError(key, raw, "true or false")
    return text in ("true", "1", "yes")


def _text(key: str, raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise SettingsError(key, raw, "a non-empty string")
    return raw


_PARSERS: dict[str, Callable[[str, object], Any]] = {
    "database_url": _database_url,
    "http_host": _host,
    "http_port": _port,
    "smtp_port": _port,
    "redis_url": _url(("redis", "rediss")),
    "public_url": _url(("http", "https")),
    "assets_dir": _text,
    "chat_max_message_bytes": _positive_int,
    "chat_transport_max_bytes": _positive_int,
    "reopen_window_hours": _positive_int,
    "sla_first_response_minutes": _positive_int,
    "sla_resolution_minutes": _positive_int,
    "session_max_age_hours": _positive_int,
    "trusted_proxies": _trusted_proxies,
    "signin_concurrent_checks": _positive_int,
    "two_factor_required": _bool,
    "outbox_max_attempts": _positive_int,
    "default_queue": _text,
    "wechat_api_base": _url(("http", "https")),
    "wechat_replay_window_s": _positive_int,
    "request_body_timeout_s": _positive_int,
    "attachments_dir": _text,
    "attachment_max_bytes": _positive_int,
    "knowledge_locales": _locales,
    "routing_config": _text,
    "customers_default_region": _region,
    "smtp_relay": lambda key, raw: _relay(key, raw),
}


def _relay(key: str, raw: object) -> Relay:
    try:
        return parse_relay(key, raw)
    except EmailConfigError as exc:
        raise SettingsError(key, raw, exc.expected) from None


def _queues(raw: object) -> tuple[QueueConfig, ...]:
    if not isinstance(raw, dict) or not raw:
        raise SettingsError("queues", raw, "a [queues.<name>] table with display_name")
    result = []
    for name, spec in raw.items():
        display = spec.get("display_name", name) if isinstance(spec, dict) else None
        if not isinstance(display, str):
            raise SettingsError(f"queues.{name}", spec, "a table with a display_name string")
        result.append(QueueConfig(name=name, display_name=display))
    return tuple(result)


# Each channel's table in the TOML and the Settings field its own parser fills.
_CHANNEL_TABLES: dict[str, tuple[str, Callable[[Any], object]]] = {
    "email": ("email", parse_email),
    "twilio": ("twilio", parse_twilio),
    "wechat": ("wechat_accounts", parse_accounts),
    "webchat": ("webchat", parse_webchat),
}


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read HUB_CONFIG (a TOML file, optional when left at its default), then HUB_* variables."""
    env = os.environ if env is None else env
    config_path = Path(env.get("HUB_CONFIG", str(DEFAULT_CONFIG)))
    values: dict[str, Any] = {"config": str(config_path)}
    file_values = _read_toml(config_path, explicit="HUB_CONFIG" in env)
    known = {f.name for f in fields(Settings)}
    for key, raw in file_values.items():
        if key == "queues":
            values["queues"] = _queues(raw)
        elif key in _CHANNEL_TABLES:
            field_name, parse = _CHANNEL_TABLES[key]
            try:
                values[field_name] = parse(raw)
            except ChannelConfigError as exc:
                raise SettingsError(f"{config_path}:{exc.key}", _OMITTED, exc.expected) from None
        elif key == "delivery":
            values["delivery"] = raw
        elif key == "customers":
            for name, value in raw.items() if isinstance(raw, dict) else [("", raw)]:
                if name != "default_region":
                    raise SettingsError(f"{config_path}:customers.{name}", value, "only default_region")
                values["customers_default_region"] = _region(f"{config_path}:customers.default_region", value)
        elif key in _PARSERS:
            values[key] = _PARSERS[key](f"{config_path}:{key}", raw)
        elif key not in known:
            raise SettingsError(f"{config_path}:{key}", raw, f"one of {', '.join(sorted(_PARSERS))}")
    for key, parser in _PARSERS.items():
        env_key = "HUB_" + key.upper()
        if env_key in env:
            values[key] = parser(env_key, env[env_key])
    values["twilio"] = _twilio_env(values.get("twilio", TwilioConfig()), env)
    try:
        values["delivery"] = parse_delivery(values.get("delivery"), env, f"{config_path}:delivery")
    except DeliveryAgeError as exc:
        raise SettingsError(exc.key, _OMITTED, exc.expected) from None
    values.update(overrides)
    settings = Settings(**values)
    if settings.chat_transport_max_bytes is not None and settings.chat_transport_max_bytes < chat_transport_floor(
        settings
    ):
        raise SettingsError(
            "chat_transport_max_bytes",
            settings.chat_transport_max_bytes,
            f"at least {chat_transport_floor(settings)} (6 x chat_max_message_bytes + 1024): a message just over the "
            "limit must reach the hub to be answered too_large",
        )
    queue_names = {q.name for q in settings.queues}
    if settings.default_queue not in queue_names:
        raise SettingsError("default_queue", settings.default_queue, "the name of a configured queue")
    for box in settings.email.mailboxes:
        if box.queue is not None and box.queue not in queue_names:
            raise SettingsError(f"email.mailboxes.{box.name}.queue", box.queue, "the name of a configured queue")
    for number in settings.twilio.numbers.values():
        if number.queue is not None and number.queue not in queue_names:
            raise SettingsError(f"twilio.numbers.{number.number}.queue", number.queue, "the name of a configured queue")
    for account in settings.wechat_accounts:
        for key, target in account.menu.items():
            if target.queue is not None and target.queue not in queue_names:
                raise SettingsError(
                    f"wechat.accounts.{account.name}.menu.{key}.queue", target.queue, "the name of a configured queue"
                )
    return settings


def _twilio_env(config: TwilioConfig, env: Mapping[str, str]) -> TwilioConfig:
    changes: dict[str, Any] = {}
    for key in ("account_sid", "auth_token"):
        if env.get(f"HUB_TWILIO_{key.upper()}"):
            changes[key] = env[f"HUB_TWILIO_{key.upper()}"].strip()
    if env.get("HUB_TWILIO_API_BASE"):
        try:
            changes["api_base"] = parse_api_base("HUB_TWILIO_API_BASE", env["HUB_TWILIO_API_BASE"])
        except TwilioConfigError as exc:
            raise SettingsError(exc.key, env["HUB_TWILIO_API_BASE"], exc.expected) from None
    return replace(config, **changes) if changes else config


def _read_toml(path: Path, *, explicit: bool) -> dict[str, Any]:
    if not path.exists():
        if explicit:
            raise SettingsError("HUB_CONFIG", str(path), "the path of an existing TOML file")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError("HUB_CONFIG", str(path), f"valid UTF-8 TOML ({exc})") from None
    hub = data.get("hub", {})
    if not isinstance(hub, dict):
        raise SettingsError(f"{path}:hub", hub, "a [hub] table")
    for section in ("queues", "wechat", "email", "twilio", "webchat", "customers", "delivery"):
        if section in data:
            hub = {**hub, section: data[section]}
    return hub
