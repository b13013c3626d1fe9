"""Rendering hostile Markdown (the note page, the study cards) takes time and
memory linear in the text's size, with nesting bounded, and a text that
makes Python-Markdown fail never spoils later pages.

Where only time can show backtracking, rendering runs in a child process
under a CPU-time limit (tests/support/bounded.py)."""

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.blockprocessors import ParagraphProcessor

from studyapp import markdown_bounds, sanitizer
from studyapp.sanitizer import render_highlighted, render_inline, render_markdown
from tests.support.bounded import outcome, run_bounded


def test_a_text_that_makes_markdown_fail_is_shown_as_text_and_later_texts_render(monkeypatch):
    # Once, a RecursionError inside Markdown left the thread's Markdown object
    # mid-document: every later render in that thread lost its paragraphs and
    # inline markup. The object is now dropped, and the failing text shown.
    real_run = ParagraphProcessor.run

    def run(self, parent, blocks):
        if blocks[0] == "boom <b>":
            raise RecursionError("maximum recursion depth exceeded")
        return real_run(self, parent, blocks)

    monkeypatch.setattr(ParagraphProcessor, "run", run)
    assert render_markdown("boom <b>") == "<p>boom &lt;b&gt;</p>"
    assert render_markdown("**a** `b`\n\n- c") == "<p><strong>a</strong> <code>b</code></p>\n<ul>\n<li>c</li>\n</ul>"


def test_a_list_nested_on_one_line_past_the_recursion_limit_renders():
    html = render_markdown("1. " * 3000 + "deep")
    assert html.count("<ol>") == markdown_bounds.MAX_NESTING
    assert "deep" in html
    assert render_markdown("*a*") == "<p><em>a</em></p>"


@pytest.mark.parametrize("marker, tag", [("> ", "<blockquote>"), ("- ", "<ul>"), ("1. ", "<ol>"), ("> - ", "<ul>")])
def test_nesting_is_bounded_and_the_text_kept(marker, tag):
    html = render_markdown(marker * 200 + "innermost")
    assert html.count(tag) <= markdown_bounds.MAX_NESTING
    assert "innermost" in html


@pytest.mark.parametrize(
    "text, html",
    [
        ("> > a", "<blockquote>\n<blockquote>\n<p>a</p>\n</blockquote>\n</blockquote>"),
        ("- a\n    - b", "<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>"),
    ],
)
def test_ordinary_nesting_is_unchanged(text, html):
    assert render_markdown(text) == html


def test_raw_html_cannot_nest_elements_without_bound():
    # The HTML parser behind nh3 takes time quadratic in how deep elements nest.
    html = render_markdown("<b>" * 200 + "x")
    assert html.count("<b>") == markdown_bounds.MAX_HTML_NESTING
    assert html.endswith("&lt;b&gt;x</b>" + "</b>" * (markdown_bounds.MAX_HTML_NESTING - 1) + "</p>")


def test_a_less_than_that_cannot_start_a_tag_is_text():
    assert render_markdown("x <a<b<c y") == "<p>x &lt;a&lt;b&lt;c y</p>"
    assert render_markdown("a <b>bold</b> and `<code>` <https://aws.amazon.com/>") == (
        '<p>a <b>bold</b> and <code>&lt;code&gt;</code> <a href="https://aws.amazon.com/"'
        ' rel="noopener noreferrer nofollow">https://aws.amazon.com/</a></p>'
    )


def test_control_characters_are_removed_before_rendering():
    # nh3 is quadratic in C1 controls (200,000 took 0.7 s); notes cannot hold them anyway.
    assert render_markdown("a\x85b\x9dc\x00d\x1be") == "<p>abcde</p>"


def test_nh3_gets_short_text_nodes(monkeypatch):
    # nh3 is quadratic in the "&" of one text node (a million took 6 s).
    seen = []
    real = sanitizer._CLEANER

    class Spy:
        """The sanitizer's nh3 cleaner, recording what it is given."""

        def clean(self, html):
            seen.append(html)
            return real.clean(html)

    monkeypatch.setattr(sanitizer, "_CLEANER", Spy())
    html = render_markdown("&" * 10_000)
    assert html == "<p>" + "&amp;" * 10_000 + "</p>"
    nodes = seen[0].split("<!---->")
    assert max(node.count("&") for node in nodes) == sanitizer.ESCAPES_PER_NODE


