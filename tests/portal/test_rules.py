"""The portal's pure rules: a file is what its first bytes say, within its size; PIN guessing
is throttled per receipt number and per address."""

from __future__ import annotations

import pytest

from sinergi.portal.rules import PinLimits, check_upload, pin_throttled, sniff
from sinergi.rules import RuleError

MB = 1_000_000


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JF", "image/jpeg"),
        (b"MZ\x90\x00\x03\x00", None),  # a Windows program named .pdf
        (b"<html><s", None),
        (b"PK\x03\x04", None),  # a zip (or an office file)
        (b"", None),
    ],
)
def test_the_type_comes_from_the_first_bytes(head: bytes, expected: str | None) -> None:
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("head", "size", "rule"),
    [
        (b"%PDF-1.7", 0, "file_empty"),
        (b"%PDF-1.7", 5 * MB + 1, "file_too_large"),
        (b"GIF89a", 1000, "file_type"),
    ],
)
def test_a_bad_upload_is_refused_with_its_rule(head: bytes, size: int, rule: str) -> None:
    with pytest.raises(RuleError) as refused:
        check_upload(head, size, 5 * MB)
    assert [v.rule for v in refused.value.violations] == [rule]


def test_a_file_at_the_limit_is_accepted() -> None:
    assert check_upload(b"\x89PNG\r\n\x1a\n", 5 * MB, 5 * MB) == "image/png"


@pytest.mark.parametrize(
    ("for_receipt", "from_address", "throttled"),
    [(0, 0, False), (4, 19, False), (5, 0, True), (0, 20, True), (7, 25, True)],
)
def test_pin_tries_are_throttled_by_receipt_and_by_address(
    for_receipt: int, from_address: int, throttled: bool
) -> None:
    assert pin_throttled(for_receipt, from_address, PinLimits(5, 20)) is throttled
