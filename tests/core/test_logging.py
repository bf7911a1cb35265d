"""Logs are JSON lines with the request id, and a NIK never appears in them in clear."""

from __future__ import annotations

import io
import json
import logging

from sinergi.core.context import request_id_var
from sinergi.core.logging import JsonFormatter, PersonalDataFilter, RequestIdFilter

NIK = "3171015208900001"


def capture(message: str, *args: object, **extra: object) -> dict[str, object]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(PersonalDataFilter())
    logger = logging.getLogger("sinergi.test.logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    token = request_id_var.set("req-123456789")
    try:
        logger.info(message, *args, extra=extra)
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    line: dict[str, object] = json.loads(stream.getvalue())
    return line


def test_a_log_line_is_json_with_the_request_id() -> None:
    line = capture("case %s submitted", "K-1")
    assert line["message"] == "case K-1 submitted"
    assert line["request_id"] == "req-123456789"
    assert line["level"] == "INFO"


def test_a_nik_in_the_message_or_its_arguments_is_masked() -> None:
    line = capture("citizen %s applied (NIK %s)", "Siti", NIK)
    assert NIK not in json.dumps(line)
    assert "************0001" in str(line["message"])


def test_a_nik_in_extra_fields_is_masked() -> None:
    line = capture("lookup", nik=NIK, path=f"/api/v1/citizens/{NIK}")
    assert NIK not in json.dumps(line)
    assert line["nik"] == "************0001"
