"""Sending the password-reset mail without making the answer wait for it."""

import logging
import threading

from django.core.mail import EmailMessage

logger = logging.getLogger(__name__)


def mail_send(*, message: EmailMessage, in_background: bool) -> threading.Thread | None:
    """Send ``message``; in the background, from a thread of its own, so the
    request returns at once.

    The message is built (and translated) in the request; the thread only talks
    to the mail server, and touches no database. A mail lost with its process
    (a worker recycled mid-send) costs the learner one more request: the link
    in it would have been the only state, and there is none to lose.
    """
    if not in_background:
        _send(message)
        return None
    thread = threading.Thread(target=_send, args=(message,), name="password-reset-mail")
    thread.start()
    return thread


def _send(message: EmailMessage) -> None:
    try:
        message.send()
    except Exception:
        # Never the address: the log must not say who has an account.
        logger.exception("a password reset mail could not be sent")
