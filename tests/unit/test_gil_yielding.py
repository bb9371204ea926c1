"""core/model/gil.yielding: worker loops hand the GIL over now and then; the main thread never."""

import gc
import threading

from planet_bulk_tasking.core.model import gil


def test_items_unchanged_and_the_gil_handed_over_only_off_the_main_thread(monkeypatch):
    sleeps = []
    monkeypatch.setattr(gil.time, "sleep", lambda s: sleeps.append(s))

    assert list(gil.yielding(range(1000), every=100)) == list(range(1000))
    assert sleeps == []  # main thread: handing the GIL over would only make it wait

    out = []
    worker = threading.Thread(target=lambda: out.extend(gil.yielding(range(1000), every=100)))
    worker.start()
    worker.join(10)
    assert out == list(range(1000))
    assert sleeps == [gil.PAUSE] * 10 and gil.PAUSE > 0  # a real sleep: the GIL left alone


def test_collector_paused_is_counted_across_threads_and_restores_the_collector():
    assert gc.isenabled()
    inside = threading.Event()
    leave = threading.Event()

    def worker():
        with gil.collector_paused():
            inside.set()
            leave.wait(10)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(10)
    with gil.collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the worker is still inside: still paused
    leave.set()
    t.join(10)
    assert gc.isenabled()
    gc.disable()
    try:
        with gil.collector_paused():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        gc.enable()


def test_background_priority_lowers_only_the_calling_thread():
    import os
    import sys

    main_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = []

    def worker():
        gil.background_priority(5)
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    t = threading.Thread(target=worker)
    t.start()
    t.join(10)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_nice
    if sys.platform.startswith("linux"):
        assert seen == [max(main_nice, 5)]
