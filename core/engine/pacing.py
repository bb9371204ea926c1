"""Polling state of a submit run's bulks, and when to read them next.

Plain Python, used by ``submit.py``: a ``Watch`` per accepted bulk, the server's measured
``Pace`` (bulks are due when the work queued up to them should be done), and the back-off of
a bulk read alone while the pace is unknown.
"""

from typing import Callable, Iterable, Optional

from ..tasking.backoff import Backoff


class Watch:
    """Polling state of one accepted bulk."""

    __slots__ = (
        "chunk",
        "keys",
        "due",
        "interval",
        "busy",
        "last",
        "rate",
        "processing",
        "fails",
        "unconfirmed",
        "done",
        "summary",
        "seq",
        "created",
        "matcher",
    )

    def __init__(self, chunk, keys, due, interval):
        self.chunk = chunk
        self.keys = keys
        self.due = due
        self.interval = interval
        self.busy = False
        self.last = None  # (monotonic time, done count)
        self.rate = 0.0  # payloads per second seen on the server
        self.processing = len(keys)
        self.fails = 0  # transient poll failures in a row
        self.unconfirmed = False  # POSTING when followed: the server may not have it
        self.done = 0  # payloads the server had processed at the last read
        self.summary = None  # the COMPLETE summary whose results are being read
        self.seq = 0  # order of acceptance: the server works through a key's bulks so
        self.created = None  # the server's creation time (epoch), a surer order than seq
        self.matcher = None  # future of its results' index, made while the server works


def outcome(fn: Callable, *args) -> Callable:
    """Run ``fn(*args)`` now; a callable that returns its value or raises its exception
    (kept for the thread that handles it)."""
    try:
        value = fn(*args)
    except BaseException as exc:  # noqa: BLE001 - handed over whole, raised where handled
        error = exc

        def fail():
            raise error

        return fail
    return lambda: value


def server_order(w: "Watch") -> tuple:
    """The order a server works through a key's bulks: the one it has started first, then
    by its creation time (two POSTs in flight may be answered in either order)."""
    return (w.done == 0, w.created if w.created is not None else float("inf"), w.seq)


class Pace:
    """The server's pace (payloads/s over every watched bulk), measured between status reads
    that read them all, while it had work throughout (idle time would make it look slow)."""

    def __init__(self):
        self.rate = 0.0  # 0: unknown (or not moving)
        self.sample: Optional[tuple] = None  # (monotonic time, payloads done, work left)
        self.done_finished = 0  # payloads of the bulks no longer watched

    def measure(self, watches: Iterable["Watch"], now: float) -> None:
        watches = list(watches)
        done = self.done_finished + sum(w.done for w in watches)
        left = sum(w.processing for w in watches)
        previous, self.sample = self.sample, (now, done, left)
        if previous is None or not previous[2] or not left or now - previous[0] < 0.05:
            return
        if done > previous[1]:
            rate = (done - previous[1]) / (now - previous[0])
            self.rate = rate if not self.rate else 0.5 * (self.rate + rate)
        else:
            self.rate = 0.0  # not moving: the bulks' own back-off decides

    def due_times(self, watches: Iterable["Watch"], now: float):
        """(watch, when it should be done), in the order the server takes them: the work
        queued up to each bulk at the measured pace, a little late rather than early (an
        early read costs a request and a wait), at least every 3 s for progress."""
        queued = 0
        for w in sorted(watches, key=server_order):
            if w.busy or w.fails:
                continue
            queued += w.processing
            eta = queued / self.rate
            yield w, now + min(3.0, max(0.02, eta * 1.01 + 0.01))


def schedule_alone(w: "Watch", summary, now: float, min_interval: float, idle: Backoff) -> None:
    """Next poll of a bulk that is not COMPLETE yet.

    * running with a measured rate (two samples while it ran): poll when the
      server should be done (ETA), at least every 3 s for progress;
    * just started (first sample with progress): poll again soon, to measure;
    * pending / not moving: back off (x1.6) up to the back-off cap.
    """
    total = summary.payload_count if summary.payload_count is not None else len(w.keys)
    done = summary.done_count
    if done is None and summary.processing_payload_count is not None:
        done = max(0, total - summary.processing_payload_count)
    if summary.processing_payload_count is not None:
        w.processing = summary.processing_payload_count
    elif done is not None:
        w.processing = max(0, total - done)
    w.done = max(0, total - w.processing)
    previous, w.last = w.last, ((now, done) if done is not None else w.last)
    if done is None:
        w.rate = 0.0
    elif previous is not None and previous[1] > 0 and now > previous[0]:
        # both samples while running: a fair rate (0 if it stalled)
        w.rate = max(0.0, (done - previous[1]) / (now - previous[0]))
    else:
        w.rate = 0.0
    if w.rate > 0:
        eta = max(0, total - done) / w.rate
        delay = min(max(eta, min_interval), 3.0)
        w.interval = min_interval
    elif done and (previous is None or previous[1] == 0):
        delay = w.interval = min_interval  # it just started: measure it
    else:
        delay = w.interval
        w.interval = idle.next(w.interval)
    w.due = now + delay
