"""Python ``logging`` routed to the QGIS message log ("Planet Bulk Tasking" tab).

QgsMessageLog is thread-safe, so worker threads may log; the redacting filter
keeps API keys out of every line whatever a caller formats into it.
"""

import logging
import re

from qgis.core import Qgis, QgsMessageLog

from .identity import LOGGER_NAME, PLUGIN_NAME
from .tasking.keys import redact_known

LOG_TAG = PLUGIN_NAME  # the Log Messages tab

_SECRET_PATTERNS = (
    re.compile(r"(api-key\s+)\S+", re.IGNORECASE),
    re.compile(r"(Basic\s+)[A-Za-z0-9+/=]{8,}", re.IGNORECASE),
    re.compile(
        r"((?:api_key|apikey|PL_API_KEY|password)\s*[=:]\s*['\"]?)[^\s'\",&]+", re.IGNORECASE
    ),
)


def redact(text: str) -> str:
    """Header-like secrets by pattern, and every key a live client holds in any form
    (raw, JSON- or %-escaped, base64), whatever the line's author put in it."""
    text = redact_known(text)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1***", text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:  # a traceback may quote a key too
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class QgsMessageLogHandler(logging.Handler):
    _LEVELS = (
        (logging.ERROR, Qgis.MessageLevel.Critical),
        (logging.WARNING, Qgis.MessageLevel.Warning),
        (logging.INFO, Qgis.MessageLevel.Info),
    )

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level = next(
                (q for py, q in self._LEVELS if record.levelno >= py), Qgis.MessageLevel.Info
            )
            QgsMessageLog.logMessage(self.format(record), LOG_TAG, level, notifyUser=False)
        except Exception:  # logging must never take the plugin down
            self.handleError(record)


def setup_logging(level: int = logging.INFO) -> logging.Logger:
    """Attach the handler once (plugin reloads call this again)."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    if not any(isinstance(h, QgsMessageLogHandler) for h in logger.handlers):
        handler = QgsMessageLogHandler()
        handler.addFilter(RedactingFilter())
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.propagate = False
    return logger


def teardown_logging() -> None:
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, QgsMessageLogHandler):
            logger.removeHandler(handler)
