"""Usernames that could pass for someone else's: mixed scripts, look-alikes of
existing usernames, invisible characters (Unicode TS #39, "Unicode Security
Mechanisms"). Script and confusable data come from confusable_homoglyphs, which
ships Unicode's Scripts.txt and confusables.txt as JSON and works offline."""

import hashlib
import unicodedata
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Scripts that go with any other: digits, punctuation, the long-vowel mark ー,
# combining accents.
NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED"})
# UTS #39's "highly restrictive" level: one script, or one of these sets, which
# are how Japanese, Chinese and Korean are written (with Latin alongside).
WRITING_SYSTEMS = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)

# Characters that show nothing. Unicode's Default_Ignorable_Code_Point (not in
# unicodedata) beyond the format characters (Cf), plus blanks that are letters
# or symbols by category, so that Django's \w lets them through.
_INVISIBLE_RANGES = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong / jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian free variation selectors, vowel separator
    (0x2800, 0x2800),  # braille blank
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),  # tags, variation selectors supplement
)
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def _invisible(char: str) -> bool:
    if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def _script(char: str) -> str:
    from confusable_homoglyphs.categories import alias

    return alias(char)


def username_scripts_mixed(username: str) -> list[str]:
    """The scripts ``username`` mixes (sorted), or [] when it is one writing system."""
    scripts = {_script(char) for char in username} - NEUTRAL_SCRIPTS
    if len(scripts) <= 1 or any(scripts <= system for system in WRITING_SYSTEMS):
        return []
    return sorted(script.replace("_", " ").title() for script in scripts)


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character's prototype (confusables.txt's right-hand side).

    The package's table maps a prototype to all its look-alikes and each
    look-alike to its prototype alone; a pair that only names each other gets
    the smaller of the two, so both sides still share one skeleton.
    """
    from confusable_homoglyphs.confusables import confusables_data as table

    prototypes = {}
    for char, glyphs in table.items():
        if len(char) != 1 or len(glyphs) != 1:
            continue
        target = glyphs[0]["c"]
        if len(target) > 1 or len(table.get(target, ())) > 1 or min(char, target) != char:
            prototypes[char] = target
    return prototypes


def _skeleton(text: str) -> str:
    # UTS #39: skeleton(X) = NFD(map each character to its prototype(NFD(X))).
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(char, char) for char in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def username_skeleton(username: str) -> str:
    """A key two usernames share when they look alike, whatever their case.

    Skeleton, case-fold, skeleton again: "aIice" (capital i), "a1ice" and
    "Alice" meet "alice". (An all-capital "ALICE" becomes "allce", its I being
    an l: sign-up refuses it by Django's own case-insensitive check.) Stored
    hashed, at a fixed length.
    """
    key = _skeleton(_skeleton(unicodedata.normalize("NFKC", username)).casefold())
    return hashlib.sha256(key.encode()).hexdigest()


def validate_username_visible(username: str) -> None:
    if any(_invisible(char) for char in username):
        raise ValidationError(
            _("A username cannot contain invisible characters (spaces, joiners, fillers or formatting marks)."),
            code="invisible",
        )


def validate_username_one_script(username: str) -> None:
    scripts = username_scripts_mixed(username)
    if scripts:
        raise ValidationError(
            _(
                "Use the letters of one script in a username (only Latin letters, or only Japanese, for "
                "example); this one mixes %(scripts)s."
            ),
            code="mixed_scripts",
            params={"scripts": ", ".join(scripts)},
        )