def test_highlighting_uses_a_bounded_number_of_terms():
    # Every term was tried at every position: thousands of trigger words made
    # highlighting quadratic. The longest 50 (then in order) are highlighted.
    terms = [f"term{i:05}" for i in range(5000)]
    html = render_highlighted("term00001 " * 3 + "term04999", terms, inline=True)
    assert html == "<mark>term00001</mark> " * 3 + "term04999"
    assert render_highlighted("x" * 300, ["x" * 300], inline=True) == "x" * 300


def test_a_long_text_is_rendered_part_by_part_as_it_would_be_whole():
    sections = [
        f"## Section {i}\n\nSome **text** with a [link](https://example.com/{i}).\n\n- a\n- b" for i in range(700)
    ]
    text = "\n\n".join(sections)
    assert len(text) > 3 * markdown_bounds.PART_CHARS
    whole = markdown.Markdown(extensions=sanitizer.EXTENSIONS, output_format="html").convert(text)
    assert render_markdown(text) == sanitizer.clean_html(whole)


def test_a_block_too_long_to_render_is_shown_as_text():
    text = "**x** " * 10_000  # one paragraph, no blank line: 60,000 characters
    html = render_markdown(text)
    assert html.startswith("<p>**x** **x**")
    assert "<strong>" not in html


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="[]()\"' a!<>\n:*`\\", max_size=40))
def test_the_bounded_link_and_table_processors_render_as_python_markdowns_own(text):
    assert _bounded().convert(text) == _unbounded().convert(text)


@pytest.mark.parametrize(
    "text", ["[" * 20, "[](" * 10, "![[" * 10, "[a](" * 10, '[a](b "' * 5, "| a |\n| - |\n" + "# h\n" * 5]
)
def test_bounded_processors_agree_on_short_hostile_shapes(text):
    assert _bounded().convert(text) == _unbounded().convert(text)


def _bounded() -> markdown.Markdown:
    return markdown.Markdown(extensions=sanitizer.EXTENSIONS, output_format="html")


def _unbounded() -> markdown.Markdown:
    """Python-Markdown with our extensions but its own processors."""
    others = [e for e in sanitizer.EXTENSIONS if not isinstance(e, markdown_bounds.BoundedMarkdown)]
    return markdown.Markdown(extensions=others, output_format="html")


def paragraphs(unit: str, size: int, every: int = 4_000) -> str:
    text = unit * (size // len(unit))
    return "\n\n".join(text[i : i + every] for i in range(0, len(text), every))


HOSTILE_TEXTS = {
    # Each took minutes (quadratic or worse) at this size before.
    "open brackets": "[" * 300_000,
    "open brackets in paragraphs": paragraphs("[", 300_000),
    "link openers": "[a](" * 75_000,
    "image openers": paragraphs("![[", 300_000),
    "less-than and letter": paragraphs("<a", 300_000),
    "headings without blank lines": "# a\n" * 100_000,
    # One paragraph, each match copying the rest of it: a long paragraph is shown as text now.
    "emphasis": "*a" * 1_000_000,
    "code spans": "`a` " * 500_000,
}


@pytest.mark.parametrize("name", HOSTILE_TEXTS)
def test_hostile_texts_render_in_time_linear_in_their_length(name):
    process = run_bounded(
        f"""
        import os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyapp.settings")
        os.environ["DEBUG"] = "true"
        import django
        django.setup()
        from studyapp.sanitizer import render_inline, render_markdown
        from tests.test_sanitizer_hostile import HOSTILE_TEXTS
        text = HOSTILE_TEXTS[{name!r}]
        render_markdown(text)
        render_inline(text)
        print("rendered")
        """,
    )
    assert process.returncode == 0, outcome(process)
    assert process.stdout.strip() == "rendered"
    assert render_inline  # the same functions the templates use
