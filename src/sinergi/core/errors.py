"""Exceptions shared by every app's access and action layers."""


class NotFound(Exception):
    """Raised by access functions: missing and forbidden look the same (DESIGN rule 2)."""


class Forbidden(Exception):
    """The caller may see the object but not do this to it (HTTP 403 with a message)."""


class Conflict(Exception):
    """Someone else changed the object first (HTTP 409): reload and decide again."""
