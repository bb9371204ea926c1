"""Who the client says it is: the API key or a QGIS auth method's headers, kept out of sight.

No QGIS, no Qt. ``Secret`` holds the key (its repr never shows it); ``ApiKeyAuth`` adds
the ``Authorization`` header to each request, so the session's headers never hold it;
``Redactors`` mask every secret in every form (``keys.py``) in texts the client keeps.
"""

import base64
import binascii
from typing import Dict, List, Optional, Union

from requests.auth import AuthBase

from . import keys


def basic_header(user: str, password: str) -> str:
    """``Basic <base64(user:password)>``, Latin-1 like requests (``keys.key_problem`` lets
    only printable ASCII through, so the charset never matters for a key)."""
    token = base64.b64encode(f"{user}:{password}".encode("latin-1")).decode("ascii")
    return f"Basic {token}"


class AuthHeaders:
    """Headers a QGIS authentication method made (e.g. ``Authorization: Bearer <token>``,
    or Basic with a user name and password): sent as they are, instead of the API key.

    Built by ``core/credentials.py`` (which asks QGIS's auth manager); plain Python here,
    so this module still imports no QGIS. Like the key, the values only go to the base
    URL's origin, never into the session's headers, a repr, a log line or an error.
    """

    __slots__ = ("_headers",)

    def __init__(self, headers: Dict[str, str]):
        self._headers = {str(k): str(v) for k, v in (headers or {}).items() if str(v).strip()}

    def items(self):
        return self._headers.items()

    def secrets(self) -> List[str]:
        """What to mask in texts: each header's credential (a token, the base64 of Basic)
        and, for Basic, the user name and password it encodes."""
        out = []
        for value in self._headers.values():
            scheme, _, credential = value.strip().partition(" ")
            credential = credential.strip() or scheme
            out.append(credential)
            if scheme.lower() == "basic":
                try:
                    decoded = base64.b64decode(credential, validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError):
                    continue
                # shorter parts would mask ordinary words ("me") all over error texts
                out.extend(part for part in decoded.split(":", 1) if len(part) >= 4)
        return out

    def problem(self) -> Optional[str]:
        """Why these headers cannot be sent (a line break...), never quoting them."""
        for name, value in self._headers.items():
            scheme, _, credential = value.strip().partition(" ")
            problem = keys.key_problem(credential.strip() or scheme)
            if problem:
                return problem.replace("The API key", f"The {name} header").replace(
                    "Copy the key again from your Planet account page and paste it alone.",
                    "Check the authentication configuration.",
                )
        return None

    def __bool__(self) -> bool:
        return bool(self._headers)

    def __eq__(self, other):
        return isinstance(other, AuthHeaders) and other._headers == self._headers

    def __hash__(self):
        return hash(tuple(sorted(self._headers)))

    def __repr__(self) -> str:
        return f"<auth headers: {', '.join(sorted(self._headers)) or 'none'}>"

    __str__ = __repr__


class Secret:
    """Holds the key (or the AuthHeaders of an auth configuration); its repr never shows it."""

    __slots__ = ("value",)

    def __init__(self, value: Union[None, str, AuthHeaders]):
        if isinstance(value, AuthHeaders):
            self.value = value or None
        else:
            self.value = (value or "").strip() or None

    def secrets(self) -> List[str]:
        if isinstance(self.value, AuthHeaders):
            return self.value.secrets()
        return [self.value] if self.value else []

    def __repr__(self) -> str:
        return "<secret>" if self.value else "<none>"

    __str__ = __repr__


class Redactors:
    """One keys.Redactor per secret (a key, or a token and what it encodes), each known to
    the log filter while the client lives."""

    __slots__ = ("_all",)

    def __init__(self, secrets: List[str]):
        self._all = [keys.register(keys.Redactor(secret)) for secret in secrets]

    def __call__(self, text):
        for redactor in self._all:
            text = redactor(text)
        return text

    def __repr__(self) -> str:
        return "<Redactors>"


class ApiKeyAuth(AuthBase):
    """Adds the Authorization header to each request, so the session's headers never hold it."""

    def __init__(self, secret: Secret, scheme: str = "api-key"):
        self._secret = secret
        self._scheme = scheme

    def __call__(self, r):
        value = self._secret.value
        if isinstance(value, AuthHeaders):  # any QGIS auth method: its headers as made
            for name, header in value.items():
                r.headers[name] = header
        elif value:
            if self._scheme == "basic":  # [doc] key as user name, empty password
                r.headers["Authorization"] = basic_header(value, "")
            else:  # [doc] Authorization: api-key <KEY>
                r.headers["Authorization"] = f"api-key {value}"
        return r

    def __repr__(self) -> str:
        return f"<{self._scheme} auth>"

    def __eq__(self, other):
        return isinstance(other, ApiKeyAuth) and other._secret is self._secret

    def __hash__(self):
        return id(self._secret)
