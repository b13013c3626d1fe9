"""The exam's vocabulary: every name people write for an SAP-C02 domain or a
category maps to one canonical name; anything else is kept and warned about."""

from pathlib import Path

import pytest

from studyapp.noteformat import vocabulary
from studyapp.noteformat.parser import parse_note
from studyapp.noteformat.vocabulary import CATEGORIES, DOMAINS, category_for, domain_for
from tests import samples
from tests.conftest import NOTES

D1, D2, D3, D4 = DOMAINS


def test_the_four_domains_and_their_weights_are_the_exam_guides():
    assert [(d.number, d.name, d.weight) for d in DOMAINS] == [
        (1, "Design Solutions for Organizational Complexity", 26),
        (2, "Design for New Solutions", 29),
        (3, "Continuous Improvement for Existing Solutions", 25),
        (4, "Accelerate Workload Migration and Modernization", 20),
    ]
    assert sum(d.weight for d in DOMAINS) == 100
    assert D3.name_ja == "既存のソリューションの継続的な改善"


@pytest.mark.parametrize(
    ("domain", "text"),
    [(d, text) for d in DOMAINS for text in (d.name, d.name_ja, *d.aliases)],
)
def test_every_alias_names_its_domain(domain, text):
    assert domain_for(text) is domain


@pytest.mark.parametrize(
    ("domain", "text"),
    [(d, text) for d in DOMAINS for text in (d.name, *d.aliases)],
)
def test_case_space_and_punctuation_do_not_matter(domain, text):
    for variant in (text.upper(), text.lower(), f"  {text} ", text.replace(" ", "-"), text.replace(" ", "_") + "."):
        assert domain_for(variant) is domain, variant


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Domain 3", 3),
        ("domain3", 3),
        ("D3", 3),
        ("d3", 3),
        ("SAP-C02 Domain 3", 3),
        ("SAP-C02 D3", 3),
        ("sap c02 - d3", 3),
        ("Domain 3: Continuous Improvement for Existing Solutions", 3),
        ("D3 - Continuous Improvement", 3),
        ("Continuous Improvement (Domain 3)", 3),
        ("3. Continuous improvement for existing solutions", 3),
        ("Continuous Improvement (25%)", 3),
        ("Continuous Improvement of Existing Solutions", 3),
        ("第3分野", 3),
        ("第 3 分野: 既存のソリューションの継続的な改善", 3),
        ("分野 3", 3),
        ("ドメイン３", 3),
        ("既存ソリューションの継続的改善", 3),
        ("ＣＯＮＴＩＮＵＯＵＳ　ＩＭＰＲＯＶＥＭＥＮＴ", 3),
        ("Design Solutions for Organisational Complexity", 1),
        ("Domain 1", 1),
        ("Design New Solutions", 2),
        ("D2", 2),
        ("Accelerate Workload Migration & Modernization", 4),
        ("Migration and Modernisation", 4),
        ("SAP-C02 Domain 4", 4),
    ],
)
def test_numbers_codes_and_variants_name_a_domain(text, number):
    assert domain_for(text) is DOMAINS[number - 1]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Domain 5",
        "D7",
        "Domain 2: Continuous Improvement",  # the number and the name disagree
        "Domain 1 and Domain 2",
        "Continuous Improvment",  # a typo is warned about, never guessed
        "Design Resilient Architectures",  # another exam's domain
        "25%",
        "x" * 1000,
    ],
)
def test_anything_else_names_no_domain(text):
    assert domain_for(text) is None
    assert vocabulary.domain_name(text) == text


def test_a_typo_gets_a_suggestion_not_a_mapping():
    assert domain_for("Continuous Improvment") is None
    assert vocabulary.closest_domain("Continuous Improvment") is D3


@pytest.mark.parametrize(
    ("category", "text"),
    [(c, text) for c in CATEGORIES for text in (c.name, c.aws_name, *c.aliases)],
)
def test_every_alias_names_its_category(category, text):
    assert category_for(text) is category
    assert category_for(text.upper()) is category
    assert category_for(f" {text.lower()} ") is category


