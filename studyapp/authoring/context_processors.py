"""What every page's top bar needs from authoring: whether to offer "Write"."""

from studyapp.authoring.access import is_instructor


def authoring(request):
    user = getattr(request, "user", None)

    def writes_notes() -> bool:
        if user is None:
            return False
        # The request's user, as the login backend loads it, comes with the
        # answer (studyapp.accounts.sql); any other asks the permission lookup.
        known = getattr(user, "writes_notes", None)
        return bool(known) if known is not None else is_instructor(user)

    # A callable: pages that do not show the top bar never ask.
    return {"writes_notes": writes_notes}
