"""Local simulator of Planet's Tasking API v2 (the subset the plugin uses). Stdlib only.

    from planet_bulk_tasking.sandbox import SandboxServer
    srv = SandboxServer()
    base_url = srv.start()      # http://127.0.0.1:PORT/tasking/v2
    ...
    srv.stop()

See README.md beside this file for the endpoints and which shapes are [doc] or [assumed].
"""

from typing import Any, Optional

from .server import SandboxServer

__all__ = ["SandboxServer", "start", "stop"]

_default: Optional[SandboxServer] = None


def start(**kwargs: Any) -> str:
    """Start the module's default sandbox (stopping a previous one); returns its base URL."""
    global _default
    stop()
    _default = SandboxServer(**kwargs)
    return _default.start()


def stop() -> None:
    """Stop the module's default sandbox, if any."""
    global _default
    server, _default = _default, None
    if server is not None:
        server.stop()
