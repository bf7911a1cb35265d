"""The public transparency page: the audit chain's head as published each day, so anyone can
later prove that the record behind every decision was not rewritten."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sinergi.audit.transparency import current_head, published_heads


def transparency(request: HttpRequest) -> HttpResponse:
    return render(request, "audit/transparency.html",
                  {"head": current_head(), "published": published_heads(30)})  # fmt: skip
