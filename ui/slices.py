"""O(job) passes of the main thread in slices, one slice per turn of the event loop.

At 100,000 rows one pass over every target costs 20-100 ms of the main thread (more on a
loaded machine); several in one go were its longest stalls. A pass written as a generator
that yields between slices runs here a slice at a time, the events in between handled.
"""

from typing import Iterator, Optional

from qgis.PyQt.QtCore import QObject, QTimer

#: targets one slice walks (a few ms of Python each)
SLICE = 10_000


class SlicedPass(QObject):
    """Runs one pass at a time: starting another drops the one under way (its job or its
    rows changed; the new pass sees them)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._current: Optional[Iterator] = None
        self._timer = QTimer(self)  # dies with its owner: no slice after the panel is gone
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)

    def start(self, steps: Iterator, now: bool = False) -> None:
        """``steps``: a generator yielding between slices. ``now``: to its end at once (a
        small job: the same pass, without waiting for the event loop)."""
        self._current = steps
        if now:
            self._timer.stop()
            for _ in steps:
                pass
            self._current = None
            return
        self._timer.start()

    def stop(self) -> None:
        self._current = None
        self._timer.stop()

    def busy(self) -> bool:
        return self._current is not None

    def finish(self) -> None:
        """The pass under way to its end now (someone needs what it makes)."""
        steps, self._current = self._current, None
        self._timer.stop()
        if steps is not None:
            for _ in steps:
                pass

    def _step(self) -> None:
        steps = self._current
        if steps is None:
            return
        if next(steps, StopIteration) is StopIteration:
            if steps is self._current:  # not replaced by the step itself
                self._current = None
            return
        if steps is self._current:
            self._timer.start()