def test_no_alias_names_two_domains_or_two_categories():
    for table, kinds in ((DOMAINS, "domains"), (CATEGORIES, "categories")):
        keys: dict[str, str] = {}
        for item in table:
            names = (item.name, *item.aliases) + ((item.name_ja,) if kinds == "domains" else (item.aws_name,))
            for text in names:
                key = vocabulary.name_key(text)
                assert keys.setdefault(key, item.name) == item.name, (text, keys[key], item.name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Networking & Content Delivery", "Networking"),
        ("networking", "Networking"),
        ("Organizations", "Management & Governance"),
        ("Security, Identity, and Compliance", "Security"),
        ("Cost Optimization", "Cost Management"),
        ("Migration & Transfer", "Migration"),
        ("データベース", "Database"),
    ],
)
def test_categories_map_to_the_aws_product_category(text, name):
    assert vocabulary.category_name(text) == name


def test_sort_order_is_exam_order_then_others_then_none():
    names = ["", "Zeta", "Continuous Improvement for Existing Solutions", "Alpha", "Design for New Solutions"]
    assert sorted(names, key=vocabulary.domain_order) == [
        "Design for New Solutions",
        "Continuous Improvement for Existing Solutions",
        "Alpha",
        "Zeta",
        "",
    ]


# ---------------------------------------------------------------- in the parser


def with_front_matter(domain: str, category: str = "Storage") -> str:
    return samples.CANONICAL.replace('domain: "Design for New Solutions"', f"domain: {domain}").replace(
        'category: "Storage"', f"category: {category}"
    )


def test_the_parser_stores_the_canonical_domain_and_category():
    result = parse_note(with_front_matter('"D3"', '"Networking & Content Delivery"'))
    assert result.note.meta.domain == "Continuous Improvement for Existing Solutions"
    assert result.note.meta.category == "Networking"
    assert not [w for w in result.warnings if "domain" in w.message or "category" in w.message]


def test_an_unknown_domain_is_kept_and_warned_about_on_its_line():
    text = with_front_matter('"Continuous Improvment"')
    result = parse_note(text)
    assert result.ok
    assert result.note.meta.domain == "Continuous Improvment"
    line = text.split("\n").index('domain: "Continuous Improvment"') + 1
    (warning,) = [w for w in result.warnings if "domain" in w.message]
    assert warning.line == line
    assert "Continuous Improvment" in warning.message
    assert "did you mean 'Continuous Improvement for Existing Solutions'" in warning.message


def test_an_unknown_category_is_kept_and_warned_about_on_its_line():
    text = with_front_matter('"Design for New Solutions"', "Reliability")
    result = parse_note(text)
    assert result.note.meta.category == "Reliability"
    line = text.split("\n").index("category: Reliability") + 1
    assert [w.line for w in result.warnings if "category 'Reliability'" in w.message] == [line]


def test_a_huge_unknown_domain_is_not_copied_whole_into_the_warning():
    result = parse_note(with_front_matter('"' + "Q" * 5000 + '"'))
    (warning,) = [w for w in result.warnings if "domain" in w.message]
    assert len(warning.message) < 400


def test_the_shipped_notes_land_in_the_four_exam_domains():
    domains = {}
    for path in sorted(Path(NOTES).glob("*.md")):
        result = parse_note(path.read_text(encoding="utf-8"))
        assert result.ok, (path, result.errors)
        assert not [w for w in result.warnings if "domain" in w.message or "category" in w.message], path
        domains.setdefault(result.note.meta.domain, []).append(result.note.meta.id)
    assert set(domains) == {d.name for d in DOMAINS}
    # The seed says "Continuous Improvement"; it sits with the other domain 3 notes.
    assert {"SAP-56", "SAP-104", "SAP-107", "SAP-108"} <= set(domains[D3.name])


def test_the_seed_file_stays_as_the_user_wrote_it():
    text = (Path(NOTES) / "SAP-56.md").read_text(encoding="utf-8")
    assert 'domain: "Continuous Improvement"\n' in text
