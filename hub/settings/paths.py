"""Where the hub's own files are: a checkout's folders, or the copies an installed wheel carries in hub/_data."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # the hub package
BUNDLED = PACKAGE / "_data"  # filled by setup.py when a wheel is built; never present in a checkout
# A checkout (editable install included) reads its own folders, so an edited template shows without a rebuild.
ROOT = BUNDLED if BUNDLED.is_dir() else PACKAGE.parent

TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
LOCALE = ROOT / "locale"  # gettext .po catalogs, compiled in memory at start-up
CONFIG = ROOT / "config"  # the default configuration and the demo's sample articles
# Browser assets npm installs (the socket.io client); a wheel carries the one file the console needs.
BROWSER_ASSETS = ROOT / "node_modules"
