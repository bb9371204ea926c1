"""Processing provider ``planet_bulk_tasking``: submit_orders and refresh_orders.

Built on the dock's engine: jobs are made by ``core.targets.build.create_job``, written
ahead to the same ``JobStore`` and run by the plain-Python ``SubmitEngine``
(``core/engine/submit.py``) right in the algorithm's thread.
"""
