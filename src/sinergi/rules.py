"""What every pure rule returns when it says no.

Pure rule modules (authority, region codes, lineage, NIK, ...) import nothing from Django,
so they cannot call gettext. They mark their message templates with :func:`gettext_noop`
(picked up by ``makemessages``) and the Django layer translates ``template`` before
formatting it with ``params``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Mark a message for translation without translating it (the Django layer does)."""
    return message


@dataclass(frozen=True)
class Violation:
    """One broken rule: which input field, which rule, and the law behind it."""

    field: str
    rule: str
    template: str
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    article: str = ""

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    def translated(self, gettext: object) -> str:
        """The message in the active language; ``gettext`` is Django's ``gettext``."""
        assert callable(gettext)
        return str(gettext(self.template)).format(**self.params)


class RuleError(ValueError):
    """Raised by pure validators; carries every violation found, not only the first."""

    def __init__(self, *violations: Violation) -> None:
        if not violations:
            raise TypeError("RuleError needs at least one violation")
        self.violations: tuple[Violation, ...] = violations
        super().__init__("; ".join(f"{v.field}: {v.message}" for v in violations))
