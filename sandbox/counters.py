"""Thread-safe tallies of what the sandbox did, for tests and benchmarks to assert on."""

import copy
import threading
from typing import Any, Dict

_ZERO = {
    "requests": 0,  # API requests received (admin endpoint excluded)
    "responses": {},  # answers sent, by status code as a string: {"202": 3, "429": 1}
    "routes": {},  # requests that reached an endpoint: {"GET /bulk/*": 4, "GET /bulk": 2}
    "bulks_created": 0,
    "payloads_received": 0,
    "payloads_processed": 0,
    "payloads_succeeded": 0,
    "payloads_failed": 0,
    "orders_created": 0,
    "orders_edited": 0,
    "orders_cancelled": 0,
    "rate_limited": 0,  # 429 from the token bucket
    "faults": {},  # injected faults by kind: latency, 5xx, dropped, rate_limit_burst
    "faults_latency": 0,
    "faults_5xx": 0,
    "faults_dropped": 0,
    "faults_rate_limit_burst": 0,
}


class Counters:
    def __init__(self):
        self._lock = threading.Lock()
        self._data: Dict[str, Any] = copy.deepcopy(_ZERO)

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            self._data[name] = self._data.get(name, 0) + n

    def response(self, status: int) -> None:
        with self._lock:
            by_status = self._data["responses"]
            by_status[str(status)] = by_status.get(str(status), 0) + 1

    def route(self, name: str) -> None:
        with self._lock:
            self._data["routes"][name] = self._data["routes"].get(name, 0) + 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self._data["faults"][kind] = self._data["faults"].get(kind, 0) + 1
            self._data["faults_" + kind] = self._data.get("faults_" + kind, 0) + 1

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._data)

    def reset(self) -> None:
        with self._lock:
            self._data = copy.deepcopy(_ZERO)
