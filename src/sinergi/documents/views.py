"""The public verification pages: anyone who holds a decision checks it here, by the address
in its QR code, by the QR text, or by uploading the PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sinergi.documents import verification
from sinergi.documents.forms import PdfForm, QrForm
from sinergi.documents.payload import BAD_SIGNATURE


def _result(request: HttpRequest, answer: verification.Answer, **extra: Any) -> HttpResponse:
    status = 200 if answer.status != verification.UNKNOWN else 404
    return render(request, "documents/verify_result.html", {"answer": answer, **extra},
                  status=status)  # fmt: skip


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    qr_form, pdf_form = QrForm(prefix="qr"), PdfForm(prefix="pdf")
    if request.method == "POST":
        if "pdf-pdf" in request.FILES or request.POST.get("check") == "pdf":
            pdf_form = PdfForm(request.POST, request.FILES, prefix="pdf")
            if pdf_form.is_valid():
                check, answer = verification.verify_pdf(pdf_form.cleaned_data["pdf"].read())
                return _result(request, answer, pdf_check=check)
        else:
            qr_form = QrForm(request.POST, prefix="qr")
            if qr_form.is_valid():
                return _result(request, verification.verify_qr(qr_form.cleaned_data["qr"]))
    form = pdf_form if pdf_form.errors else qr_form
    return render(request, "documents/verify.html",
                  {"qr_form": qr_form, "pdf_form": pdf_form, "form": form},
                  status=422 if form.errors else 200)  # fmt: skip


def verify_document(request: HttpRequest, decision_id: str) -> HttpResponse:
    """The address a QR code opens: the document's status; with ``?qr=`` the payload is
    checked as well, so a forged code on a real document's address is caught."""
    qr = request.GET.get("qr", "")
    if qr:
        answer = verification.verify_qr(qr)
        if answer.decision is not None and str(answer.decision.pk) != decision_id:
            answer = verification.Answer(verification.INVALID, BAD_SIGNATURE)
        return _result(request, answer, checked_qr=True)
    return _result(request, verification.by_id(decision_id))
