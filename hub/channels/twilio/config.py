"""The [twilio] section of hub.toml: credentials, numbers and their queues, media limits, the IVR file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from hub.channels.base import ChannelConfigError
from hub.channels.tables import channel_table, check_queue
from hub.customers.identities import e164
from hub.settings import Settings

DEFAULT_MEDIA_HOSTS = ("api.twilio.com", "*.twiliocdn.com")


class TwilioConfigError(ChannelConfigError):
    pass


@dataclass(frozen=True, slots=True)
class TwilioNumber:
    number: str  # E.164
    queue: str | None = None
    name: str = ""
    sms: bool = True
    voice: bool = True


@dataclass(frozen=True, slots=True)
class TwilioConfig:
    account_sid: str = ""
    auth_token: str = ""
    # The SharedKey secret of a Twilio Webhooks Rule: webhooks it matches are signed with it (HMAC-SHA1 or -SHA256,
    # named in X-Twilio-Webhooks-Signature-Settings) instead of the Auth Token.
    webhook_shared_key: str = ""
    # Where the REST client sends its calls: Twilio itself, a regional proxy, or a local fake in tests.
    api_base: str | None = None
    numbers: Mapping[str, TwilioNumber] = field(default_factory=dict)
    # MMS media is fetched only from these hosts ("host", "host:port" or "*.domain"), over https unless
    # media_allow_http; redirects are followed only within the list.
    media_hosts: tuple[str, ...] = DEFAULT_MEDIA_HOSTS
    media_allow_http: bool = False
    media_max_bytes: int = 5 * 1024 * 1024
    media_timeout_s: float = 20.0
    help_reply: str | None = None  # answered to HELP / INFO; None leaves it to Twilio's own handling
    ivr: str = "config/ivr.toml"

    @property
    def enabled(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.numbers)

    def number(self, raw: str) -> TwilioNumber | None:
        try:
            return self.numbers.get(e164(raw))
        except ValueError:
            return None


def twilio_config(settings: Settings) -> TwilioConfig:
    """[twilio] with HUB_TWILIO_ACCOUNT_SID, HUB_TWILIO_AUTH_TOKEN, HUB_TWILIO_WEBHOOK_SHARED_KEY and
    HUB_TWILIO_API_BASE over its keys, and its numbers' queues checked."""
    return channel_table(settings, "twilio", TwilioConfig, _from_settings)


def _from_settings(raw: Any, settings: Settings) -> TwilioConfig:
    config, env, changes = parse_twilio(raw), settings.env, dict[str, Any]()
    for key in ("account_sid", "auth_token", "webhook_shared_key"):
        if env.get(f"HUB_TWILIO_{key.upper()}"):
            changes[key] = env[f"HUB_TWILIO_{key.upper()}"].strip()
    if env.get("HUB_TWILIO_API_BASE"):
        try:
            changes["api_base"] = parse_api_base("HUB_TWILIO_API_BASE", env["HUB_TWILIO_API_BASE"])
        except TwilioConfigError as exc:
            raise TwilioConfigError(exc.key, exc.expected, env["HUB_TWILIO_API_BASE"]) from None
    config = replace(config, **changes) if changes else config
    for number in config.numbers.values():
        check_queue(settings, f"twilio.numbers.{number.number}.queue", number.queue)
    return config


def _str(spec: Mapping[str, Any], key: str, prefix: str, default: str = "") -> str:
    value = spec.get(key, default)
    if not isinstance(value, str):
        raise TwilioConfigError(f"{prefix}.{key}", "a string")
    return value


def _number(value: Any, key: str, expected: str, *, low: float = 1) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
        raise TwilioConfigError(key, expected)
    return value


def parse_twilio(raw: Any) -> TwilioConfig:
    """`raw` is the [twilio] table (None when absent)."""
    if raw is None:
        return TwilioConfig()
    if not isinstance(raw, Mapping):
        raise TwilioConfigError("twilio", "a [twilio] table")
    numbers: dict[str, TwilioNumber] = {}
    for raw_number, spec in (raw.get("numbers") or {}).items():
        key = f'twilio.numbers."{raw_number}"'
        if not isinstance(spec, Mapping):
            raise TwilioConfigError(key, "a table with queue, name, sms, voice")
        try:
            number = e164(raw_number)
        except ValueError as exc:
            raise TwilioConfigError(key, f"an E.164 number such as +15550001111 ({exc})") from None
        queue = spec.get("queue")
        if queue is not None and not isinstance(queue, str):
            raise TwilioConfigError(f"{key}.queue", "a queue name")
        flags = {k: spec.get(k, True) for k in ("sms", "voice")}
        if not all(isinstance(v, bool) for v in flags.values()):
            raise TwilioConfigError(key, "sms and voice as true or false")
        numbers[number] = TwilioNumber(number, queue, _str(spec, "name", key), flags["sms"], flags["voice"])
    hosts = raw.get("media_hosts", list(DEFAULT_MEDIA_HOSTS))
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h and "/" not in h for h in hosts):
        raise TwilioConfigError("twilio.media_hosts", 'a list of host names such as ["api.twilio.com"]')
    api_base = raw.get("api_base")
    if api_base is not None:
        api_base = parse_api_base("twilio.api_base", api_base)
    allow_http = raw.get("media_allow_http", False)
    if not isinstance(allow_http, bool):
        raise TwilioConfigError("twilio.media_allow_http", "true or false")
    help_reply = raw.get("help_reply")
    if help_reply is not None and (not isinstance(help_reply, str) or not help_reply.strip()):
        raise TwilioConfigError("twilio.help_reply", "a non-empty string")
    return TwilioConfig(
        account_sid=_str(raw, "account_sid", "twilio"),
        auth_token=_str(raw, "auth_token", "twilio"),
        webhook_shared_key=_str(raw, "webhook_shared_key", "twilio"),
        api_base=api_base,
        numbers=numbers,
        media_hosts=tuple(h.lower() for h in hosts),
        media_allow_http=allow_http,
        media_max_bytes=int(_number(raw.get("media_max_bytes", 5 * 1024 * 1024), "twilio.media_max_bytes", "bytes")),
        media_timeout_s=_number(raw.get("media_timeout_s", 20), "twilio.media_timeout_s", "seconds", low=0.1),
        help_reply=help_reply,
        ivr=_str(raw, "ivr", "twilio", "config/ivr.toml"),
    )


def parse_api_base(key: str, raw: Any) -> str:
    text = str(raw).strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise TwilioConfigError(key, "a base URL such as https://api.twilio.com or http://127.0.0.1:8099")
    return text
