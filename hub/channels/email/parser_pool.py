"""Big mail is parsed in a worker process: the parser's long C calls (decoding, regexes, HTML) hold the GIL,
and in a thread they would stall the event loop for the whole hub while a 5 MB mail is read."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from hub.channels.email.bounces import DeliveryReport, delivery_report
from hub.channels.email.parse import ParsedMail, parse_mail

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)
# Below this a thread is cheaper than shipping the bytes to another process and the result back.
PROCESS_FROM_BYTES = 64 * 1024


Parsed = tuple[ParsedMail, DeliveryReport | None]


def parse_detached(data: bytes, envelope_from: str | None = None, content_hash: str | None = None) -> Parsed:
    """The parsed mail without its message tree (large, and only needed to read a delivery report: done here)."""
    mail = parse_mail(data, envelope_from, content_hash=content_hash)
    return dataclasses.replace(mail, message=None), delivery_report(mail)


def parse_file(path: str, envelope_from: str | None, content_hash: str | None) -> Parsed:
    """parse_detached on the mail's raw copy: the worker reads the file (from the page cache, it was just
    written) rather than receiving the bytes pickled through a pipe (5 MB: 6 ms of CPU against under 1)."""
    return parse_detached(Path(path).read_bytes(), envelope_from, content_hash)


class MailParser:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    @staticmethod
    def in_thread(data: bytes) -> bool:
        """Whether `parse` reads this mail in a thread (small mail) rather than in the worker process."""
        return len(data) < PROCESS_FROM_BYTES

    async def parse(
        self, data: bytes, envelope_from: str | None = None, content_hash: str | None = None, copy: Path | None = None
    ) -> Parsed:
        """(mail, what it reports if it is a delivery report). `envelope_from`: SMTP's MAIL FROM, if any;
        `content_hash`: the bytes' SHA-256 if known; `copy`: a file holding the same bytes, if there is one."""
        if self.in_thread(data):
            return await asyncio.to_thread(parse_detached, data, envelope_from, content_hash)
        # multiprocessing and the process pool's module: with the first big mail, as the pool itself.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is None:
            # Started on the first big mail, not at start-up: most hubs (and tests) never need it.
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        loop = asyncio.get_running_loop()
        try:
            if copy is not None:
                try:
                    return await loop.run_in_executor(self._pool, parse_file, str(copy), envelope_from, content_hash)
                except OSError:  # the copy went meanwhile (a customer's erasure): the bytes themselves, then
                    log.warning("raw copy %s unreadable; the mail goes to the parser process whole", copy)
            return await loop.run_in_executor(self._pool, parse_detached, data, envelope_from, content_hash)
        except BrokenProcessPool:
            log.warning("mail parser process died; parsing this mail in a thread and starting a new process")
            self._pool = None
            return await asyncio.to_thread(parse_detached, data, envelope_from, content_hash)

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
