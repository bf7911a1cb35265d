"""Benchmark: what one signed decision costs, off the deciding request: rendering the PDF
(WeasyPrint, with the QR code), the PAdES signature (pyHanko), the QR payload (ECDSA P-256)
and the public check of a PDF (pyHanko's validator), each against a baseline measured in the
same run: WeasyPrint rendering a one-line page.

Benchmarks are not tests: nothing here asserts a timing.

Run: .venv/bin/python bench/documents.py [--documents 20]

The folder of this script holds ``calendar.py``, which would shadow the standard library's
``calendar`` when run as a script, so that folder is taken off the path first.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable


def timed(func: Callable[[], object], n: int) -> tuple[float, float]:
    """Median and best milliseconds per call over ``n`` calls (after one warm-up call)."""
    func()
    runs = []
    for _ in range(n):
        began = time.perf_counter()
        func()
        runs.append((time.perf_counter() - began) * 1000)
    return statistics.median(runs), min(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sinergi-bench-docs-"))
    os.environ["SINERGI_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.config.settings")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["EMAIL_BACKEND"] = "memory"
    import django

    django.setup()
    from django.core.management import call_command
    from weasyprint import HTML

    from sinergi.demo.decisions import load_demo_decisions
    from sinergi.demo.load import load_demo
    from sinergi.documents import render, verification
    from sinergi.documents.actions import qr_claims
    from sinergi.documents.signing import get_signer

    call_command("migrate", verbosity=0)
    load_demo(progress=False)
    decision = load_demo_decisions()[-1]
    signer = get_signer()
    agency = decision.agency
    content = decision.content
    n = args.documents
    claims = qr_claims(decision)
    pdf = render.decision_pdf(str(decision.pk), content, decision.qr_payload)
    signed = decision.pdf_bytes()

    figures = {
        "baseline: WeasyPrint, one line": timed(
            lambda: HTML(string="<p>Keputusan</p>").write_pdf(), n
        ),
        "render the decision (HTML + QR + PDF)": timed(
            lambda: render.decision_pdf(str(decision.pk), content, decision.qr_payload), n
        ),
        "PAdES signature (pyHanko)": timed(
            lambda: signer.sign_pdf(pdf, agency=agency, reason="bench", location="bench"), n
        ),
        "QR payload (ECDSA P-256)": timed(lambda: signer.sign_payload(claims, agency), n * 10),
        "check a PDF (pyHanko validator)": timed(lambda: verification.verify_pdf(signed), n),
        "check a QR payload (online)": timed(
            lambda: verification.verify_qr(decision.qr_payload), n * 10
        ),
    }
    baseline = figures["baseline: WeasyPrint, one line"][0]
    print(f"per document, {n} documents (median, best), ratio to the baseline's median:")
    for name, (median, best) in figures.items():
        print(f"  {name:<40} {median:8.1f} ms  {best:8.1f} ms  {median / baseline:6.2f}x")
    print(f"signed PDF size: {len(signed):,} bytes")


if __name__ == "__main__":
    main()
