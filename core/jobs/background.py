"""The one Qt adapter: runs a plain engine (``core/engine``) on its own QThread.

Every background job (submit, order monitor, bulk edit/cancel, connection check) is an
engine run through a ``BackgroundJob``. The engine's reports reach the owner's thread
as ``reported(name, args)``; ``ended(how)`` ("finished" | "cancelled" | "failed") always
comes last, after every event. ``cancel()`` aborts the engine's requests directly.
"""

import collections
import time

from qgis.PyQt.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QThread,
    QTimer,
    pyqtSignal,
    pyqtSlot,
)

from ..engine.base import FAILED

#: the owner's thread applies reports for at most this long per turn of its event loop
#: (a 100,000-target run queues dozens of 1,000-result batches between two turns: applied
#: in one go they were the main thread's longest stalls); the rest on the next turns
DELIVERY_BUDGET_S = 0.012


class _EngineThread(QThread):
    def __init__(self, job: "BackgroundJob"):
        super().__init__()
        self._job = job

    def run(self) -> None:
        engine = self._job.engine
        how = FAILED
        try:
            how = engine.run()
        finally:
            self._job._ended_posted.emit(how)


class BackgroundJob(QObject):
    """Owns one QThread running one engine, once. Create it in the owner's thread."""

    reported = pyqtSignal(str, tuple)  # the engine's report: name, its arguments
    ended = pyqtSignal(str)  # finished | cancelled | failed: always last

    # emitted on the engine's thread; queued to this object, which re-emits them in order
    _event_posted = pyqtSignal()  # reports are waiting in _inbox
    _ended_posted = pyqtSignal(str)

    def __init__(self, engine, name: str, parent=None):
        super().__init__(parent)
        self.engine = engine
        engine.on_event = self._post
        self._end = None  # "how", once the thread ended with reports still in _inbox
        self._inbox = collections.deque()  # (name, args), appended by the engine's thread
        self._event_posted.connect(self._deliver_events)
        self._more = QTimer(self)  # the next turn's share of the reports
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._deliver_events)
        self._ended_posted.connect(self._deliver_end)
        self._thread = _EngineThread(self)
        self._thread.setObjectName(name)
        self._active = False
        self.how = ""  # once ended

    # -- control (owner's thread) ------------------------------------------------------
    def start(self) -> "BackgroundJob":
        self._active = True
        self._thread.start()
        return self

    def cancel(self) -> None:
        self.engine.cancel()

    def is_running(self) -> bool:
        """True from start() until ``ended`` was delivered."""
        return self._active

    @property
    def error(self):
        """The engine's fatal error (a TaskingError) once it ended "failed"."""
        return self.engine.error

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Cancel, join the thread, deliver what it reported (``ended`` last). False only if
        the thread did not stop in time (the caller must keep this object until it does)."""
        self.engine.cancel()
        ok = self._thread.wait(int(timeout_ms))
        if ok:
            self._deliver_events(budget=None)
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall)
        return ok

    # -- relays ------------------------------------------------------------------------------
    def _post(self, name: str, *args) -> None:
        inbox = self._inbox
        inbox.append((name, args))
        if len(inbox) == 1:  # else a wake-up is on its way or being handled (deque: atomic)
            self._event_posted.emit()

    @pyqtSlot()
    def _deliver_events(self, budget=DELIVERY_BUDGET_S) -> None:
        """Reports in order, for ``budget`` seconds (None: all of them)."""
        inbox = self._inbox
        until = None if budget is None else time.perf_counter() + budget
        while inbox:
            name, args = inbox.popleft()
            self.reported.emit(name, args)
            if until is not None and inbox and time.perf_counter() > until:
                self._more.start()
                return
        if self._end is not None:
            self._finish(self._end)

    @pyqtSlot(str)
    def _deliver_end(self, how: str) -> None:
        if self._inbox:  # after the reports still waiting (ended always comes last)
            self._end = how
            self._more.start()
            return
        self._finish(how)

    def _finish(self, how: str) -> None:
        self._end = None
        if not self._active:
            return
        self._active = False
        self.how = how
        # the thread returns right after posting this: join it, so it is never destroyed
        # running when the owner drops this object
        self._thread.wait(2000)
        self.ended.emit(how)
