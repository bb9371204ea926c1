"""The API key: checked before it is sent, masked in every form a server may echo it.

No QGIS, no Qt. Two jobs:

* ``key_problem(key)``: what is wrong with a key in words that never quote it (a
  zero-width space, a line break or a non-Latin-1 character pasted with it would
  otherwise reach ``requests`` and fail in untyped ways, or worse, travel inside an
  error message);
* ``Redactor``: one pass over a text masks the key raw, any letter case, with any
  character JSON-escaped (``\\u002d``) or percent-encoded, and the base64 of the key
  (a ``Basic`` header echoed back, at any byte offset). A module-level registry of
  the keys in use lets the log filter mask them too.
"""

import base64
import re
import threading
import unicodedata
import weakref
from typing import List, Optional

MASK = "***"
MIN_KEY_LENGTH = 8  # shorter "keys" are not masked (too many false hits); they fail at 401


def key_problem(key: Optional[str]) -> Optional[str]:
    """None if ``key`` may be sent; else a sentence that names the problem, never the key."""
    if key is None:
        return None
    text = str(key).strip()
    if not text:
        return None
    for position, ch in enumerate(text, 1):
        if 0x21 <= ord(ch) <= 0x7E:
            continue
        if ch in "\r\n":
            what = "a line break"
        elif ch.isspace():
            what = "a space"
        elif unicodedata.category(ch) in ("Cf", "Cc"):
            what = "an invisible character"
        else:
            what = "a character that cannot be part of a key"
        return (
            f"The API key contains {what} (character {position} of {len(text)}): "
            "Planet keys are plain letters and digits. Copy the key again from your "
            "Planet account page and paste it alone."
        )
    return None


def _char_pattern(ch: str) -> str:
    """``ch`` raw (either case), JSON-escaped (\\uXXXX, \\/), or percent-encoded."""
    code = ord(ch)
    forms = {re.escape(ch), re.escape(ch.lower()), re.escape(ch.upper())}
    forms.add(r"\\u" + _hex_ci(f"{code:04x}"))
    if code < 0x80:
        forms.add("%" + _hex_ci(f"{code:02x}"))
    if ch in '/"\\':
        forms.add(re.escape("\\" + ch))
    return "(?:" + "|".join(sorted(forms)) + ")"


def _hex_ci(digits: str) -> str:
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in digits)


def _base64_cores(key: str) -> List[str]:
    """Substrings every base64 text carrying ``key`` contains, at each byte offset."""
    raw = key.encode("utf-8")
    cores = set()
    for offset in range(3):
        for suffix in (b"", b":"):
            data = b"\0" * offset + raw + suffix
            encoded = base64.b64encode(data).decode("ascii")
            first = 0 if offset == 0 else 1  # groups holding unknown neighbour bytes
            last = len(data) // 3  # only whole groups
            core = encoded[4 * first : 4 * last]
            if len(core) >= 8:
                cores.add(core)
                cores.add(core.translate(str.maketrans("+/", "-_")))  # URL-safe form
    return sorted(cores, key=len, reverse=True)


# where a letter or digit may hide in escaped form (the only escapes _char_pattern allows
# for them): a match of the full pattern that is not plain text holds one of these. Two
# patterns, each with a literal start the regex engine scans for fast (one alternation of
# the two took 12 ms for a 235 kB page, these 0.9 ms)
_ESCAPES = (re.compile(r"%[0-9A-Fa-f]{2}"), re.compile(r"\\u[0-9A-Fa-f]{4}"))


class Redactor:
    """Masks one key in every form. Cheap when the key is absent.

    The full pattern (every character in any case or escape, the base64 cores) costs
    ~50 ns a character, with the GIL held throughout: 13 ms for one 1,000-result page,
    in which the main thread can run no Python. For a key without ``/``, ``"`` or ``\\``
    (Planet keys are letters and digits) a text without the key is recognised with
    C-speed scans instead: the key in any case is absent from the lowered text, no
    base64 core is in it, and the pattern finds nothing around the escapes (``%XX``,
    ``\\uXXXX``), the only places where a mixed or escaped form could start or end."""

    def __init__(self, key: Optional[str]):
        key = (key or "").strip()
        self._pattern = None
        self._lower: Optional[str] = None  # set when the fast scan applies
        self._cores: List[str] = []
        if len(key) < MIN_KEY_LENGTH or key_problem(key):
            if key:
                # an odd key is never sent; still mask it verbatim wherever it shows
                self._pattern = re.compile(re.escape(key))
            return
        plain = "".join(_char_pattern(ch) for ch in key)
        self._cores = _base64_cores(key)
        b64 = "|".join(re.escape(c) for c in self._cores)
        self._pattern = re.compile(f"{plain}|{b64}" if b64 else plain)
        if not set(key) & set('/"\\'):  # their \X escapes are not among _ESCAPES
            self._lower = key.lower()
            self._reach = 6 * len(key)  # the longest match: every character as \uXXXX

    def _absent(self, text: str) -> bool:
        """True when no form of the key can be in ``text`` (never a false True)."""
        if self._lower is None or self._lower in text.lower():
            return False
        if any(core in text for core in self._cores):
            return False
        # an escaped or mixed form holds an escape: look only within reach of them
        reach, search = self._reach, self._pattern.search
        start = end = -1
        spots = sorted(m.span() for escape in _ESCAPES for m in escape.finditer(text))
        for first, last in spots:
            if first - reach > end:  # out of the window so far: search that one
                if end >= 0 and search(text, start, end):
                    return False
                start = max(0, first - reach)
            end = last + reach
        return end < 0 or not search(text, start, end)

    @property
    def pattern_text(self) -> str:
        return self._pattern.pattern if self._pattern is not None else ""

    def __call__(self, text):
        if not text or self._pattern is None or not isinstance(text, str):
            return text
        if self._absent(text):
            return text
        return self._pattern.sub(MASK, text)

    def __repr__(self) -> str:
        return "<Redactor>"


_ACTIVE: "weakref.WeakSet[Redactor]" = weakref.WeakSet()
_ACTIVE_LOCK = threading.Lock()


def register(redactor: Redactor) -> Redactor:
    """Keep ``redactor`` known to ``redact_known`` (the log filter) while it lives."""
    with _ACTIVE_LOCK:
        _ACTIVE.add(redactor)
    return redactor


def redact_known(text: str) -> str:
    """Mask every key a live client holds (the log filter calls this)."""
    with _ACTIVE_LOCK:
        redactors = list(_ACTIVE)
    seen = set()
    for r in redactors:
        if r.pattern_text not in seen:  # many clients share one key
            seen.add(r.pattern_text)
            text = r(text)
    return text


__all__ = ["MASK", "Redactor", "key_problem", "redact_known", "register"]
