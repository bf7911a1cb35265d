from __future__ import annotations

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "sinergi.documents"
    label = "documents"
    verbose_name = "Documents"
