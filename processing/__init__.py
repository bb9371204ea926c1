"""Processing provider ``planet_bulk_tasking``: submit_orders and refresh_orders.

Built on the dock's engine: jobs are made by ``core.payloads.create_job``, written ahead
to the same ``JobStore`` and run by a ``JobManager`` (``core/worker.py``'s BulkWorker on
its own QThread) in the algorithm's thread, driven by a local event loop.
"""
