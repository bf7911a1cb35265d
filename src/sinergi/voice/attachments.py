"""Complaint attachments: checked by their content and size, never by the name or the
browser's declared type (pure, no Django)."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from sinergi.rules import Violation, gettext_noop

#: The kinds accepted (photo, video, document), recognised by their first bytes.
KINDS: Final = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "video/mp4": ".mp4",
}


def sniff(data: bytes) -> str | None:
    """The media type the content really is, or None when it is none of :data:`KINDS`."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "video/mp4"
    return None


def safe_name(name: str) -> str:
    """A display name without paths or control characters, at most 120 characters."""
    base = re.split(r"[\\/]", name)[-1]
    clean = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable())
    return clean.strip()[:120] or "lampiran"


def check(name: str, data: bytes, max_bytes: int) -> tuple[str, Violation | None]:
    """(media type, None) for an acceptable file, else ("", the violation)."""
    if len(data) > max_bytes:
        return "", Violation(
            field="attachments",
            rule="attachment_too_large",
            template=gettext_noop("{name} is too large: an attachment may be at most {max} KB."),
            params={"name": safe_name(name), "max": str(max_bytes // 1024)},
        )
    if not data:
        return "", Violation(
            field="attachments",
            rule="attachment_empty",
            template=gettext_noop("{name} is empty."),
            params={"name": safe_name(name)},
        )
    kind = sniff(data)
    if kind is None:
        return "", Violation(
            field="attachments",
            rule="attachment_kind_refused",
            template=gettext_noop(
                "{name} is not a photo (JPEG, PNG, WebP), a video (MP4) or a PDF document."
            ),
            params={"name": safe_name(name)},
        )
    return kind, None
