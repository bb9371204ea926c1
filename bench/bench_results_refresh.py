"""The Results tab while a big job reports: what one results batch costs the main thread.

100,000 rows, results arriving per bulk (1,000 rows each, like the worker sends them), a
"Failed" filter active (re-filtered in place while the job runs) and order outcomes at
Planet arriving too. Prints the cost of a batch in the panel (rows, counts, the 'Not sent'
and 'At Planet' tiles) against the model's own dataChanged alone, and the final sort.
"""

import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import plugin_path  # noqa: E402

plugin_path.ensure_importable()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication  # noqa: E402

N = 100_000
BATCH = 1000


def make_job():
    from planet_bulk_tasking.core.model.job import BulkJob, Chunk, ChunkState, Target, TargetStatus

    targets = [
        Target(key=str(i), feature_id=i, name=f"site {i}", status=TargetStatus.SUBMITTED)
        for i in range(N)
    ]
    chunks = [
        Chunk(
            index=c,
            bulk_id=str(c),
            target_keys=[str(i) for i in range(c * BATCH, (c + 1) * BATCH)],
            state=ChunkState.ACCEPTED,
        )
        for c in range(N // BATCH)
    ]
    return BulkJob(targets=targets, chunks=chunks)


def run(panel_refresh: bool):
    from planet_bulk_tasking.core.model.job import TargetStatus
    from planet_bulk_tasking.ui.results_panel import ResultsPanel
    from planet_bulk_tasking.ui.results_proxy import ResultsProxy

    job = make_job()
    panel = ResultsPanel(None)
    panel.set_job(job)
    panel.set_running(True)
    panel.set_filter(ResultsProxy.FILTER_FAILED)
    times = []
    for c in range(N // BATCH):
        keys = [str(i) for i in range(c * BATCH, (c + 1) * BATCH)]
        for k in keys:
            if int(k) % 97 == 0:
                job.record_result(k, TargetStatus.FAILED, reason="no capacity")
            else:
                job.record_result(k, TargetStatus.SUCCEEDED, order_id="o" + k)
                job.target(k).order_status = "RECEIVED"
        t0 = time.perf_counter()
        if panel_refresh:
            panel.refresh_keys(keys)
        else:
            panel.model.refresh_keys(keys)
        QgsApplication.processEvents()
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    panel.set_running(False)
    final = time.perf_counter() - t0
    shown = panel.proxy.rowCount()
    panel.shutdown()
    panel.deleteLater()
    QgsApplication.processEvents()
    return times, final, shown


def main():
    app = QgsApplication([], False)
    app.initQgis()
    base, _, _ = run(panel_refresh=False)
    full, final, shown = run(panel_refresh=True)
    b, f = sum(base) / len(base), sum(full) / len(full)
    print(f"{N:,} rows, {N // BATCH} result batches of {BATCH:,}, 'Failed' filter on")
    print(f"model dataChanged only: {b * 1000:.1f} ms per batch (worst {max(base) * 1000:.0f} ms)")
    print(
        f"Results panel (re-filter in place, counts, Not sent / At Planet tiles): "
        f"{f * 1000:.1f} ms per batch (worst {max(full) * 1000:.0f} ms), ratio {f / b:.2f}"
    )
    print(f"final sort when the job ends: {final * 1000:.0f} ms; {shown:,} failed rows shown")
    app.exitQgis()


if __name__ == "__main__":
    main()
