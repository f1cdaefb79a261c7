"""The explicit registry of channels by name; unknown or duplicate names fail at start-up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from hub.channels.base import Channel


class UnknownChannel(LookupError):
    pass


class ChannelRegistry:
    def __init__(self, channels: Iterable[Channel] = ()) -> None:
        self._channels: dict[str, Channel] = {}
        for channel in channels:
            self.register(channel)

    def register(self, channel: Channel) -> None:
        if channel.kind in self._channels:
            raise ValueError(f"channel {channel.kind!r} is registered twice")
        self._channels[channel.kind] = channel

    def get(self, kind: str) -> Channel:
        try:
            return self._channels[kind]
        except KeyError:
            raise UnknownChannel(f"no channel named {kind!r} is configured") from None

    def __contains__(self, kind: object) -> bool:
        return kind in self._channels

    def __iter__(self) -> Iterator[Channel]:
        return iter(self._channels.values())

    async def start_all(self) -> None:
        for channel in self._channels.values():
            await channel.start()

    async def stop_all(self) -> None:
        for channel in reversed(list(self._channels.values())):
            await channel.stop()
