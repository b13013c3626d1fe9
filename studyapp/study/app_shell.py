"""The installable app: what the service worker keeps on the device, and
under which version.

The worker (``/sw.js``) precaches the app shell: the study page's static
files under the names the storage serves them by (hashed by the manifest
storage in production, so a deploy that changes a file changes its name),
each with a revision (a hash of its bytes, which is what tells Workbox that
an unhashed name of ``make run`` or the tests changed), and the offline page.
The version is a hash of that list: it is written into the worker's script,
so a deploy that changes any shell file changes the worker's bytes and the
browser installs the new worker on the next load; the pages the old worker
kept (cache ``pages-<old version>``) are dropped when the new one takes
over, so no page is ever served with another deploy's files."""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

WORKBOX = "vendor/workbox-7.4.0"
# Loaded by the worker itself (importScripts), in dependency order.
WORKER_SCRIPTS = (
    f"{WORKBOX}/workbox-core.prod.js",
    f"{WORKBOX}/workbox-routing.prod.js",
    f"{WORKBOX}/workbox-strategies.prod.js",
    f"{WORKBOX}/workbox-precaching.prod.js",
    "vendor/idb-8.0.4/idb.umd.js",
    "js/offline/store.js",
    "js/offline/sync.js",
    "js/offline/worker.js",
)
# What the study page loads (templates/base.html, templates/study/study.html),
# kept so that the page opens without the network.
PAGE_FILES = (
    "favicon.svg",
    "css/app.css",
    "js/app.js",
    "js/choices.js",
    "js/study.js",
    "django_htmx/htmx-2.min.js",
    "vendor/idb-8.0.4/idb.umd.js",
    "vendor/ts-fsrs-5.4.2/ts-fsrs.umd.js",
    "js/offline/store.js",
    "js/offline/sync.js",
    "js/offline/queue.js",
    "js/offline/screens.js",
    "js/offline/session.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-192.png",
    "icons/maskable-512.png",
)
ICONS = (
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/maskable-192.png", "192x192", "maskable"),
    ("icons/maskable-512.png", "512x512", "maskable"),
)


def _file_hash(name: str) -> str:
    path = finders.find(name)
    if path is None:
        raise FileNotFoundError(f"static file {name} is missing")
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def _page_files() -> tuple[str, ...]:
    # Under DEBUG django-htmx adds its debug helper to every page.
    return (*PAGE_FILES, "django_htmx/django-htmx.js") if settings.DEBUG else PAGE_FILES


def _build() -> dict:
    files = [{"url": static(name), "revision": _file_hash(name)} for name in _page_files()]
    version = hashlib.sha256(repr(files).encode()).hexdigest()[:12]
    # The offline page has no file of its own: it changes with a deploy.
    precache = [*files, {"url": reverse("offline_page"), "revision": version}]
    return {
        "version": version,
        "precache": precache,
        "scripts": [static(name) for name in WORKER_SCRIPTS],
        "study_url": reverse("study"),
        "offline_url": reverse("offline_page"),
        "sync_url": reverse("study_offline_sync"),
        "logout_url": reverse("logout"),
    }


@functools.cache
def _built_once() -> dict:
    return _build()


def shell() -> dict:
    """The worker's configuration: version, precache list, its own scripts.
    Built once per process, except under DEBUG (files change while
    ``runserver`` runs)."""
    return _build() if settings.DEBUG else _built_once()


def icons() -> list[dict]:
    return [
        {"src": static(name), "sizes": sizes, "type": "image/png", "purpose": purpose} for name, sizes, purpose in ICONS
    ]
