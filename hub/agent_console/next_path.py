"""Where to go after signing in (`next=`): a path on this site, never another site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit


def safe_next(target: str | None, default: str = "/console") -> str:
    """`target` when it is plainly a path here, else `default`.

    Browsers forgive a lot: they drop tabs and newlines ("/\\t/evil.example" is "//evil.example"), read "\\"
    as "/", and some proxies decode "%2F" before routing. So anything but printable ASCII is refused, and the
    path must still be local however often it is percent-decoded."""
    if not target or not all("\x21" <= c <= "\x7e" for c in target):
        return default
    seen = target
    for _ in range(3):  # "%252F" is "%2F" after one decoding and "/" after two
        if not _local(seen):
            return default
        decoded = unquote(seen)
        if decoded == seen:
            break
        seen = decoded
    return target if _local(seen) else default


def _local(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return False
    if any(c < "\x21" or c == "\x7f" for c in path):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc
