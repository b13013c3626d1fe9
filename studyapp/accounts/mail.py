"""Sending the password-reset mail without making the answer wait for it."""

import logging
import threading

from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)


def mail_send(*, message: EmailMessage, in_background: bool, deliver: bool = True) -> threading.Thread | None:
    """Send ``message``; in the background, from a thread of its own, so the
    request returns at once. ``deliver=False`` does all of that but the
    sending: a reset asked for an address no account has goes through the
    same steps as one for a known address, so its answer takes as long.

    The message is built (and translated) in the request; the thread only talks
    to the mail server, and touches no database. A mail lost with its process
    (a worker recycled mid-send) costs the learner one more request: the link
    in it would have been the only state, and there is none to lose.
    """
    send = _send if deliver else _discard
    if not in_background:
        send(message)
        return None
    thread = threading.Thread(target=send, args=(message,), name="password-reset-mail")
    thread.start()
    return thread


def _send(message: EmailMessage) -> None:
    try:
        message.send()
    except Exception:
        # Never the address: the log must not say who has an account.
        logger.exception("a password reset mail could not be sent")


def _discard(message: EmailMessage) -> None:
    # What _send does short of talking to the mail server.
    message.message()
