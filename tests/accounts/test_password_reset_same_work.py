"""A reset asked for an unknown address does the same work in the request as
one for a known address: the same queries, a token made, the mail rendered
and handed to the sender, which only delivers the real one (before: an
unknown address skipped the token, the templates and the mail, and answered
4-7 ms sooner, which told whether an account had the address). Checked by
what is done, not by timing."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.accounts import forms as account_forms

pytestmark = pytest.mark.django_db

URL = "/accounts/password/reset/"


@pytest.fixture(autouse=True)
def mail_in_the_request(settings):
    settings.PASSWORD_RESET_MAIL_IN_BACKGROUND = False


@pytest.fixture
def work(monkeypatch):
    """Records the steps of a reset: tokens made, templates rendered, mails handed over."""
    done = {"tokens": 0, "renders": [], "mails": []}
    make_token = default_token_generator.make_token
    render_to_string = account_forms.loader.render_to_string
    mail_send = account_forms.mail_send

    def count_token(user):
        done["tokens"] += 1
        return make_token(user)

    def count_render(name, context=None, *args, **kwargs):
        done["renders"].append(name)
        return render_to_string(name, context, *args, **kwargs)

    def count_mail(*, message, in_background, deliver=True):
        done["mails"].append((message.subject, deliver))
        return mail_send(message=message, in_background=in_background, deliver=deliver)

    monkeypatch.setattr(default_token_generator, "make_token", count_token)
    monkeypatch.setattr(account_forms.loader, "render_to_string", count_render)
    monkeypatch.setattr(account_forms, "mail_send", count_mail)
    return done


def _ask(client, email, ip):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"email": email}, REMOTE_ADDR=ip)
    assert response.status_code == 302
    return len(queries)


def test_known_and_unknown_addresses_do_the_same_work(client, alice, work):
    known_queries = _ask(client, "alice@example.com", "10.0.0.1")
    known = {"tokens": work["tokens"], "renders": list(work["renders"]), "mails": [d for _, d in work["mails"]]}
    assert len(mail.outbox) == 1
    work.update(tokens=0, renders=[], mails=[])

    unknown_queries = _ask(client, "nobody@example.com", "10.0.0.2")
    unknown = {"tokens": work["tokens"], "renders": list(work["renders"]), "mails": [d for _, d in work["mails"]]}

    assert known_queries == unknown_queries
    assert known["tokens"] == unknown["tokens"] == 1
    assert known["renders"] == unknown["renders"] and len(known["renders"]) == 2
    # The same mail built and handed over; only the real one is delivered.
    assert known["mails"] == [True] and unknown["mails"] == [False]
    assert len(mail.outbox) == 1


def test_an_inactive_account_is_treated_as_unknown(client, alice, work):
    alice.is_active = False
    alice.save()
    _ask(client, "alice@example.com", "10.0.0.3")
    assert work["tokens"] == 1 and [d for _, d in work["mails"]] == [False]
    assert mail.outbox == []


def test_the_stand_in_mail_is_not_sent_in_the_background_either(client, settings, work):
    settings.PASSWORD_RESET_MAIL_IN_BACKGROUND = True
    _ask(client, "nobody@example.com", "10.0.0.4")
    assert [d for _, d in work["mails"]] == [False]
    assert mail.outbox == []
