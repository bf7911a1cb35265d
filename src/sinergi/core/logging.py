"""Structured logs: one JSON object per line, with the request id and no personal data.

A NIK must never reach a log in clear (UU 27/2022), whatever code logged it: the filter
masks every NIK-looking number in the message and its arguments before formatting.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from sinergi.citizens.nik import scrub_niks
from sinergi.core.context import current_request_id

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = scrub_niks(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, scrub_niks(value))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = (
                    value if isinstance(value, (int, float, bool)) else scrub_niks(str(value))
                )
        if record.exc_info:
            entry["exc"] = scrub_niks(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
