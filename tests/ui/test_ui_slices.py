"""SlicedPass: an O(job) pass of the main thread, one slice per event-loop turn."""

import itertools

from planet_bulk_tasking.ui.slices import SlicedPass
from qgis.PyQt.QtCore import QTimer
from support import wait_until


def pass_of(name: str, slices, log: list):
    for i in range(slices) if slices is not None else itertools.count():
        log.append(f"{name}{i}")
        yield


def test_a_pass_runs_a_slice_per_turn_with_other_events_between(qgis_app):
    log = []
    runner = SlicedPass()
    beat = QTimer()
    beat.timeout.connect(lambda: log.append("beat"))
    beat.start(0)
    try:
        runner.start(pass_of("a", 5, log))
        assert runner.busy()
        assert wait_until(lambda: not runner.busy(), 5)
    finally:
        beat.stop()
    slices = [e for e in log if e != "beat"]
    assert slices == ["a0", "a1", "a2", "a3", "a4"]
    between = log[log.index("a0") : log.index("a4")]
    assert "beat" in between


def test_now_runs_to_the_end_at_once_and_a_new_pass_replaces_the_old(qgis_app):
    log = []
    runner = SlicedPass()
    runner.start(pass_of("small", 3, log), now=True)
    assert log == ["small0", "small1", "small2"] and not runner.busy()

    log.clear()
    runner.start(pass_of("old", None, log))  # endless: it only ends by being replaced
    assert wait_until(lambda: len(log) >= 1, 5)
    runner.start(pass_of("new", 2, log))  # its rows changed: the old pass is dropped
    assert wait_until(lambda: not runner.busy(), 5)
    assert log[-2:] == ["new0", "new1"]
    assert log[0] == "old0" and not runner.busy()
