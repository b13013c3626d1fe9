"""The words the study page needs when it runs from the device
(static/js/offline/session.js): rendered into the page in its language,
since the script has no translations of its own. Most are the online page's
own strings (one translation for both); plurals come as one form per count
the page may show."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from studyapp.notes.models import Card

# A question asks for at most this many options (noteformat's choice counts).
CHOOSE_MAX = 9
# The waiting mark counts up to here in words; beyond, the plural form is the same.
COUNT_FORMS = (1, 2)

_SLOT = "00000"


def _forms(singular: str, plural: str) -> dict[str, str]:
    """Both forms of a count sentence, with %(n)s left for the script."""
    return {"one": ngettext(singular, plural, 1), "other": ngettext(singular, plural, 2)}


def offline_texts() -> str:
    """As JSON, for an attribute of the page (autoescaped there): no <script>
    element, even of data, is on a page that did not come from a static file."""
    return json.dumps(_texts(), cls=DjangoJSONEncoder, ensure_ascii=False)


def _texts() -> dict:
    return {
        "waiting": _forms("Offline: %(n)s answer waiting to be sent", "Offline: %(n)s answers waiting to be sent"),
        "offline_idle": _("Offline: studying from this device; every answer is kept here until the network is back."),
        "sending": _forms("Back online: sending %(n)s answer…", "Back online: sending %(n)s answers…"),
        "saved": _("Back online: every answer is saved."),
        "signed_out": _("Your answers are kept on this device: log in again to send them."),
        "superseded": _forms(
            "%(n)s answer given offline was merged with answers from another device.",
            "%(n)s answers given offline were merged with answers from another device.",
        ),
        "refused": _forms(
            "%(n)s answer given offline was not recorded: its card is no longer available to you.",
            "%(n)s answers given offline were not recorded: their cards are no longer available to you.",
        ),
        "no_bundle": _(
            "This device has no study session saved. Open the study page once while online to study offline."
        ),
        "undone_answer": _("Last answer undone."),
        "undone_bury": _("Bury undone: the card is back."),
        "undone_suspend": _("Suspend undone: the card is back."),
        "nothing_to_undo": _("Nothing to undo."),
        "buried": _("Card buried until tomorrow."),
        "suspended": _("Card suspended: it stays out of your sessions until you unsuspend it."),
        "undo": _("Undo"),
        "units": {
            "lt1m": _("<1m"),
            "m": _("%(n)dm"),
            "h": _("%(n)dh"),
            "d": _("%(n)dd"),
            "mo_fraction": _("%(n).1fmo"),
            "mo": _("%(n)dmo"),
            "y": _("%(n).1fy"),
        },
        "choose": {
            str(n): ngettext("Choose %(n)s option.", "Choose %(n)s options.", n) % {"n": n}
            for n in range(1, CHOOSE_MAX + 1)
        },
        "recall": {
            str(n): ngettext(
                "Which %(n)s option is correct, and why? Recall it, then reveal.",
                "Which %(n)s options are correct, and why? Recall them, then reveal.",
                n,
            )
            % {"n": n}
            for n in range(1, CHOOSE_MAX + 1)
        },
        "progress": _("%(done)s done · %(left)s left today") % {"done": "{done}", "left": "{left}"},
        "score": _("Score: %(percent)s%%") % {"percent": "{percent}"},
        "correct": _("correct"),
        "verdicts": {
            "right": "✓ " + _("Your choice: correct"),
            "wrong": "✗ " + _("Your choice: wrong"),
            "missed": "✓ " + _("Correct, not chosen"),
            "plain": "✗ " + _("Wrong, not chosen"),
        },
        "kinds": dict(Card.Kind.choices),
        "note_url": reverse("note_detail", args=[_SLOT]).replace(_SLOT, "{id}"),
    }
