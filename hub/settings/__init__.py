"""Typed settings from config/hub.toml and HUB_* environment variables; no side effects."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from hub.settings import paths
from hub.settings import values as setting
from hub.settings.values import OMITTED, Network, SettingsError
from hub.tickets.business_time import Calendar
from hub.tickets.calendar_config import CalendarError, parse_calendars
from hub.tickets.delivery_ages import DeliveryAgeError, DeliveryAges, parse_delivery

__all__ = ["OMITTED", "PROJECT_ROOT", "QueueConfig", "Settings", "SettingsError", "load_settings"]
PROJECT_ROOT = paths.ROOT  # the checkout, or the copies of templates, config... an installed wheel carries
DEFAULT_CONFIG = Path("config/hub.toml")


# The TOML tables the core reads; every other top-level table is a channel's ([email], [twilio], ...), kept raw in
# Settings.channels for that channel's own config.py (settings never imports a channel).
CORE_TABLES = frozenset({"hub", "queues", "customers", "delivery", "calendars"})


@dataclass(frozen=True, slots=True)
class QueueConfig:
    name: str
    display_name: str
    calendar: str | None = None  # a [calendars.<name>] its SLA clocks run on; None: around the clock
    auto_assign: bool = True  # False: routing leaves its tickets for agents to pick


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the hub reads from its environment, validated once at start-up."""

    database_url: str = "sqlite+aiosqlite:///var/hub.db"
    # "full": every acknowledged commit is on disk (survives a power cut); "fast": may lose the last commits to a
    # power cut or kernel crash (SQLite synchronous=NORMAL, PostgreSQL synchronous_commit=off). docs/operations.md
    database_durability: str = "full"
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
    # [calendars.<name>]: business hours, holidays and extra working days SLA clocks count in (docs/sla.md).
    calendars: Mapping[str, Calendar] = field(default_factory=dict)
    default_queue: str = "general"
    wechat_api_base: str | None = None  # None: WeChat's own API
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
    # [hub] smtp_relay (HUB_SMTP_RELAY), as written: "host:port" or a table; the email channel reads it.
    smtp_relay: str | Mapping[str, Any] | None = None
    # [customers] default_region (HUB_CUSTOMERS_DEFAULT_REGION): the country (ISO 3166, e.g. "CN") whose national
    # phone numbers an import reads when a row names no country or address.
    customers_default_region: str | None = None
    # Each channel's table ([email], [twilio], [wechat], [webchat], ...) by name: the TOML as written, or the
    # channel's parsed config put in its place by code (tests); the channel's config.py parses and checks it.
    channels: Mapping[str, Any] = field(default_factory=dict)
    # The HUB_* variables read at start-up, for the channels' own (HUB_TWILIO_AUTH_TOKEN): not shown in repr.
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    def with_channel(self, name: str, config: object) -> Settings:
        """A copy whose channel `name` runs with this parsed config (its config.py's type) instead of its table."""
        return replace(self, channels={**self.channels, name: config})

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


_PARSERS: dict[str, Callable[[str, object], Any]] = {
    "database_url": setting.database_url,
    "database_durability": setting.one_of("full", "fast"),
    "http_host": setting.host,
    "http_port": setting.port,
    "smtp_port": setting.port,
    "redis_url": setting.url(("redis", "rediss")),
    "public_url": setting.url(("http", "https")),
    "assets_dir": setting.text,
    "chat_max_message_bytes": setting.positive_int,
    "chat_transport_max_bytes": setting.positive_int,
    "reopen_window_hours": setting.positive_int,
    "sla_first_response_minutes": setting.positive_int,
    "sla_resolution_minutes": setting.positive_int,
    "session_max_age_hours": setting.positive_int,
    "trusted_proxies": setting.trusted_proxies,
    "signin_concurrent_checks": setting.positive_int,
    "two_factor_required": setting.boolean,
    "outbox_max_attempts": setting.positive_int,
    "default_queue": setting.text,
    "wechat_api_base": setting.url(("http", "https")),
    "wechat_replay_window_s": setting.positive_int,
    "request_body_timeout_s": setting.positive_int,
    "attachments_dir": setting.text,
    "attachment_max_bytes": setting.positive_int,
    "knowledge_locales": setting.locales,
    "routing_config": setting.text,
    "customers_default_region": setting.region,
    "smtp_relay": lambda key, raw: raw.strip() if isinstance(raw, str) else raw,  # the email channel checks it
}


