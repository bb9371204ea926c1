"""The practice sandbox lives in core.services (the plugin owns one, kept in the profile
folder); this module only keeps the old import path working."""

from ..core.services import PRACTICE_KEY, PracticeSandbox

__all__ = ["PRACTICE_KEY", "PracticeSandbox"]
