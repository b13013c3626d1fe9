"""The team dashboard's layout in Chromium (issue 14, finding 9): on a phone
no team page scrolls sideways (wide tables scroll in their own box); at
1280 px no column header is broken inside a word."""

import pytest
from django.utils import timezone

from studyapp.notes.models import Card
from tests.browser_fixtures import no_horizontal_scroll, wait_until_settled
from tests.teams.conftest import Studied, answer, assign, import_deck, study, team_with, user

pytestmark = pytest.mark.django_db(transaction=True)

# Every word of every header, as client rectangles: a word drawn on two
# lines has rectangles at two heights.
WORDS_BROKEN = """() => {
  const broken = [];
  for (const th of document.querySelectorAll("table thead th, table.members tbody th")) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /\\S+/g;
      let match;
      while ((match = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def team(db):
    import_deck()
    cards = list(Card.objects.order_by("note__note_id", "position"))
    question = next(c for c in cards if c.kind == "question")
    lead = user("lena")
    members = [user(name) for name in ("ann", "ben_the_long_named_member", "cat", "dan", "eve")]
    team = team_with(lead, members, share=("ann", "ben_the_long_named_member", "cat", "dan"))
    assign(team)
    now = timezone.now()
    today = (now - timezone.timedelta(hours=4)).date()
    for i, member in enumerate(members):
        study(member, now, [Studied(c, 3 + i, 1 + i % 3) for c in cards[: 6 + 3 * i]])
        answer(member, cards[0], day=today, at=now)
        answer(member, question, day=today, at=now, chosen=["B", "D"], score=0.0)
    return team


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-password-1")
    page.click("form button.primary")
    page.wait_for_url("**/study/")


def test_no_team_page_scrolls_sideways_on_a_phone(phone, live_server, team):
    log_in(phone, live_server.url, "lena")
    for path in ("dashboard/", "", "manage/"):
        phone.goto(f"{live_server.url}/teams/{team.pk}/{path}")
        wait_until_settled(phone)
        assert no_horizontal_scroll(phone), f"/teams/{team.pk}/{path} scrolls sideways on a phone"
        # Nor does any table in its own box: a member is read without scrolling.
        wide = phone.evaluate(
            "[...document.querySelectorAll('.table-scroll')].filter((box) => box.scrollWidth > box.clientWidth)"
            ".map((box) => box.querySelector('table').id)"
        )
        assert wide == [], f"/teams/{team.pk}/{path}: {wide} scroll sideways on a phone"
    # Each member's card names what each figure is.
    phone.goto(f"{live_server.url}/teams/{team.pk}/dashboard/")
    wait_until_settled(phone)
    labels = phone.evaluate(
        "[...document.querySelectorAll('#members-table tr[data-member=ann] td')].map((td) => "
        "getComputedStyle(td, '::before').content)"
    )
    assert '"Coverage"' in labels and '"Readiness"' in labels and "none" not in labels


def test_no_header_breaks_inside_a_word_at_1280(page, live_server, team):
    log_in(page, live_server.url, "lena")
    page.goto(f"{live_server.url}/teams/{team.pk}/dashboard/")
    wait_until_settled(page)
    assert page.locator("table.members thead th").count() > 10
    assert page.evaluate(WORDS_BROKEN) == []
