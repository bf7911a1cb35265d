"""A decision as a PDF in Bahasa Indonesia (WeasyPrint), with the QR code (segno) that
carries its verification address and signed payload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def verification_url(decision_id: str, qr_payload: str = "") -> str:
    base = str(settings.SINERGI["PUBLIC_URL"]).rstrip("/")
    url = f"{base}/verifikasi/{decision_id}"
    return f"{url}?qr={qr_payload}" if qr_payload else url


def qr_svg_data_uri(text: str) -> str:
    return str(segno.make(text, error="m").svg_data_uri(scale=3, border=2))


def decision_html(decision_id: str, content: Mapping[str, Any], qr_payload: str) -> str:
    url = verification_url(decision_id, qr_payload)
    with translation.override("id"):  # the document is always in Bahasa Indonesia
        return render_to_string(
            "documents/decision_pdf.html",
            {
                "c": content,
                "decision_id": decision_id,
                "verify_url": verification_url(decision_id),
                "qr": qr_svg_data_uri(url),
            },
        )


def decision_pdf(decision_id: str, content: Mapping[str, Any], qr_payload: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, needed only to render

    html = decision_html(decision_id, content, qr_payload)
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()  # the <title> is its title
    return pdf
