"""Big mail is parsed in a worker process: the parser's long C calls (decoding, regexes, HTML) hold the GIL,
and in a thread they would stall the event loop for the whole hub while a 5 MB mail is read."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING

from hub.channels.email.bounces import DeliveryReport, delivery_report
from hub.channels.email.parse import ParsedMail, parse_mail

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)
# Below this a thread is cheaper than shipping the bytes to another process and the result back.
PROCESS_FROM_BYTES = 64 * 1024


Parsed = tuple[ParsedMail, DeliveryReport | None]


def parse_detached(data: bytes, envelope_from: str | None = None) -> Parsed:
    """The parsed mail without its message tree (large, and only needed to read a delivery report: done here)."""
    mail = parse_mail(data, envelope_from)
    return dataclasses.replace(mail, message=None), delivery_report(mail)


class MailParser:
    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def parse(self, data: bytes, envelope_from: str | None = None) -> Parsed:
        """(mail, what it reports if it is a delivery report). `envelope_from`: SMTP's MAIL FROM, if any."""
        if len(data) < PROCESS_FROM_BYTES:
            return await asyncio.to_thread(parse_detached, data, envelope_from)
        # multiprocessing and the process pool's module: with the first big mail, as the pool itself.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        if self._pool is None:
            # Started on the first big mail, not at start-up: most hubs (and tests) never need it.
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, parse_detached, data, envelope_from)
        except BrokenProcessPool:
            log.warning("mail parser process died; parsing this mail in a thread and starting a new process")
            self._pool = None
            return await asyncio.to_thread(parse_detached, data, envelope_from)

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
