"""The installable app (docs/offline.md): the web app manifest, the service
worker's script at the root (so that its scope is the whole site) and the
page it shows for what is not kept on the device. None needs a login: the
shell is the same for everyone, and the worker keeps a learner's study page
only once the learner has opened it."""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from studyapp.study import app_shell

THEME = "#1f5fbf"


@require_safe
def web_manifest(request):
    manifest = {
        "id": reverse("study"),
        "name": _("studyapp: AWS exam notes and flashcards"),
        "short_name": "studyapp",
        "description": _("Study AWS certification notes as flashcards and scenario questions, online or offline."),
        "lang": get_language(),
        "start_url": reverse("study"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": "#ffffff",
        "icons": app_shell.icons(),
    }
    response = JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    # The name is in the learner's language.
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@require_safe
def service_worker(request):
    shell = app_shell.shell()
    scripts = ", ".join(json.dumps(script) for script in shell["scripts"])
    body = f"self.STUDYAPP_SHELL = {json.dumps(shell)};\nimportScripts({scripts});\n"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The browser compares the worker's bytes at each load: never an old copy.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline_page(request):
    return render(request, "offline.html", {"study_url": reverse("study")})
