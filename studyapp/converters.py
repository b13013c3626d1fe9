"""Path converters. ``<id:...>`` is Django's ``<int:...>`` bounded to what a
database key can hold: a longer number is no such page (404), not a query
that SQLite and PostgreSQL refuse with an overflow (a 500)."""

from django.urls import register_converter

# Primary keys are 64-bit; 18 digits always fit in a signed BIGINT.
MAX_DIGITS = 18


class IdConverter:
    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
