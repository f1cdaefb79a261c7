"""Background warm-up: the heavy tables load in a thread once the server answers; /readyz waits for it."""

from __future__ import annotations

import gc
import logging
import threading
import time

from hub.agents import accounts
from hub.customers import matching
from hub.knowledge import mapped_file, terms, text
from hub.ops import heap

log = logging.getLogger(__name__)
_started = threading.Event()
_done = threading.Event()


def start() -> None:
    """Once per process: load jieba's dictionary, the pinyin tables and the dummy password hash in a thread.

    Until it finishes, the first request that needs one of them loads it itself (a lock keeps jieba's to once).
    """
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_run, name="hub-warm-up", daemon=True).start()


def done() -> bool:
    """Finished (or failed): until then /readyz says "warming", so no traffic meets a cold process."""
    return _done.is_set()


def wait(timeout: float) -> bool:
    return _done.wait(timeout)


def _run() -> None:
    try:
        _warm()
    finally:
        _done.set()  # a failed warm-up is no reason not to serve: what failed fails again, reported, when used


def _warm() -> None:
    began = time.monotonic()
    try:
        text.prepare()
        terms.prepare()
        matching.prepare()
        accounts.password_matches(None, "")
    except Exception:  # a warm-up is an optimisation: whatever failed here fails again, reported, when used
        log.exception("warm-up failed")
        return
    # What loading left behind is freed (the dictionaries are mapped from their cache file, but the first process
    # on a host builds that file in its own heap), and the heap's free pages go back to the system
    # (docs/performance.md, Memory).
    gc.collect()
    heap.trim()
    # The dictionaries' pages the loading touched go back to the page cache until a look-up needs them again.
    mapped_file.release()
    # As at start-up: the long-lived objects loaded so far (modules, the knowledge index) stay out of the
    # collector's full passes, which would otherwise stall the event loop on each.
    gc.freeze()
    log.info("warm-up done in %.1f s", time.monotonic() - began)
