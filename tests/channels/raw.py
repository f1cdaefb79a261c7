"""Per channel setup (hub/channels/setups.py), how its raw fixture files become what parse_inbound takes.

tests/channels/<setup name>/raw.py has LOADERS: {channel kind: (glob of its files under the fixtures/ folder beside it,
loader)}; the channel contract test finds them through the list of setups, so a new channel adds a folder here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Loaded = tuple[Any, str | None]  # (raw input for parse_inbound, the rejection code expected or None)
Loaders = dict[str, tuple[str, Callable[[Path], Loaded]]]
