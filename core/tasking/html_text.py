"""Readable words of an HTML page (a proxy's or a load balancer's error page), in linear time.

No regex that can backtrack: hostile pages of 120 KB are turned into text in milliseconds.
"""

import re

_TAG = re.compile(r"<[^<>]*>")  # a tag cannot contain '<': every scan stops there (linear)
_SPACES = re.compile(r"\s+")


def _drop_blocks(text: str, lower: str, name: str) -> str:
    """Remove <name ...>...</name> blocks with str.find only (linear: each search
    starts where the last one ended; an unclosed block drops the rest)."""
    out, pos = [], 0
    opening, closing = f"<{name}", f"</{name}"
    while True:
        start = lower.find(opening, pos)
        if start < 0:
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:start])
        end = lower.find(closing, start)
        if end < 0:
            return "".join(out)
        close = lower.find(">", end)
        pos = len(text) if close < 0 else close + 1


def html_text(text: str) -> str:
    """Readable words of an HTML error page, in time linear in its size (the caller bounds it)."""
    if "<" not in text:
        return text
    lower = text.lower()
    title = ""
    start = lower.find("<title")
    if start >= 0:
        opened = lower.find(">", start)
        end = lower.find("</title", opened) if opened >= 0 else -1
        if end > opened >= 0:
            title = _SPACES.sub(" ", text[opened + 1 : end]).strip()[:200]
    body = _drop_blocks(text, lower, "script")
    body = _drop_blocks(body, body.lower(), "style")
    body = _TAG.sub(" ", body)
    body = _SPACES.sub(" ", body).strip()
    if title and title not in body[:200]:
        return f"{title}: {body}"
    return body
