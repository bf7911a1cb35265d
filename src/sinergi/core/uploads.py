"""Uploads that expand: a small file may hold compressed content that grows to gigabytes when
read (a zip bomb, or a PDF whose Flate streams do the same). Every upload is checked here
before anything opens it (pure, no Django).

A ZIP container (DOCX, XLSX, ODT and plain ZIP alike) is refused when it declares more than
``max_members`` members or more than ``max_expanded`` bytes in all, or when inflating it
actually produces more than that (the declared sizes may lie). A PDF is refused when its
Flate-compressed streams inflate to more than ``max_expanded`` bytes in all. Inflation is
bounded: never more than ``max_expanded`` bytes are produced, whatever the input.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Final

from sinergi.rules import gettext_noop

#: Defaults; each upload passes its own limits (settings).
MAX_EXPANDED_BYTES: Final = 50_000_000
MAX_MEMBERS: Final = 200

_STREAM = re.compile(rb"stream\r?\n")
_CHUNK = 64 * 1024


def _inflate_bounded(data: bytes, budget: int, wbits: int = zlib.MAX_WBITS) -> int | None:
    """How many bytes ``data`` inflates to, or None once that passes ``budget`` (or it is not
    zlib data at all: then 0)."""
    inflater = zlib.decompressobj(wbits)
    produced = 0
    try:
        pending = data
        while pending:
            out = inflater.decompress(pending, budget - produced + 1)
            produced += len(out)
            if produced > budget:
                return None
            pending = inflater.unconsumed_tail
            if not out and not pending:
                break
    except zlib.error:
        return produced
    return produced


def _zip_problem(data: bytes, max_expanded: int, max_members: int) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return None  # not a readable archive: nothing will expand it either
    members = archive.infolist()
    if len(members) > max_members:
        return "too_many_members"
    if sum(m.file_size for m in members) > max_expanded:
        return "expands_too_much"
    produced = 0
    for member in members:
        try:
            with archive.open(member) as content:
                while chunk := content.read(_CHUNK):
                    produced += len(chunk)
                    if produced > max_expanded:
                        return "expands_too_much"
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, EOFError):
            return "unreadable_archive"
    return None


def _pdf_problem(data: bytes, max_expanded: int) -> str | None:
    produced = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        inflated = _inflate_bounded(data[start:end], max_expanded - produced)
        if inflated is None:
            return "expands_too_much"
        produced += inflated
    return None


def expansion_problem(
    data: bytes, max_expanded: int = MAX_EXPANDED_BYTES, max_members: int = MAX_MEMBERS
) -> str | None:
    """None for a file that stays within the limits when read, else why not."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _zip_problem(data, max_expanded, max_members)
    if b"PK\x03\x04" in data[:1024] or b"PK\x05\x06" in data[-1024:]:
        # An archive behind another format's first bytes (a polyglot) is opened by some readers.
        problem = _zip_problem(data, max_expanded, max_members)
        if problem is not None:
            return problem
    if data.startswith(b"%PDF-"):
        return _pdf_problem(data, max_expanded)
    return None


def configured_problem(data: bytes) -> str | None:
    """:func:`expansion_problem` with the installation's limits (``SINERGI`` settings)."""
    from django.conf import settings

    conf = settings.SINERGI
    return expansion_problem(
        data,
        int(conf.get("UPLOAD_MAX_EXPANDED_BYTES", MAX_EXPANDED_BYTES)),
        int(conf.get("UPLOAD_MAX_ARCHIVE_MEMBERS", MAX_MEMBERS)),
    )


#: What the uploader is told (translated where it is shown).
EXPANDS_TOO_MUCH: Final = gettext_noop(
    "The file holds compressed content that expands too much when opened."
)
