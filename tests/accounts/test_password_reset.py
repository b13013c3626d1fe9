"""Password reset by e-mail: Django's views in our templates, throttled, and
the same answer whether or not an account has the address."""

import re
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import Client

from studyapp.accounts.models import TokenBucket

pytestmark = pytest.mark.django_db

URL = "/accounts/password/reset/"
DONE = "/accounts/password/reset/done/"
NEW = "a-fresh-start-2027"


@pytest.fixture(autouse=True)
def mail_in_the_request(settings):
    # Most tests read the outbox right after the request; one test below covers
    # the background delivery production uses.
    settings.PASSWORD_RESET_MAIL_IN_BACKGROUND = False


def _ask(client, email, ip="127.0.0.1"):
    return client.post(URL, {"email": email}, REMOTE_ADDR=ip)


def _without_csrf(page: str) -> str:
    return re.sub(r"(csrftoken\": \"|csrfmiddlewaretoken\" value=\")[^\"]+", r"\1…", page)


def _link(message) -> str:
    return re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body).group(1)


def test_the_login_page_links_here(client):
    assert f'href="{URL}"' in client.get("/accounts/login/").content.decode()


def test_it_shows_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="email"' in body
    assert 'class="account narrow"' in body  # our layout, not the admin's


@pytest.mark.parametrize("path", [URL, DONE, "/accounts/reset/done/"])
def test_head_is_answered_like_get(client, path):
    assert client.head(path).status_code == 200


def test_wrong_methods_get_405(client):
    assert client.put(URL).status_code == 405


def test_the_whole_way_from_the_mail_to_a_login(client, alice, logged_in_as):
    response = _ask(client, "alice@example.com")
    assert response.status_code == 302
    assert response.url == DONE
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert "alice" in message.body  # the username, in case they forgot it too

    link = _link(message)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    assert 'name="new_password1"' in form_page.content.decode()

    done = client.post(set_password_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done.url == "/accounts/reset/done/"
    assert "log in" in client.get(done.url).content.decode().lower()

    alice.refresh_from_db()
    assert alice.check_password(NEW)
    assert client.post("/accounts/login/", {"username": "alice", "password": NEW}).status_code == 302
    assert logged_in_as(client) == alice.id


def test_a_link_works_once(client, alice):
    _ask(client, "alice@example.com")
    link = _link(mail.outbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW, "new_password2": NEW})
    again = Client().get(link, follow=True)
    assert 'name="new_password1"' not in again.content.decode()
    assert "invalid" in again.content.decode().lower()


def test_the_address_is_matched_whatever_its_case(client, alice):
    _ask(client, "ALICE@Example.com")
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_the_answer_is_the_same_for_an_unknown_address(client, alice):
    known = _ask(Client(), "alice@example.com", ip="192.0.2.1")
    unknown = _ask(Client(), "nobody@example.com", ip="192.0.2.2")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    # Byte for byte, but for the CSRF token each new client gets.
    page_known, page_unknown = (_without_csrf(Client().get(r.url).content.decode()) for r in (known, unknown))
    assert page_known == page_unknown


def test_an_inactive_account_gets_no_mail_and_the_same_answer(client, alice):
    alice.is_active = False
    alice.save()
    response = _ask(client, "alice@example.com")
    assert (response.status_code, response.url) == (302, DONE)
    assert mail.outbox == []


def test_the_mail_speaks_the_language_of_the_request(client, alice):
    client.cookies["django_language"] = "ja"
    _ask(client, "alice@example.com")
    message = mail.outbox[0]
    assert "パスワード" in message.subject
    assert "パスワード" in message.body


def test_the_pages_are_in_japanese_too(client):
    client.cookies["django_language"] = "ja"
    body = client.get(URL).content.decode()
    assert '<html lang="ja">' in body
    assert "パスワード" in body


def test_it_is_throttled_by_address(client, alice, settings):
    settings.PASSWORD_RESET_THROTTLE_PER_IP = (2, 300)
    assert _ask(client, "alice@example.com").status_code == 302
    assert _ask(client, "nobody@example.com").status_code == 302
    response = _ask(client, "alice@example.com")
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("email", ["alice@example.com", "nobody@example.com"])
def test_it_sends_at_most_a_few_mails_to_one_address(client, alice, settings, email):
    # Asked from many addresses: the mailbox is not flooded, and the answer is
    # the same whether or not the address has an account.
    settings.PASSWORD_RESET_THROTTLE_PER_EMAIL = (2, 1200)
    answers = [_ask(Client(), email.upper() if n % 2 else email, ip=f"10.4.{n}.1") for n in range(5)]
    assert {(a.status_code, a.url) for a in answers} == {(302, DONE)}
    assert len(mail.outbox) == (2 if email.startswith("alice") else 0)


def test_the_throttle_stores_no_addresses(client, alice):
    _ask(client, "alice@example.com", ip="192.0.2.44")
    values = list(TokenBucket.objects.values_list("value", flat=True))
    assert values and not any("alice" in v or "192.0.2.44" in v for v in values)


class BlockingBackend(LocmemBackend):
    """Delivers only once the test lets it: a mail server that takes its time."""

    release = threading.Event()

    def send_messages(self, messages):
        assert self.release.wait(timeout=60), "the test never released the mail"
        return super().send_messages(messages)


def test_the_answer_does_not_wait_for_the_mail_server(client, alice, settings):
    # Sending takes the mail server's time only when the account exists; the
    # answer must not, or its duration would tell which addresses have one.
    settings.PASSWORD_RESET_MAIL_IN_BACKGROUND = True
    settings.EMAIL_BACKEND = f"{__name__}.BlockingBackend"
    BlockingBackend.release.clear()
    response = _ask(client, "alice@example.com")
    assert response.status_code == 302
    assert mail.outbox == []  # answered while the mail is still on its way
    BlockingBackend.release.set()
    for thread in threading.enumerate():
        if thread.name == "password-reset-mail":
            thread.join(timeout=60)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
