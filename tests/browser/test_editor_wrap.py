"""Issue 14: the editor wraps long lines (soft wrap) and its line numbers and
problem marks stay on the lines they name, however many rows a line takes."""

import pytest
from django.contrib.auth.models import User

from tests.authoring.conftest import make_instructor
from tests.browser.test_authoring_journey import editor_line, log_in
from tests.browser_fixtures import wait_until_settled

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LONG = "CloudFront はオリジンフェイルオーバーで二つ目のオリジンを試す。" * 12


@pytest.mark.parametrize("device", ["page", "phone"])
def test_long_lines_wrap_and_the_marks_stay_on_their_lines(request, live_server, device):
    page = request.getfixturevalue(device)
    make_instructor("ines")
    ines = User.objects.get(username="ines")
    ines.set_password("teach-sap-2026")
    ines.save()
    log_in(page, live_server.url, "ines", "teach-sap-2026")
    page.goto(f"{live_server.url}/author/new/")
    # A long line under the title, and an error (a correct letter with no option) below it.
    page.locator("#source").evaluate(
        "(el, long) => { const lines = el.value.split('\\n'); const h1 = lines.findIndex((l) => l.startsWith('# '));"
        " lines.splice(h1 + 1, 0, '', long);"
        " el.value = lines.join('\\n').replace('**論理的根拠 (A)**', '**論理的根拠 (A & G)**');"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
        LONG,
    )
    line = editor_line(page, "論理的根拠 (A & G)")
    page.wait_for_selector(f'#problems li.error[data-line="{line}"]')
    wait_until_settled(page)
    source = page.locator("#source")
    # Wrapped: nothing to scroll sideways.
    assert source.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    assert source.evaluate("(el) => getComputedStyle(el).whiteSpace") == "pre-wrap"
    # The long line takes several rows; its number's box is as tall as they are.
    number = page.locator(f'#gutter span[data-line="{editor_line(page, LONG[:20])}"]').bounding_box()
    assert number["height"] >= 40
    # The error's number and its mark are on the same row, below the wrapped line.
    page.locator(f'#problems li.error[data-line="{line}"] button.jump').click()
    number = page.locator(f'#gutter span[data-line="{line}"]').bounding_box()
    mark = page.locator(f'#marks .mark.error[data-line="{line}"]').bounding_box()
    assert abs(number["y"] - mark["y"]) <= 1, (number, mark)
    # And the selected text is that line, on screen where the mark is.
    box = source.bounding_box()
    assert box["y"] <= mark["y"] <= box["y"] + box["height"]