def _queues(raw: object) -> tuple[QueueConfig, ...]:
    if not isinstance(raw, dict) or not raw:
        raise SettingsError("queues", raw, "a [queues.<name>] table with display_name")
    result = []
    for name, spec in raw.items():
        display = spec.get("display_name", name) if isinstance(spec, dict) else None
        if not isinstance(display, str):
            raise SettingsError(f"queues.{name}", spec, "a table with a display_name string")
        calendar, auto = spec.get("calendar"), spec.get("auto_assign", True)
        if calendar is not None and not isinstance(calendar, str):
            raise SettingsError(f"queues.{name}.calendar", calendar, "the name of a [calendars.<name>] table")
        if not isinstance(auto, bool):
            raise SettingsError(f"queues.{name}.auto_assign", auto, "true or false")
        result.append(QueueConfig(name=name, display_name=display, calendar=calendar, auto_assign=auto))
    return tuple(result)


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read HUB_CONFIG (a TOML file, optional when left at its default), then HUB_* variables."""
    env = os.environ if env is None else env
    config_path = Path(env.get("HUB_CONFIG", str(DEFAULT_CONFIG)))
    values: dict[str, Any] = {"config": str(config_path), "env": {k: v for k, v in env.items() if k.startswith("HUB_")}}
    file_values, values["channels"] = _read_toml(config_path, explicit="HUB_CONFIG" in env)
    known = {f.name for f in fields(Settings)}
    for key, raw in file_values.items():
        if key == "queues":
            values["queues"] = _queues(raw)
        elif key == "delivery":
            values["delivery"] = raw
        elif key == "calendars":
            try:
                values["calendars"] = parse_calendars(raw, (config_path.parent, paths.CONFIG))
            except CalendarError as exc:
                raise SettingsError(f"{config_path}:{exc.key}", exc.value, exc.expected) from None
        elif key == "customers":
            for name, value in raw.items() if isinstance(raw, dict) else [("", raw)]:
                if name != "default_region":
                    raise SettingsError(f"{config_path}:customers.{name}", value, "only default_region")
                values["customers_default_region"] = setting.region(f"{config_path}:customers.default_region", value)
        elif key in _PARSERS:
            values[key] = _PARSERS[key](f"{config_path}:{key}", raw)
        elif key not in known or key in ("channels", "env"):
            raise SettingsError(f"{config_path}:{key}", raw, f"one of {', '.join(sorted(_PARSERS))}")
    for key, parser in _PARSERS.items():
        env_key = "HUB_" + key.upper()
        if env_key in env:
            values[key] = parser(env_key, env[env_key])
    try:
        values["delivery"] = parse_delivery(values.get("delivery"), env, f"{config_path}:delivery")
    except DeliveryAgeError as exc:
        raise SettingsError(exc.key, OMITTED, exc.expected) from None
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
    # A queue's calendar is checked at start-up against the stored calendars (hub/app/lifecycle.py): an admin
    # may have made it through the API, so it need not be a table of this file.
    return settings


def _read_toml(path: Path, *, explicit: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The [hub] keys with the core's own tables ([queues], ...), and the channels' tables by name."""
    if not path.exists():
        if explicit:
            raise SettingsError("HUB_CONFIG", str(path), "the path of an existing TOML file")
        return {}, {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError("HUB_CONFIG", str(path), f"valid UTF-8 TOML ({exc})") from None
    hub = data.get("hub", {})
    if not isinstance(hub, dict):
        raise SettingsError(f"{path}:hub", hub, "a [hub] table")
    core = {**hub, **{name: table for name, table in data.items() if name in CORE_TABLES - {"hub"}}}
    return core, {name: table for name, table in data.items() if name not in CORE_TABLES}
