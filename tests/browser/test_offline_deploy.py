"""A deploy takes over on the next load, without a stale mix: the study
page was kept by the worker of one version; the server then serves a
worker of another version (what a deploy that changes a kept file does);
the next online load installs it, it takes over the open page, drops the
copy of the study page the old worker kept (it named the old files) and
keeps a fresh one, which is what the page is served from offline."""

import pytest

from studyapp.study import app_shell
from tests.browser.offline_helpers import CACHES, device_context, open_online, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _pages_caches(page) -> list[str]:
    return [name for name in page.evaluate(CACHES) if name.startswith("studyapp-pages-")]


def test_the_next_load_after_a_deploy_is_the_new_workers_alone(browser, live_server, learner, monkeypatch):
    context = device_context(browser, live_server, learner)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        open_online(page, live_server)
        old = app_shell.shell()
        assert _pages_caches(page) == [f"studyapp-pages-{old['version']}"]

        new = {**old, "version": "deployed0002"}
        new["precache"] = [*old["precache"][:-1], {**old["precache"][-1], "revision": new["version"]}]
        monkeypatch.setattr(app_shell, "shell", lambda: new)
        page.reload()
        wanted = f"studyapp-pages-{new['version']}"
        wait_for(
            page,
            f"caches.keys().then((names) => names.filter((n) => n.startsWith('studyapp-pages-')).join() === '{wanted}')",
            "only the new worker's copy of the page",
        )
        wait_for(
            page,
            f"caches.open('{wanted}').then((cache) => cache.match('/study/')).then(Boolean)",
            "the new worker keeps the study page",
        )
        context.set_offline(True)
        page.reload()
        wait_for(page, "document.getElementById('study').dataset.device === 'on'", "the page runs from the device")
    finally:
        context.close()
