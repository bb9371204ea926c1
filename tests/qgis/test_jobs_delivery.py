"""BackgroundJob hands an engine's reports to the owner's thread a share per event-loop turn:
in order, `ended` last, every one delivered, and the owner's other events run in between."""

import time

from planet_bulk_tasking.core.jobs.background import BackgroundJob
from qgis.PyQt.QtCore import QTimer
from support import wait_until


class ChattyEngine:
    """A plain engine (the interface BackgroundJob drives) that reports `n` times at once."""

    def __init__(self, n: int):
        self.n = n
        self.on_event = None
        self.error = None
        self.cancelled = False

    def run(self) -> str:
        for i in range(self.n):
            self.on_event("item", i)
        return "finished"

    def cancel(self) -> None:
        self.cancelled = True


def slow_receiver(seen: list, log: list):
    def receive(name, args):
        end = time.perf_counter() + 0.0005  # a report that costs the owner 0.5 ms to apply
        while time.perf_counter() < end:
            pass
        seen.append(args[0])
        log.append("report")

    return receive


def test_reports_arrive_in_order_over_several_turns_with_ended_last(qgis_app):
    seen, log = [], []
    job = BackgroundJob(ChattyEngine(400), "pbt-test-delivery")
    job.reported.connect(slow_receiver(seen, log))
    job.ended.connect(lambda how: log.append(f"ended:{how}"))
    beat = QTimer()
    beat.timeout.connect(lambda: log.append("beat"))
    beat.start(0)
    try:
        job.start()
        assert wait_until(lambda: not job.is_running(), 20)
    finally:
        beat.stop()
        job.stop()
    assert seen == list(range(400))
    told = [e for e in log if e != "beat"]
    assert told[-1] == "ended:finished" and told.count("ended:finished") == 1
    # 400 reports of 0.5 ms do not fit one turn's share: the owner's timer ran between them
    first, last = log.index("report"), len(log) - 1 - log[::-1].index("report")
    assert "beat" in log[first:last]


def test_stop_delivers_everything_still_waiting(qgis_app):
    seen, log = [], []
    job = BackgroundJob(ChattyEngine(300), "pbt-test-delivery-stop")
    job.reported.connect(slow_receiver(seen, log))
    job.ended.connect(lambda how: log.append(f"ended:{how}"))
    job.start()
    assert job.stop()  # no event loop turned: stop() joins and delivers the rest, in order
    assert seen == list(range(300))
    assert log[-1] == "ended:finished"
