"""How worker threads leave the main thread room: their long loops hand the GIL over
now and then (``yielding``), those that make 100,000s of objects pause the cyclic
collector together (``collector_paused``), and writers whose work may wait run at a lower
CPU priority (``background_priority``).

While a worker runs Python, the main thread waits up to the switch interval (5 ms) each
time Qt calls into Python (every cell a view paints, every timer): hundreds of such waits
were the main thread's longest stalls at 100,000 targets. ``time.sleep(0)`` releases the
GIL but asks for it again at once, so a busy worker still cuts into every Python call of
the main thread 5 ms later; a short real sleep leaves the GIL free for a while, and the
main thread's calls from Qt meet no wait in that time.
"""

import gc
import os
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")

#: items between two hand-overs (a few hundred microseconds of Python at most)
EVERY = 200
#: how long the worker leaves the GIL alone each time
PAUSE = 0.0005


def yielding(items: Iterable[T], every: int = EVERY) -> Iterator[T]:
    """``items``, the GIL left alone for PAUSE every ``every`` of them; on the main thread
    as they are (handing it over there would make the main thread wait to take it back)."""
    if threading.current_thread() is threading.main_thread():
        yield from items
        return
    for i, item in enumerate(items, 1):
        yield item
        if not i % every:
            time.sleep(PAUSE)


_paused_lock = threading.Lock()
_paused_depth = 0
_paused_was_enabled = False


@contextmanager
def collector_paused():
    """The cyclic garbage collector paused while a worker makes hundreds of thousands of
    objects that form no cycles (a 100,000-target job built, copied, written; a result
    layer's features). Each automatic full collection meanwhile walked all of them with
    the GIL held, collecting nothing: 15-170 ms main-thread stalls. Process-wide, so
    counted across threads: the last one out turns it back on (if it was on)."""
    global _paused_depth, _paused_was_enabled
    with _paused_lock:
        if _paused_depth == 0:
            _paused_was_enabled = gc.isenabled()
            gc.disable()
        _paused_depth += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused_depth -= 1
            if _paused_depth == 0 and _paused_was_enabled:
                gc.enable()


def background_priority(niceness: int = 5) -> None:
    """Lower the calling thread's CPU priority (Linux: a thread has its own nice value).
    For threads whose work may wait (the store's writer, the result layer's): on a busy
    machine the main thread then gets a core first. Elsewhere, or if refused: nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), niceness))
    except (AttributeError, OSError):
        pass
