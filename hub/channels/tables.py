"""A channel's table from the settings, parsed by the channel's own config.py; its errors read as settings errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from hub.channels.base import ChannelConfigError
from hub.settings import Settings, SettingsError

Config = TypeVar("Config")


def channel_table(
    settings: Settings, name: str, kind: type[Config], parse: Callable[[Any, Settings], Config]
) -> Config:
    """settings.channels[name] when code put a parsed `kind` there (tests), else that TOML table (empty when the
    file has none) parsed, the channel's HUB_* variables applied and its queues checked, by `parse`."""
    value = settings.channels.get(name)
    if isinstance(value, kind):
        return value
    with settings_errors(settings):
        return parse({} if value is None else value, settings)


@contextmanager
def settings_errors(settings: Settings) -> Iterator[None]:
    """Turn a ChannelConfigError into the SettingsError start-up reports: a key from the file is named with the
    file's path (hub.toml:email.relay), a HUB_* variable as it is."""
    try:
        yield
    except ChannelConfigError as exc:
        key = exc.key if exc.key.startswith("HUB_") else f"{settings.config}:{exc.key}"
        raise SettingsError(key, exc.value, exc.expected) from None


def check_queue(settings: Settings, key: str, queue: str | None) -> None:
    """A channel's entry that names a queue must name a configured one."""
    if queue is not None and queue not in {q.name for q in settings.queues}:
        raise ChannelConfigError(key, "the name of a configured queue", queue)
