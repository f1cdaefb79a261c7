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
