"""Every user-facing string has its Bahasa Indonesia translation (the default language).

Scans the source for single-line literals passed to gettext, gettext_lazy, gettext_noop and
``_`` and looks each up in the compiled Indonesian catalogue; `make messages` refreshes it.
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sinergi"
CATALOGUE = SRC / "locale" / "id" / "LC_MESSAGES" / "django.mo"
MARKERS = {"gettext", "gettext_lazy", "gettext_noop", "_"}


def marked_strings() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in MARKERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def test_every_marked_string_is_translated_into_indonesian() -> None:
    with CATALOGUE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    strings = marked_strings()
    assert len(strings) > 100
    translated = {k for k, v in catalogue._catalog.items() if isinstance(k, str) and v}  # type: ignore[attr-defined]
    missing = sorted(s for s in strings if s.strip() and s not in translated)
    assert missing == [], "run `make messages` and translate: " + repr(missing[:10])


def test_no_translation_is_a_fuzzy_guess() -> None:
    """``makemessages`` marks a new string "fuzzy" with the translation of a similar old one
    (e.g. "Next page" guessed from "Web pages"); such a guess is not shipped but hides the gap."""
    for language in ("id", "en"):
        po = (SRC / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        assert "#, fuzzy" not in po.split("\n\n", 1)[1], f"fuzzy: {language}"
