"""Worker threads' long Python loops hand the GIL over now and then.

While a worker runs Python, the main thread waits up to the switch interval (5 ms) each
time Qt calls into Python (every cell a view paints, every timer): hundreds of such waits
were the main thread's longest stalls at 100,000 targets. A ``time.sleep(0)`` releases the
GIL and lets a waiting thread take it at once.
"""

import threading
import time
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")

#: items between two hand-overs (a few hundred microseconds of Python)
EVERY = 500


def yielding(items: Iterable[T], every: int = EVERY) -> Iterator[T]:
    """``items``, the GIL handed over every ``every`` of them; on the main thread as they
    are (handing it over there would make the main thread wait to take it back)."""
    if threading.current_thread() is threading.main_thread():
        yield from items
        return
    for i, item in enumerate(items, 1):
        yield item
        if not i % every:
            time.sleep(0)
