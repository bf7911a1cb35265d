"""Limit/offset pages with bounds: a huge ``offset`` or ``limit`` is a 422, not a database
overflow (SQLite and PostgreSQL take at most a 64-bit OFFSET)."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

#: Far past the end of any list the API serves (there are about 91,000 region codes).
MAX_OFFSET = 10_000_000


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
