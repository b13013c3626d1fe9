"""A short mock exam (4 questions) by keyboard in Chromium, on a laptop and
on a phone: start from /exams/, choose with digits and letters, flag with F,
move with N and P, a "Choose two" question refuses a third, no key acts while
a control has the focus, a reload resumes where the learner was, a cut
network is retried until the answer is saved, and the review screen submits.
(The full 75-question SAP-C02 run is tests/browser/test_mock_exam.py.)"""

import time

import pytest

from studyapp.exams.models import Attempt, Blueprint
from studyapp.noteformat.vocabulary import DOMAINS
from tests.browser.test_study_flow import tab_to
from tests.browser_fixtures import no_horizontal_scroll, session_cookie
from tests.exams.bank import bank_build

pytestmark = pytest.mark.django_db(transaction=True)
DEVICES = ["page", "phone"]
# A guard against a page that never saves, not a measure of speed.
SAVE_LIMIT_SECONDS = 60


@pytest.fixture
def exam_learner(django_user_model):
    bank_build(size=5)  # the fifth asks for two of five
    Blueprint.objects.create(
        code="SHORT-1",
        name="Short",
        question_count=4,
        minutes=10,
        domains=[{"name": d.name, "weight": 25} for d in DOMAINS],
    )
    return django_user_model.objects.create_user("keiko", "keiko@example.com", "sap-pro-2026-pass")


def saved(page) -> None:
    """Until every answer has reached the server (exam.js keeps the count)."""
    deadline = time.monotonic() + SAVE_LIMIT_SECONDS
    while page.evaluate("document.querySelector('#exam').dataset.pending") != "0":
        if time.monotonic() > deadline:
            raise AssertionError("the page never saved")
        page.wait_for_timeout(25)


def shown(page) -> str:
    return page.evaluate("document.querySelector('#exam').dataset.position")


def ticked(page, position: int) -> list[str]:
    return page.evaluate(
        "(p) => [...document.querySelectorAll(`#q-${p} input[name=choice]:checked`)].map((b) => b.value)", position
    )


@pytest.mark.parametrize("device", DEVICES)
def test_a_short_mock_by_keyboard(request, live_server, exam_learner, device):
    page = request.getfixturevalue(device)
    base = live_server.url
    page.context.add_cookies([session_cookie(live_server, exam_learner)])
    page.goto(f"{base}/exams/")
    tab_to(page, "#start-short-1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    attempt = Attempt.objects.get(user=exam_learner)
    items = {item.position: item for item in attempt.items.all()}
    assert shown(page) == "1" and page.url.endswith("?q=1")
    assert no_horizontal_scroll(page)

    multi = next(p for p, i in items.items() if i.needed == 2)
    first, second, last = [p for p in sorted(items) if p != multi]

    def go_to(position) -> None:
        while shown(page) != str(position):
            page.keyboard.press("n" if shown(page) != "review" and int(shown(page)) < position else "p")

    # 1 chooses the first option shown (a radio button: 2 replaces it), F flags.
    go_to(first)
    page.keyboard.press("1")
    page.keyboard.press("2")
    page.keyboard.press("f")
    saved(page)
    item = attempt.items.get(position=first)
    assert item.chosen == [items[first].option_order[1]] and item.flagged
    assert "flagged" in page.locator(f"#nav-{first}").get_attribute("class")

    # N moves on and puts the position in the URL; B (a letter) chooses the second option.
    go_to(second)
    assert page.url.endswith(f"?q={second}")
    page.keyboard.press("b")
    saved(page)
    assert attempt.items.get(position=second).chosen == [items[second].option_order[1]]

    # The "Choose two" question refuses a third.
    go_to(multi)
    for key in ("1", "2", "3"):
        page.keyboard.press(key)
    saved(page)
    assert len(ticked(page, multi)) == 2
    assert page.locator(f"#choices-limit-{multi}").inner_text() != ""
    assert sorted(attempt.items.get(position=multi).chosen) == sorted(items[multi].option_order[:2])

    # No key acts while a control has the focus: Tab onto an option, press N.
    tab_to(page, f"#q-{multi} input[name=choice]")
    page.keyboard.press("n")
    assert shown(page) == str(multi)
    page.keyboard.press("Escape")

    # A reload resumes at the same question with the answers and the flag.
    go_to(second)
    page.reload()
    assert shown(page) == str(second)
    assert ticked(page, first) == [items[first].option_order[1]]
    assert "flagged" in page.locator(f"#nav-{first}").get_attribute("class")

    # The network is cut: the answer waits and is retried, then saved.
    go_to(last)
    page.context.set_offline(True)
    page.keyboard.press("1")
    page.locator("#exam-save[data-state=retrying]").wait_for()
    assert attempt.items.get(position=last).chosen == []
    page.context.set_offline(False)
    saved(page)
    assert attempt.items.get(position=last).chosen == [items[last].option_order[0]]

    # The review screen lists what is flagged and submits.
    while shown(page) != "review":
        page.keyboard.press("n")
    assert page.locator("#exam-review").is_visible()
    assert page.locator("#review-flagged").inner_text().strip() == str(first)
    assert no_horizontal_scroll(page)
    tab_to(page, "#exam-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/exams/attempts/{attempt.pk}/report/")
    attempt.refresh_from_db()
    assert attempt.submitted_reason == "learner"
    assert attempt.items.exclude(chosen=[]).count() == 4


def test_an_answer_unsent_at_a_reload_is_sent_when_the_page_opens_again(page, live_server, exam_learner):
    page.context.add_cookies([session_cookie(live_server, exam_learner)])
    page.goto(f"{live_server.url}/exams/")
    with page.expect_navigation():
        page.click("#start-short-1")
    attempt = Attempt.objects.get(user=exam_learner)
    single = next(item for item in attempt.items.order_by("position") if item.needed == 1)
    page.goto(f"{live_server.url}/exams/attempts/{attempt.pk}/?q={single.position}")

    # The server cannot be reached for answers: the answer waits in the page.
    page.route("**/answer/", lambda route: route.abort())
    page.keyboard.press("1")
    page.locator("#exam-save[data-state=retrying]").wait_for()
    page.reload()
    # Opened again: the answer the server never got is on screen and still being sent.
    assert ticked(page, single.position) == [single.option_order[0]]
    assert attempt.items.get(pk=single.pk).chosen == []
    page.unroute("**/answer/")
    saved(page)
    assert attempt.items.get(pk=single.pk).chosen == [single.option_order[0]]
