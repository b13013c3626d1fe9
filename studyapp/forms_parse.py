"""Numbers read from a form or a query string, where a missing or malformed
value is the caller's choice to refuse or to ignore, never a 500."""


def int_or_none(value, low: int | None = None, high: int | None = None) -> int | None:
    """``value`` as a whole number, or None when it is missing, not one, or
    outside ``low``..``high`` (either bound may be left open)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number
