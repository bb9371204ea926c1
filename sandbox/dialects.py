"""Dialects: each one a plausible variant of one thing Planet does not document.

The documented (and, where undocumented, the sandbox's first-guess) behaviour stays the
default. ``SandboxServer(dialect="dup-400,id-in-ignored")`` or ``python3 -m sandbox --dialect
dup-400,id-in-ignored`` switches variants on; ``--list-dialects`` prints them. The shapes each
dialect speaks live in ``shapes.py`` beside the default ones.
"""

from typing import Any, Dict, FrozenSet

DIALECTS: Dict[str, str] = {
    "dup-400": "a repeated client bulk id is answered 400 {'id': ['... already exists.']} "
    "(Django REST style) instead of 409",
    "create-201": "POST /bulk/ answers 201 with the bulk summary as body and an absolute Location",
    "payload-keys": "/payloads items use other key names (uuid, state, order, failure_reason) "
    "and do not echo the submitted payload",
    "payload-own-ids": "/payloads items do not echo the payload; a success carries only the "
    "item's own id, which is NOT the order's id",
    "hide-succeeded": "/payloads lists only processing and failed payloads (the docs' words)",
    "bulk-actions-refused": "bulk edit/cancel bodies are refused: 400 naming order_payloads",
    "bulk-actions-noop": "bulk edit/cancel bodies are accepted (202) but make a bulk of zero "
    "payloads that does nothing",
    "id-in-ignored": "GET /orders/ ignores the id__in filter (returns every order of the key)",
    "delete-200": "DELETE /orders/<id> answers 200 with the order JSON instead of 204",
    "error-envelope": "error bodies are {'error': {'reason': ..., 'details': ...}}",
    "oversize-400": "a body over 1 MB is answered 400 with a message instead of 413",
    "enforce-window": "flexible orders must start at least 24 h after they are placed and "
    "last at least 14 days (field errors otherwise)",
    "rate-5": "5 requests/s sustained per key (instead of 10)",
}


def parse_dialects(value: Any) -> FrozenSet[str]:
    """``None``/"" -> no variant; "a,b" or ["a", "b"] -> their set. ValueError names an
    unknown dialect and lists the known ones."""
    if not value:
        return frozenset()
    names = value.split(",") if isinstance(value, str) else list(value)
    out = frozenset(str(n).strip() for n in names if str(n).strip())
    unknown = sorted(out - set(DIALECTS) - {"documented", "default"})
    if unknown:
        raise ValueError(
            f"unknown dialect(s): {', '.join(unknown)} (known: {', '.join(sorted(DIALECTS))})"
        )
    return out - {"documented", "default"}


def describe() -> str:
    """One line per dialect, for --list-dialects."""
    width = max(len(n) for n in DIALECTS)
    lines = [f"{'documented':<{width}}  the default: what Planet documents, and the sandbox's "
             "first guess where it does not"]  # fmt: skip
    lines += [f"{name:<{width}}  {text}" for name, text in DIALECTS.items()]
    return "\n".join(lines)
