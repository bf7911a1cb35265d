"""Background work of the documents app: signing a decision after its case commits."""

from __future__ import annotations

from django.tasks import task

from sinergi.documents.models import Decision


@task()
def sign_decision(decision_id: str) -> str:
    """Idempotent: a decision signed already (by an earlier try or a download) stays as it is."""
    from sinergi.documents.actions import ensure_signed

    decision = Decision.objects.select_related("agency").get(pk=decision_id)
    return ensure_signed(decision).pdf_sha256
