"""Make untrusted text storable everywhere: PostgreSQL refuses NUL in text and JSONB."""

from __future__ import annotations

import re
from typing import Any

# C0 controls other than tab, newline and carriage return carry no meaning in a message.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def storable_text(value: str) -> str:
    return _CONTROLS.sub("", value)


def storable_json(value: Any) -> Any:
    """The same cleaning through nested dicts and lists, keys included."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable_text(str(k)): storable_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable_json(v) for v in value]
    return value
