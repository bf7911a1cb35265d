"""A decision as a PDF in Bahasa Indonesia (WeasyPrint), with the QR code (segno) that
carries its verification address and signed payload."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def verification_url(decision_id: str, qr_payload: str = "") -> str:
    base = str(settings.SINERGI["PUBLIC_URL"]).rstrip("/")
    url = f"{base}/verifikasi/{decision_id}"
    return f"{url}?qr={qr_payload}" if qr_payload else url


def qr_png_data_uri(text: str) -> str:
    """The QR code as a PNG data URI (a bitmap: WeasyPrint lays out an SVG of a few
    hundred modules far slower, and the print is the same)."""
    return str(segno.make(text, error="m").png_data_uri(scale=4, border=2))


@cache
def _fetcher() -> Any:
    """Only ``data:`` URIs: a decision never loads anything from a network or a file (and
    one fetcher per process spares building an SSL context for every document)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def decision_html(decision_id: str, content: Mapping[str, Any], qr_payload: str) -> str:
    url = verification_url(decision_id, qr_payload)
    with translation.override("id"):  # the document is always in Bahasa Indonesia
        return render_to_string(
            "documents/decision_pdf.html",
            {
                "c": content,
                "decision_id": decision_id,
                "verify_url": verification_url(decision_id),
                "qr": qr_png_data_uri(url),
            },
        )


def decision_pdf(decision_id: str, content: Mapping[str, Any], qr_payload: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, needed only to render

    html = decision_html(decision_id, content, qr_payload)
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf()
    return pdf
