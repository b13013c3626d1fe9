"""django-csp's middleware, with the policy built once.

django-csp builds the Content-Security-Policy header from the settings on
every response, twice (the policy and the report-only one): about a tenth
of a grade's CPU. studyapp's policy never changes per response (no nonces,
no per-view overrides), so the strings it builds from the settings are kept;
a response that asks for a change (a decorator, a nonce) gets django-csp's
own work, unchanged."""

from __future__ import annotations

import functools
import http.client
from dataclasses import asdict

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, PolicyParts
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings

_HEADERS = (
    # (header, report only, the response's exemption flag, the setting)
    (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
    (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)


@functools.cache
def settings_policy(report_only: bool) -> str:
    """The header django-csp builds from the settings alone (they do not
    change while a process runs)."""
    return build_policy(**asdict(PolicyParts()), report_only=report_only)


@functools.cache
def _excluded_prefixes(setting: str) -> tuple[str, ...]:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())


def _from_settings(parts: PolicyParts) -> bool:
    return parts.config is None and parts.update is None and parts.replace is None and parts.nonce is None


class CSPMiddleware(DjangoCSPMiddleware):
    def process_response(self, request, response):
        if not all(
            _from_settings(self.get_policy_parts(request=request, response=response, report_only=report_only))
            for report_only in (False, True)
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND):
            return response
        for header, report_only, exempt, setting in _HEADERS:
            policy = settings_policy(report_only)
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(_excluded_prefixes(setting))
            ):
                response[header] = policy
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
