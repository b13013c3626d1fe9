"""The upload form refuses files over the upload's limit before sending
them: the server would answer 413 without reading the body and close the
connection, which a browser may show as a reset instead of the message."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from studyapp.authoring.models import UploadJob
from studyapp.authoring.uploads import MAX_UPLOAD_BYTES
from tests.authoring.conftest import make_instructor
from tests.browser.test_authoring_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_files_over_the_limit_are_refused_in_the_browser_with_the_reason(page, live_server):
    make_instructor("ines")
    ines = User.objects.get(username="ines")
    ines.set_password("teach-sap-2026")
    ines.save()
    log_in(page, live_server.url, "ines", "teach-sap-2026")
    page.goto(f"{live_server.url}/author/upload/")
    error = page.locator("#upload-error-client")
    expect(error).to_be_hidden()
    big = {"name": "big.zip", "mimeType": "application/zip", "buffer": b"\0" * (MAX_UPLOAD_BYTES + 1)}
    page.set_input_files("#upload-files", files=[big])
    expect(error).to_be_visible()
    expect(error).to_contain_text("at most 20 MB")
    page.locator("#upload-form button[type=submit]").click()
    expect(page.locator("#upload-files")).to_be_focused()
    assert page.url.endswith("/author/upload/") and not UploadJob.objects.exists()
    page.set_input_files("#upload-files", files=[{**big, "buffer": b"\0" * 1000}])
    expect(error).to_be_hidden()
