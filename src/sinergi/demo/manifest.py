"""Reading the demo manifest (``manifest.toml``)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parent / "manifest.toml"


@cache
def manifest() -> dict[str, Any]:
    with MANIFEST.open("rb") as handle:
        return tomllib.load(handle)


def logins_table(password: str | None = None) -> str:
    """The demo logins as a Markdown table (printed by ``make run``, shown in the README)."""
    data = manifest()
    lines = [
        f"Demo password for every login: `{password or data['password']}`",
        "",
        "| login | role | who |",
        "|---|---|---|",
    ]
    for login in data["logins"]:
        lines.append(f"| `{login['username']}` | {login['role']} | {login['note']} |")
    return "\n".join(lines)
