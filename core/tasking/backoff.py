"""The one delay schedule: exponential growth, capped, with optional "equal jitter".

Used for request retries (jittered so many clients do not retry in step), re-posts and
status polls (plain doubling or x1.5 back to a floor as soon as something changes).
"""

import random
from typing import Callable


class Backoff:
    """``delay(attempt)`` grows as ``base * factor**attempt`` up to ``cap``.

    With ``jitter`` the delay lies between half and all of that span ("equal jitter": never
    zero, never in step). ``next(current)`` is the stateful form polls use: the following
    interval after ``current``, kept within ``[base, cap]``.
    """

    def __init__(
        self,
        base: float,
        cap: float,
        *,
        factor: float = 2.0,
        jitter: bool = False,
        rng: Callable[[float, float], float] = random.uniform,
    ):
        self.base = max(0.0, float(base))
        self.cap = max(self.base, float(cap))
        self.factor = float(factor)
        self.jitter = jitter
        self._rng = rng

    def delay(self, attempt: int) -> float:
        span = min(self.cap, self.base * (self.factor ** max(0, attempt)))
        if self.jitter:
            return span / 2 + self._rng(0, span / 2)
        return span

    def next(self, current: float) -> float:
        return min(self.cap, max(self.base, current * self.factor))

    def __repr__(self) -> str:
        return (
            f"Backoff(base={self.base}, cap={self.cap}, factor={self.factor}, "
            f"jitter={self.jitter})"
        )
