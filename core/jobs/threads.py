"""A small base for background tasks on a QThread (order monitor, bulk edit/cancel).

The task object lives on its own QThread and reports through signals only; the
owner (main thread) starts it and, on unload or quit, stops and joins it.
"""

import logging
import threading

from qgis.PyQt.QtCore import QCoreApplication, QEvent, QObject, QThread, pyqtSignal, pyqtSlot

from ..tasking.errors import CancelledError, TaskingError

log = logging.getLogger(__name__)


class BackgroundTask(QObject):
    """Subclasses implement ``work()``; ``sleep()`` wakes at once on cancel or ``wake()``."""

    failed = pyqtSignal(object)  # TaskingError
    ended = pyqtSignal(str)  # "finished" | "cancelled" | "failed": always last

    def __init__(self):
        super().__init__()
        self.stop_event = threading.Event()
        self._wake = threading.Event()

    def cancel(self) -> None:
        self.stop_event.set()
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    @property
    def cancelled(self) -> bool:
        return self.stop_event.is_set()

    def sleep(self, seconds: float) -> bool:
        """Wait up to ``seconds``; False when the task was cancelled meanwhile."""
        self._wake.wait(max(0.0, seconds))
        self._wake.clear()
        return not self.cancelled

    def work(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @pyqtSlot()
    def run(self) -> None:
        how = "finished"
        try:
            self.work()
            if self.cancelled:
                how = "cancelled"
        except CancelledError:
            how = "cancelled"
        except TaskingError as exc:
            how = "failed"
            self.failed.emit(exc)
        except Exception as exc:  # a bug must not kill QGIS: report it like any failure
            log.exception("background task crashed")
            how = "failed"
            self.failed.emit(TaskingError(f"Unexpected error: {type(exc).__name__}: {exc}"))
        finally:
            self.ended.emit(how)


class TaskThread(QObject):
    """Owns one QThread running one BackgroundTask."""

    def __init__(self, task: BackgroundTask, name: str, parent=None):
        super().__init__(parent)
        self.task = task
        self.thread = QThread()
        self.thread.setObjectName(name)
        task.moveToThread(self.thread)
        self.thread.started.connect(task.run)
        task.ended.connect(self.thread.quit)

    def start(self) -> None:
        self.thread.start()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def stop(self, timeout_ms: int = 5000) -> bool:
        """Cancel, quit and join. Reports already sent are delivered before returning."""
        self.task.cancel()
        self.thread.quit()
        ok = self.thread.wait(int(timeout_ms))
        if ok:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)
        return ok
