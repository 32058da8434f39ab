"""Is a capitalised word an ordinary English word rather than a name?

spaCy's small English model tags many capitalised engineering words as PERSON: column headers
("Manufacturer", "Hottest"), glossary headings ("Term Meaning"), doc-comment verbs ("Queue bytes
for transmission"). A PERSON span made only of dictionary words, none of them a known given
name, is dropped. The dictionary is the ``english-words`` package (GCIDE + Webster's 2nd, MIT);
the given names come from Faker's person providers for the locales in params, so "Crystal Smith"
and "Amber Baldwin" stay names although every word of them is in the dictionary.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import lru_cache

# Inflections the word lists leave out: "instruments", "hottest", "decisions", "qualified".
_SUFFIXES = ("s", "es", "ies", "est", "er", "ers", "ed", "ing", "ly")
_FIRST_NAME_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")


@lru_cache(maxsize=4)
def dictionary_words(word_lists: tuple[str, ...]) -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(list(word_lists), lower=True, alpha=True))


@lru_cache(maxsize=4)
def given_names(locales: tuple[str, ...]) -> frozenset[str]:
    """Lower-cased ASCII first names of Faker's person providers for ``locales``."""
    names: set[str] = set()
    for locale in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError:
            raise ValueError(f"scrub.given_name_locales: Faker has no person provider for '{locale}'") from None
        for attribute in _FIRST_NAME_ATTRIBUTES:
            names.update(n.lower() for n in getattr(provider, attribute, ()) if isinstance(n, str) and n.isascii())
    return frozenset(names)


class NameLexicon:
    """``is_common_word(word)``: a dictionary word (or an inflection of one) that is not a given name."""

    def __init__(self, word_lists: Sequence[str], locales: Sequence[str]) -> None:
        self.words = dictionary_words(tuple(word_lists)) if word_lists else frozenset()
        self.names = given_names(tuple(locales)) if locales else frozenset()

    def is_common_word(self, word: str) -> bool:
        lower = word.lower()
        if not lower.isalpha() or lower in self.names:
            return False
        if lower in self.words:
            return True
        for suffix in _SUFFIXES:
            stem = lower[: -len(suffix)]
            if lower.endswith(suffix) and len(stem) >= 3:
                # "hottest" -> "hot" (doubled consonant), "decisions" -> "decision", "qualities" -> "quality"
                candidates = {stem, stem + "e", stem + "y"}
                if len(stem) > 3 and stem[-1] == stem[-2]:
                    candidates.add(stem[:-1])
                if candidates & self.words:
                    return True
        return False
