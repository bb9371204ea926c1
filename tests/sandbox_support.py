"""Helpers for talking to the sandbox with the real client: no QGIS, no Qt, so every tier
(tests/unit included) may import them. support.py re-exports them for the QGIS tiers."""

import time

from hostile_server import wait_for  # noqa: F401 (the plain condition wait, importable here)
from planet_bulk_tasking.core.tasking.api import BulkSummary
from planet_bulk_tasking.core.tasking.client import TaskingClient

SANDBOX_KEY = "sandbox-key"


def wait_complete(client, bulk_id, timeout=20.0) -> BulkSummary:
    deadline = time.monotonic() + timeout
    while True:
        summary = client.get_bulk(bulk_id)
        if summary.is_complete or time.monotonic() > deadline:
            return summary
        time.sleep(0.05)


def client_factory(base_url: str, key: str = SANDBOX_KEY):
    """client_factory_for(endpoint) for JobManager, with short back-offs for tests."""

    def factory_for(endpoint=None):
        def make(stop_event=None):
            return TaskingClient(
                endpoint or base_url,
                key,
                stop_event=stop_event,
                backoff_base=0.05,
                max_retry_after=2.0,
            )

        return make

    return factory_for


class BadFieldClient(TaskingClient):
    """Adds a field the API does not know to payloads named BAD...: the server fails them."""

    def create_bulk(self, order_payloads, bulk_id):
        mangled = [
            dict(p, not_a_field=1) if str(p.get("name", "")).startswith("BAD") else p
            for p in order_payloads
        ]
        return super().create_bulk(mangled, bulk_id)


def server_orders(base_url: str, key: str = SANDBOX_KEY) -> list:
    with TaskingClient(base_url, key) as client:
        return list(client.iter_orders())
