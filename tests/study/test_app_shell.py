"""The installable app's server side (docs/offline.md): the web app
manifest, the service worker's script and the offline page. All three are
public (the same for everyone), answer GET and HEAD only, and name only
files that exist; the worker's version follows the bytes of the files it
keeps, and in production it lists the hashed names the manifest storage
serves."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from studyapp.study import app_shell

pytestmark = pytest.mark.django_db
URLS = ("/manifest.webmanifest", "/sw.js", "/offline/")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _worker_config(body: str) -> dict:
    match = re.match(r"self\.STUDYAPP_SHELL = (\{.*\});\nimportScripts\((.*)\);\n$", body, re.S)
    assert match, body[:200]
    return json.loads(match.group(1))


@pytest.mark.parametrize("url", URLS)
def test_the_app_files_answer_anyone_and_only_to_reading(url, alice):
    for client in (_client(), _client(alice)):
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405


def test_the_manifest_makes_the_study_page_an_installable_app_named_in_the_learners_language():
    english = _client().get("/manifest.webmanifest")
    assert english["Content-Type"] == "application/manifest+json"
    manifest = english.json()
    assert manifest["start_url"] == "/study/"
    assert manifest["display"] == "standalone"
    assert manifest["name"].startswith("studyapp")
    assert {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in manifest["icons"]:
        assert _client().get(icon["src"]).status_code == 200, icon["src"]
    japanese = Client(headers={"accept-language": "ja"}).get("/manifest.webmanifest").json()
    assert japanese["lang"] == "ja"
    assert japanese["name"] != manifest["name"]


def test_the_worker_is_never_an_old_copy_and_keeps_only_files_that_exist():
    response = _client().get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    shell = _worker_config(response.content.decode())
    assert shell["study_url"] == "/study/"
    assert {"url": "/offline/", "revision": shell["version"]} in shell["precache"]
    for url in [entry["url"] for entry in shell["precache"]] + shell["scripts"]:
        assert _client().get(url).status_code == 200, url


def test_the_study_page_loads_only_files_the_worker_keeps(alice):
    page = _client(alice).get("/study/").content.decode()
    kept = {entry["url"] for entry in app_shell.shell()["precache"]}
    loaded = set(re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/static/[^"]+)"', page))
    assert loaded
    assert loaded <= kept, loaded - kept


def test_a_changed_file_changes_the_workers_version(monkeypatch):
    before = app_shell._build()
    hashes = {name: app_shell._file_hash(name) for name in app_shell.PAGE_FILES}
    hashes["js/study.js"] = "0" * 16
    monkeypatch.setattr(app_shell, "_file_hash", hashes.__getitem__)
    after = app_shell._build()
    assert after["version"] != before["version"]
    assert after["precache"][-1] == {"url": "/offline/", "revision": after["version"]}


def test_in_production_the_worker_keeps_the_hashed_names_whitenoise_serves(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # The vendored files pass the manifest storage's post-processing (a
    # source map comment naming a missing file would fail it).
    call_command("collectstatic", "--noinput", verbosity=0)
    shell = app_shell._build()
    for entry in shell["precache"][:-1]:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", entry["url"]), entry["url"]
        assert (tmp_path / entry["url"].removeprefix("/static/")).exists(), entry["url"]
    for url in shell["scripts"]:
        assert re.search(r"\.[0-9a-f]{12}\.js$", url), url
