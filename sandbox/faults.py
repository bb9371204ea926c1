"""Fault injection, deterministic from the seed.

Each kind of fault draws from its own random stream, so turning one kind on does not change
which requests another kind hits. Settings are replaced as a whole by ``configure`` (a kind not
mentioned goes back to "off").
"""

import random
import threading
from typing import Any, Dict, Optional

DEFAULTS: Dict[str, Any] = {
    "latency": 0.0,  # seconds added before answering any API request
    "error_rate": 0.0,  # fraction of API requests answered 5xx before doing anything
    "error_statuses": [500, 502, 503],  # which 5xx, chosen at random
    "drop_after_commit_rate": 0.0,  # fraction of accepted bulk POSTs stored, then socket closed
    "rate_limit_burst": 0.0,  # fraction of API requests answered 429 regardless of the bucket
    "payload_failure_rate": 0.0,  # fraction of valid create payloads refused (capacity)
}
_FRACTIONS = ("error_rate", "drop_after_commit_rate", "rate_limit_burst", "payload_failure_rate")

#: why a valid payload is refused by payload_failure_rate; the real service can refuse a
#: feasible-looking order for reasons a client cannot check (capacity, contract, policy).
CAPACITY_REASON = (
    "no imaging capacity for this target in the requested window "
    "(simulated by the sandbox: try another window)"
)


def check_settings(settings: Dict[str, Any]) -> Dict[str, Any]:
    """Full, checked settings from partial ones; ValueError names the bad setting."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
    out = dict(DEFAULTS, **{k: v for k, v in settings.items() if v is not None})
    for name in _FRACTIONS:
        value = out[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"{name}: must be a number between 0 and 1")
        out[name] = float(value)
    latency = out["latency"]
    if isinstance(latency, bool) or not isinstance(latency, (int, float)) or not 0 <= latency <= 60:
        raise ValueError("latency: must be a number of seconds between 0 and 60")
    out["latency"] = float(latency)
    statuses = out["error_statuses"]
    if (
        not isinstance(statuses, (list, tuple))
        or not statuses
        or not all(isinstance(s, int) and 500 <= s <= 599 for s in statuses)
    ):
        raise ValueError("error_statuses: must be a non-empty list of 5xx codes")
    out["error_statuses"] = list(statuses)
    return out


class Faults:
    def __init__(self, seed: Any = 0, settings: Optional[Dict[str, Any]] = None):
        self._lock = threading.Lock()
        self._seed = seed
        self._rng = {kind: random.Random(f"{seed}:{kind}") for kind in ("5xx", "dropped", "burst")}
        self._settings = check_settings(settings or {})

    def configure(self, **settings: Any) -> Dict[str, Any]:
        checked = check_settings(settings)
        with self._lock:
            self._settings = checked
        return dict(checked)

    def settings(self) -> Dict[str, Any]:
        with self._lock:
            return dict(self._settings)

    def latency(self) -> float:
        with self._lock:
            return self._settings["latency"]

    def server_error(self) -> Optional[int]:
        """A 5xx status to answer instead of handling the request, or None."""
        with self._lock:
            rng = self._rng["5xx"]
            if rng.random() < self._settings["error_rate"]:
                return rng.choice(self._settings["error_statuses"])
            return None

    def rate_limit_burst(self) -> bool:
        with self._lock:
            return self._rng["burst"].random() < self._settings["rate_limit_burst"]

    def refuse_payload(self, *identity: Any) -> bool:
        """Whether to refuse this valid payload. Depends only on the seed and the payload's
        identity (bulk id, index), not on when processing happens: lazy processing stays
        deterministic whatever the order of requests."""
        with self._lock:
            rate = self._settings["payload_failure_rate"]
        if rate <= 0:
            return False
        return random.Random(":".join(map(str, (self._seed, "refuse") + identity))).random() < rate

    def drop_after_commit(self) -> bool:
        with self._lock:
            return self._rng["dropped"].random() < self._settings["drop_after_commit_rate"]
