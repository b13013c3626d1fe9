"""A page answers an htmx request with its fragment only when the request
targets the element the fragment renders; anything else gets the page."""

import pytest

pytestmark = pytest.mark.django_db


def _get(client, **headers):
    return client.get("/notes/?tag=KMS", headers=headers)


def test_the_fragment_goes_to_the_element_it_renders(client):
    body = _get(client, **{"HX-Request": "true", "HX-Target": "results"}).content.decode()
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body


@pytest.mark.parametrize(
    "headers",
    [
        {"HX-Request": "true"},  # a history restore sends no target
        {"HX-Request": "true", "HX-Target": "main"},  # another element of the page
        {"HX-Request": "true", "HX-Target": "results", "HX-Boosted": "true"},  # a boosted navigation
    ],
    ids=["no target", "another element", "boosted"],
)
def test_any_other_htmx_request_gets_the_whole_page(client, headers):
    assert "<html" in _get(client, **headers).content.decode()


def test_caches_keep_the_fragment_and_the_page_apart(client):
    vary = _get(client, **{"HX-Request": "true", "HX-Target": "results"})["Vary"]
    assert "HX-Request" in vary and "HX-Target" in vary
