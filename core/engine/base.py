"""What every engine shares: a cancel that aborts the clients it holds, a sleep that wakes
at once on cancel, events through one callback, and one way to end.

Plain Python (no QGIS, no Qt): ``run()`` works on any thread; ``cancel()`` and ``wake()``
may be called from any other. The Qt adapter (``core/jobs/background.py``) runs an engine
on a QThread for the dock; Processing and scripts call ``run()`` themselves.
"""

import inspect
import logging
import threading
from typing import Callable, Optional

from ..tasking.errors import CancelledError, TaskingError

logger = logging.getLogger(__name__)

#: how an engine run ends (``run()``'s value and the adapter's ``ended(how)``)
FINISHED, CANCELLED, FAILED = "finished", "cancelled", "failed"


def _no_event(name: str, *args) -> None:
    pass


def accepts_stop_event(factory) -> bool:
    """Whether ``factory`` takes ``stop_event=`` (a client made before ``abort()`` existed)."""
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "stop_event" or p.kind == p.VAR_KEYWORD for p in params)


class Engine:
    """Subclasses implement ``work()``; events go out as ``on_event(name, *args)``.

    ``cancelled`` (optional): a callable polled while the engine waits (a Processing
    feedback's ``isCanceled``), for callers that cannot call ``cancel()`` themselves.
    """

    def __init__(
        self,
        client_factory: Callable,
        *,
        on_event: Optional[Callable] = None,
        cancelled: Optional[Callable[[], bool]] = None,
    ):
        self._factory = client_factory
        self._factory_takes_stop = accepts_stop_event(client_factory)
        self.on_event = on_event or _no_event
        self._cancel_check = cancelled
        # set on cancel and on a fatal error: in-flight requests are abandoned; clients that
        # predate abort() watch it
        self.stop_event = threading.Event()
        self._cancel_requested = threading.Event()
        self._wake = threading.Event()
        self._clients: list = []
        self._clients_lock = threading.Lock()
        self._closed_requests = 0
        self.error: Optional[TaskingError] = None
        self.outcome = ""  # FINISHED | CANCELLED | FAILED once run() returned

    # -- any thread -----------------------------------------------------------------------
    def cancel(self) -> None:
        self._cancel_requested.set()
        self.halt()

    def halt(self) -> None:
        """Stop: wake the engine and cut the requests in flight (cancel, fatal error)."""
        self.stop_event.set()
        self._wake.set()
        with self._clients_lock:
            clients = list(self._clients)
        for client in clients:
            abort = getattr(client, "abort", None)
            if callable(abort):
                try:
                    abort()
                except Exception:  # noqa: S110 - best effort: the stop event is set anyway
                    pass

    def wake(self) -> None:
        self._wake.set()

    @property
    def cancelled(self) -> bool:
        if self._cancel_requested.is_set():
            return True
        if self._cancel_check is not None and self._cancel_check():
            self.cancel()
            return True
        return False

    @property
    def stopped(self) -> bool:
        """Cancelled, or halted by a fatal error."""
        return self.cancelled or self.stop_event.is_set()

    def requests_made(self) -> int:
        with self._clients_lock:
            live = sum(int(getattr(c, "requests_made", 0) or 0) for c in self._clients)
        return live + self._closed_requests

    # -- the engine's own thread ------------------------------------------------------------
    def emit(self, name: str, *args) -> None:
        self.on_event(name, *args)

    def sleep(self, seconds: float) -> bool:
        """Wait up to ``seconds`` (less when woken); False once cancelled."""
        step = 0.25 if self._cancel_check is not None else seconds
        left = max(0.0, seconds)
        while left > 0 and not self._wake.is_set() and not self.cancelled:
            chunk = min(step, left)
            self._wake.wait(chunk)
            left -= chunk
        self._wake.clear()
        return not self.cancelled

    def new_client(self):
        """A client for the calling thread, held so that cancel() can abort it."""
        if self._factory_takes_stop:
            client = self._factory(stop_event=self.stop_event)
        else:
            client = self._factory()
            if getattr(client, "stop_event", False) is None:
                client.stop_event = self.stop_event
        with self._clients_lock:
            self._clients.append(client)
        if self.stop_event.is_set():  # cancelled while it was being made
            self.halt()
        return client

    def close_clients(self) -> None:
        with self._clients_lock:
            clients, self._clients = list(self._clients), []
        self._closed_requests += sum(int(getattr(c, "requests_made", 0) or 0) for c in clients)
        for c in clients:
            try:
                c.close()
            except Exception:  # noqa: S110 - best effort at the end of a run
                pass

    def fail(self, exc: BaseException) -> None:
        """A fatal error: remembered (the first one), and the engine stops."""
        if isinstance(exc, CancelledError) and self._cancel_requested.is_set():
            return
        if self.error is None:
            self.error = exc if isinstance(exc, TaskingError) else unexpected(exc)
        self.halt()

    def work(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self, how: str) -> None:
        """Called once at the end, before run() returns (final reports)."""

    def run(self) -> str:
        """Do the work; returns FINISHED, CANCELLED or FAILED (the error in ``error``)."""
        how = FAILED
        try:
            self.work()
        except CancelledError as exc:
            if not self._cancel_requested.is_set():
                self.fail(exc)
        except Exception as exc:  # a bug must not kill the thread silently
            if not isinstance(exc, TaskingError):
                logger.exception("%s crashed", type(self).__name__)
            self.fail(exc)
        finally:
            if self.error is not None:
                how = FAILED
            elif self._cancel_requested.is_set():
                how = CANCELLED
            else:
                how = FINISHED
            self.stop_event.set()  # abandon whatever is still in flight
            self.close_clients()
            self.outcome = how
            self.finish(how)
        return how


def unexpected(exc: BaseException) -> TaskingError:
    return TaskingError(f"Unexpected error: {type(exc).__name__}: {exc}")
