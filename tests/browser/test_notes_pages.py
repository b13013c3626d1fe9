"""The note pages in a real browser."""

import pytest

from studyapp.notes.services import NoteReport, note_import
from tests import samples
from tests.browser_fixtures import no_horizontal_scroll
from tests.conftest import SEED

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE_NOTE = samples.with_id(samples.CANONICAL, "XSS-1").replace(
    "## 5. 比較と公式資料 (Comparison)",
    "## 5. 比較と公式資料 (Comparison)\n\n"
    "<script>window.pwned = 'script'</script>\n\n"
    '<img src="/nope.png" onerror="window.pwned = \'onerror\'">\n\n'
    "- **罠**: [click me](javascript:window.pwned='link')\n",
)


@pytest.fixture
def seed_note(seed_bytes):
    report = note_import(raw=SEED.read_bytes(), report=NoteReport(path=str(SEED)))
    assert report.status == "created"


def test_the_note_list_leads_to_sap56_with_its_japanese_and_table(page, live_server, seed_note):
    page.goto(f"{live_server.url}/notes/")
    page.get_by_role("link", name="SAP-56").click()
    page.wait_for_url("**/notes/SAP-56/")
    assert page.get_by_role("heading", name="勝負を決めるキーワード (Trigger Words)").is_visible()
    table = page.locator(".prose table").first
    assert table.is_visible()
    assert table.locator("th").first.inner_text() == "Error Code"
    assert table.locator("tbody tr").count() == 4
    assert "Gateway Timeout" in table.inner_text()
    assert "ã" not in page.locator(".prose").inner_text()


def test_filtering_the_list_updates_it_in_place(page, live_server, seed_note):
    other = samples.CANONICAL.encode()
    note_import(raw=other, report=NoteReport(path="other.md"))
    page.goto(f"{live_server.url}/notes/")
    assert page.locator("#results tbody tr").count() == 2
    page.select_option("select[name=tag]", "KMS")
    page.wait_for_url("**tag=KMS**")
    assert page.locator("#results tbody tr").count() == 1
    assert "TST-1" in page.locator("#results").inner_text()


def test_hostile_markdown_renders_inert(page, live_server):
    report = note_import(raw=HOSTILE_NOTE.encode(), report=NoteReport(path="xss.md"))
    assert report.status == "created", report.errors
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/notes/XSS-1/")
    page.wait_for_load_state("networkidle")
    link = page.get_by_text("click me")
    assert link.get_attribute("href") is None
    link.click()
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert dialogs == []
    assert page.locator(".prose script").count() == 0


@pytest.mark.parametrize("path", ["/notes/", "/notes/SAP-56/"])
def test_pages_fit_a_phone_screen(phone, live_server, seed_note, path):
    phone.goto(f"{live_server.url}{path}")
    assert no_horizontal_scroll(phone)
