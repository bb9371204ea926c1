"""The Redactor's fast scan (a text without the key skips the full pattern) masks exactly
what the full pattern masks: never a form of the key left in a text."""

import base64
import json
import random

import pytest
from planet_bulk_tasking.core.tasking.keys import MASK, Redactor

KEYS = [
    "PLAKabcdef0123456789abcdef01234567",
    "u0050u0041u0042u0043",  # a key that looks like the escapes themselves
    "0050ABCD41aa",
    "ZZZZZZZZZZZZ",
    "sandbox-key_%41x",  # punctuation: raw, %XX and \\uXXXX forms only
]


def _form(ch: str, rnd: random.Random) -> str:
    code = ord(ch)
    return rnd.choice(
        [
            ch,
            ch.lower(),
            ch.upper(),
            f"%{code:02x}",
            f"%{code:02X}",
            f"\\u{code:04x}",
            f"\\u{code:04X}",
        ]  # fmt: skip
    )


def _noise(rnd: random.Random, n: int) -> str:
    parts = []
    for _ in range(n):
        parts.append(
            rnd.choice(
                [
                    '{"id": "x", "name": "caf\\u00e9"}',
                    "%3D",
                    "%zz",
                    "\\u00",
                    "\\\\u0041",
                    "next?page=a%2Fb",
                    " ",
                    "\\/",
                    "site 12",
                    "u0050",
                    "%50%41",
                    "QUJD",
                ]  # fmt: skip
            )
        )
    return "".join(parts)


def _texts(key: str, rnd: random.Random):
    for _ in range(300):
        form = "".join(_form(ch, rnd) for ch in key)
        if rnd.random() < 0.3:  # part of the key only: must stay as it is
            form = form[: rnd.randrange(1, len(form))]
        yield _noise(rnd, rnd.randrange(0, 20)) + form + _noise(rnd, rnd.randrange(0, 20))
    raw = key.encode()
    for offset in range(3):
        b64 = base64.b64encode(b"\0" * offset + raw + b":secret").decode()
        yield f'{{"auth": "Basic {b64}"}}' + _noise(rnd, 5)
    yield json.dumps({"results": [{"name": f"site {i}", "id": f"{i}%41"} for i in range(200)]})


@pytest.mark.parametrize("key", KEYS)
def test_fast_scan_masks_what_the_full_pattern_masks(key):
    redactor = Redactor(key)
    rnd = random.Random(key)
    masked = 0
    for text in _texts(key, rnd):
        full = redactor._pattern.sub(MASK, text)
        assert redactor(text) == full, text
        masked += full != text
    assert masked > 100  # the key was there in most texts, in all its forms


def test_a_page_without_the_key_is_returned_as_it_is():
    redactor = Redactor(KEYS[0])
    page = json.dumps({"results": [{"name": f"caf\u00e9 {i}"} for i in range(1000)]})
    page += "%41%42" + "\\u0041" * 3
    assert redactor(page) is page
    assert redactor._absent(page)


def test_an_odd_key_takes_the_full_pattern():
    redactor = Redactor('key-with/odd"chars')
    assert redactor._lower is None  # "/" may also come as "\\/"
    assert redactor('say key-with/odd"chars') == "say " + MASK
