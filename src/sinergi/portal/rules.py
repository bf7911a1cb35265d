"""The portal's pure rules: what an uploaded file really is, and when PIN tries are throttled.

No Django imports: the messages are marked with ``gettext_noop`` and translated by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from sinergi.rules import RuleError, Violation, gettext_noop

#: Accepted documents, recognised by their first bytes (never by the name or the browser's
#: claimed type): PDF, PNG and JPEG.
SIGNATURES: tuple[tuple[str, bytes, str], ...] = (
    ("application/pdf", b"%PDF-", ".pdf"),
    ("image/png", b"\x89PNG\r\n\x1a\n", ".png"),
    ("image/jpeg", b"\xff\xd8\xff", ".jpg"),
)
HEAD_BYTES = 8


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes show, or None when it is none we accept."""
    for content_type, magic, _suffix in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def suffix_for(content_type: str) -> str:
    return next(s for t, _m, s in SIGNATURES if t == content_type)


def check_upload(head: bytes, size: int, max_bytes: int, field: str = "file") -> str:
    """The file's real content type; RuleError when it is empty, too large or of another type."""
    if size <= 0:
        raise RuleError(Violation(field, "file_empty", gettext_noop("The selected file is empty.")))
    if size > max_bytes:
        raise RuleError(
            Violation(
                field,
                "file_too_large",
                gettext_noop("The selected file must be smaller than {limit} MB."),
                {"limit": f"{max_bytes / 1_000_000:g}"},
            )
        )
    kind = sniff(head)
    if kind is None:
        raise RuleError(
            Violation(
                field, "file_type", gettext_noop("The selected file must be a PDF, JPG or PNG.")
            )
        )
    return kind


@dataclass(frozen=True)
class PinLimits:
    per_receipt: int  # failures for one receipt number within the window
    per_address: int  # failures from one address within the window


def pin_throttled(failures_for_receipt: int, failures_from_address: int, limits: PinLimits) -> bool:
    """True once either count reached its limit: no PIN is checked until the window passes."""
    return failures_for_receipt >= limits.per_receipt or failures_from_address >= limits.per_address
