"""Parsers for single setting values (ports, URLs, locale tags...): each names its key when it refuses one."""

from __future__ import annotations

import re
from collections.abc import Callable
from ipaddress import IPv4Network, IPv6Network, ip_network
from urllib.parse import urlsplit

import phonenumbers

from hub.db.urls import hide_credentials

Network = IPv4Network | IPv6Network

OMITTED = object()  # for errors about a whole table, where no single value is wrong


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message names the key and what is expected."""

    def __init__(self, key: str, value: object, expected: str) -> None:
        shown = "" if value is OMITTED else f"={value!r}"
        super().__init__(f"{key}{shown}: expected {expected}")
        self.key = key


def port(key: str, raw: object) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        raise SettingsError(key, raw, "an integer port between 1 and 65535") from None
    if not 1 <= value <= 65535:
        raise SettingsError(key, raw, "an integer port between 1 and 65535")
    return value


def positive_int(key: str, raw: object) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        raise SettingsError(key, raw, "a positive integer") from None
    if value <= 0:
        raise SettingsError(key, raw, "a positive integer")
    return value


def database_url(key: str, raw: object) -> str:
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


def url(schemes: tuple[str, ...]) -> Callable[[str, object], str | None]:
    def parse(key: str, raw: object) -> str | None:
        text = str(raw).strip()
        if not text:
            return None
        parts = urlsplit(text)
        if parts.scheme not in schemes or not parts.netloc:
            raise SettingsError(key, raw, f"a URL starting with {' or '.join(s + '://' for s in schemes)}")
        return text.rstrip("/")

    return parse


def locales(key: str, raw: object) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not items:
        raise SettingsError(key, raw, 'a list of locale tags such as ["en", "zh-CN"]')
    locales = tuple(str(i).strip() for i in items if str(i).strip())
    if not locales or not all(re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", loc) for loc in locales):
        raise SettingsError(key, raw, 'locale tags such as "en", "zh-CN", "zh-TW"')
    return locales


def host(key: str, raw: object) -> str:
    text = str(raw).strip()
    if not text or any(c.isspace() for c in text):
        raise SettingsError(key, raw, "a host name or IP address")
    return text


def region(key: str, raw: object) -> str | None:
    text = str(raw).strip().upper()
    if not text:
        return None
    if text not in phonenumbers.SUPPORTED_REGIONS:
        raise SettingsError(key, raw, 'a two-letter country code (ISO 3166) such as "CN" or "US"')
    return text


def parse_trusted_proxies(raw: object) -> tuple[Network, ...]:
    """Addresses or CIDRs, as a TOML list or a comma-separated string; ValueError names the bad entry."""
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise ValueError("a list of IP addresses or CIDRs such as 10.0.0.0/8")
    networks = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            networks.append(ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"IP addresses or CIDRs such as 10.0.0.0/8 ({text!r} is neither)") from None
    return tuple(networks)


def trusted_proxies(key: str, raw: object) -> tuple[Network, ...]:
    try:
        return parse_trusted_proxies(raw)
    except ValueError as exc:
        raise SettingsError(key, raw, str(exc)) from None


def boolean(key: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text not in ("true", "false", "1", "0", "yes", "no"):
        raise SettingsError(key, raw, "true or false")
    return text in ("true", "1", "yes")


def text(key: str, raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise SettingsError(key, raw, "a non-empty string")
    return raw


def one_of(*choices: str) -> Callable[[str, object], str]:
    def parse(key: str, raw: object) -> str:
        value = str(raw).strip().lower()
        if value not in choices:
            raise SettingsError(key, raw, " or ".join(repr(c) for c in choices))
        return value

    return parse
