"""What the client remembers beyond one request: facts learnt per endpoint, and a job's wait budget.

No QGIS, no Qt. Both are shared between threads (every client of a QGIS session, every
client of a job) and locked.
"""

import threading
from typing import Any, Dict, Optional

DEFAULT_JOB_WAIT = 600.0  # seconds a job may spend in total in waits the server asked for


class EndpointFacts:
    """What the plugin learnt about each endpoint (base URL), shared by every client of
    this QGIS session: which undocumented things work there (``id__in``, bulk edit...).
    Values: True (works), False (does not), absent (not known yet)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._facts: Dict[str, Dict[str, Any]] = {}

    def get(self, endpoint: str, name: str) -> Any:
        with self._lock:
            return self._facts.get(endpoint, {}).get(name)

    def learn(self, endpoint: str, name: str, value: Any) -> bool:
        """Record a fact; True when it is news (worth a log line)."""
        with self._lock:
            facts = self._facts.setdefault(endpoint, {})
            news = facts.get(name) != value
            facts[name] = value
            return news

    def forget(self, endpoint: Optional[str] = None) -> None:
        with self._lock:
            if endpoint is None:
                self._facts.clear()
            else:
                self._facts.pop(endpoint, None)


ENDPOINT_FACTS = EndpointFacts()


class WaitBudget:
    """Seconds a whole job may spend waiting because servers asked it to (Retry-After,
    back-off after 5xx): each wait is capped per request, but they add up. One budget is
    shared by every client of a job (thread-safe)."""

    def __init__(self, total: float = DEFAULT_JOB_WAIT):
        self.total = max(0.0, float(total))
        self.used = 0.0
        self._lock = threading.Lock()

    def take(self, seconds: float) -> float:
        """Up to ``seconds`` of what is left; 0.0 when the budget is spent."""
        with self._lock:
            granted = max(0.0, min(float(seconds), self.total - self.used))
            self.used += granted
            return granted

    @property
    def left(self) -> float:
        with self._lock:
            return max(0.0, self.total - self.used)

    def __repr__(self) -> str:
        return f"<WaitBudget {self.used:.1f}/{self.total:.0f} s>"
