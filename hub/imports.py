"""Imports without a library's optional extras, when the hub never uses what they add (memory, not features)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without(*extras: str) -> Iterator[None]:
    """Within: `import extra` fails as if the package were not installed, for each extra not yet imported.

    For libraries that try an optional package and carry on without it: jieba reads its dictionary with
    pkg_resources when it can (12 MB of imports; a plain open() does the same), mako highlights template
    tracebacks with pygments (alembic imports mako; the hub renders no mako template). Afterwards the extras
    import normally for whoever needs them."""
    blocked = [name for name in extras if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not available" marker
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


# python-socketio's package imports every client and message queue it has; a server without Redis needs none
# of their optional libraries (docs/performance.md "Memory": 5 MB of RSS, 80 modules).
SOCKET_CLIENT_EXTRAS = ("requests", "websocket")  # engineio's synchronous client: never used by a server
SOCKET_QUEUE_EXTRAS = ("redis", "valkey")  # socketio's Redis managers: needed when Redis is configured


def server_socketio(*, redis: bool) -> None:
    """Import python-socketio (and engine.io) as a server needs it: without the HTTP and websocket libraries
    of its clients and, unless the server talks to Redis, without redis.

    Both packages try these imports and carry on without them (their clients and Redis managers then refuse
    to start, which a server without Redis never asks of them). Only for a process's first import of
    socketio, made where the settings are known (`hub serve`): later imports of the extras work as usual."""
    if "socketio" in sys.modules:
        return
    with without(*SOCKET_CLIENT_EXTRAS, *(() if redis else SOCKET_QUEUE_EXTRAS)):
        import socketio  # noqa: F401  # imported here for its side effect: the package in sys.modules
