"""Per-key token bucket: ``rate`` requests per second, bursts up to ``rate`` (at least 1)."""

import math
import threading
import time
from typing import Callable, Dict, Tuple


class RateLimiter:
    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic):
        self.rate = float(rate)
        self.capacity = max(1.0, self.rate)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: Dict[str, Tuple[float, float]] = {}  # key -> (tokens, last refill)

    def take(self, key: str) -> float:
        """0.0 if the request may go ahead, else how many seconds until it could."""
        if self.rate <= 0:
            return 0.0  # rate 0 = no limit
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()


def retry_after_header(wait: float) -> str:
    """Retry-After in whole seconds, at least 1 (HTTP allows no fractions)."""
    return str(max(1, math.ceil(wait)))
