# mypy: ignore-errors
"""The django-viewflow 2.x peer of ``bench/engine.py``: a Django app holding the equivalent flow.

Runs only in the bench's own virtualenv (Django 5.2, django-viewflow 2.4, built by
``bench/engine.py`` under ``var/bench/viewflow-venv``); the platform never imports it
(django-viewflow is AGPL-3.0).
"""
