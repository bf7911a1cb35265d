"""Forms of the public verification page: a scanned QR text, or a PDF someone holds."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sinergi.core import uploads

#: The largest PDF the public verifier reads (a decision is some tens of kilobytes).
MAX_PDF_BYTES = 5 * 1024 * 1024


def max_pdf_bytes() -> int:
    """The largest PDF the verification takes (``SINERGI["VERIFY_PDF_MAX_BYTES"]``)."""
    return int(settings.SINERGI.get("VERIFY_PDF_MAX_BYTES", MAX_PDF_BYTES))


class QrForm(forms.Form):
    qr = forms.CharField(
        label=_("The text of the QR code"),
        help_text=_("Scan the QR code on the decision and paste what it reads, or its address."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        error_messages={"required": _("Enter the text of the QR code.")},
    )


class PdfForm(forms.Form):
    pdf = forms.FileField(
        label=_("The decision as a PDF file"),
        help_text=_("The file you downloaded or were sent, 5 MB at most."),
        error_messages={"required": _("Choose the PDF file of the decision.")},
    )

    def clean_pdf(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["pdf"]
        if upload.size is None or upload.size > max_pdf_bytes():
            raise forms.ValidationError(_("The file must be 5 MB or smaller."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("The file must be a PDF."))
        expands = uploads.configured_problem(upload.read())
        upload.seek(0)
        if expands is not None:
            raise forms.ValidationError(_(uploads.EXPANDS_TOO_MUCH))
        return upload
