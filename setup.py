"""Build hook: a wheel carries the templates, static files, catalogs, default config and socket.io client."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Folders a running hub reads (hub/settings/paths.py); in a checkout they stay at the top, where people edit them.
FOLDERS = ("templates", "static", "locale", "config")
# The one npm file the console serves (/static/vendor/socket.io.min.js); the rest of node_modules stays out.
SOCKET_IO_CLIENT = Path("node_modules/socket.io-client/dist/socket.io.min.js")


class BuildWithWebAssets(build_py):
    """Copies the folders into hub/_data of the build, where hub.settings.paths looks first."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own folders
            return
        target = Path(self.build_lib) / "hub" / "_data"
        shutil.rmtree(target, ignore_errors=True)  # a file deleted since an earlier build must not linger in build/
        for name in FOLDERS:
            shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*~"))
        if not (ROOT / SOCKET_IO_CLIENT).is_file():
            raise SystemExit(f"{SOCKET_IO_CLIENT} is missing: run `npm ci` in {ROOT} before building the wheel")
        (target / SOCKET_IO_CLIENT).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / SOCKET_IO_CLIENT, target / SOCKET_IO_CLIENT)


setup(cmdclass={"build_py": BuildWithWebAssets})
