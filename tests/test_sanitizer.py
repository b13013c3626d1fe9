from studyapp.sanitizer import render_inline, render_markdown

HOSTILE = """
<script>window.pwned = 1</script>

<img src="x" onerror="window.pwned = 2">

[click me](javascript:window.pwned=3)

<a href="https://example.com" onclick="window.pwned=4">ok</a>

<style>body { display: none }</style>

<iframe src="https://example.com"></iframe>
"""


def test_script_tags_and_their_content_are_removed():
    html = render_markdown(HOSTILE)
    assert "<script" not in html
    assert "window.pwned = 1" not in html
    assert "<style" not in html and "display: none" not in html


def test_event_handlers_are_removed():
    html = render_markdown(HOSTILE)
    assert "onerror" not in html and "onclick" not in html


def test_javascript_links_lose_their_href():
    html = render_markdown(HOSTILE)
    assert "javascript:" not in html


def test_iframes_are_removed():
    assert "<iframe" not in render_markdown(HOSTILE)


def test_links_get_rel_noopener():
    html = render_markdown("[docs](https://docs.aws.amazon.com/)")
    assert 'href="https://docs.aws.amazon.com/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_tables_and_emphasis_survive():
    html = render_markdown("| a | b |\n| --- | --- |\n| **1** | 2 |\n")
    assert "<table>" in html and "<strong>1</strong>" in html


def test_inline_rendering_has_no_paragraph():
    assert render_inline("**bold** text") == "<strong>bold</strong> text"


def test_inline_rendering_is_sanitized_too():
    assert "onerror" not in render_inline('<img src=x onerror="alert(1)">')


def test_highlighting_marks_terms_and_stays_sanitized():
    from studyapp.sanitizer import render_highlighted

    html = render_highlighted('A 504 (timeout) <img src=x onerror="alert(1)"> again 504', ["504", "(timeout)"])
    assert html.count("<mark>504</mark>") == 2
    assert "<mark>(timeout)</mark>" in html
    assert "onerror" not in html


def test_highlighting_inline_has_no_paragraph():
    from studyapp.sanitizer import render_highlighted

    assert render_highlighted("use SQS", ["SQS"], inline=True) == "use <mark>SQS</mark>"
