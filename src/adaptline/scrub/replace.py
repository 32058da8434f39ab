"""Turn detected spans into placeholders with presidio-anonymizer.

Numbered placeholders (``<PERSON_1>``) are assigned per document in reading order, so the same
person keeps the same number across the chunks, header and metadata of one document. The
value -> number map lives only in memory while that document is processed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from adaptline.scrub.engine import Span


def _normalise(value: str) -> str:
    """Same person whether written "Jane Doe" in a text or "Jane_Doe" in a path."""
    return " ".join(re.sub(r"[_\-./\\]+", " ", value).split()).casefold()


class Placeholders:
    """Placeholder naming for one document: ``<TYPE>`` or ``<TYPE_n>``."""

    def __init__(self, numbered: bool) -> None:
        self.numbered = numbered
        self._numbers: dict[tuple[str, str], int] = {}
        self._counts: dict[str, int] = {}

    def name(self, entity: str, value: str) -> str:
        if not self.numbered:
            return f"<{entity}>"
        key = (entity, _normalise(value))
        if key not in self._numbers:
            self._counts[entity] = self._counts.get(entity, 0) + 1
            self._numbers[key] = self._counts[entity]
        return f"<{entity}_{self._numbers[key]}>"


_ANONYMIZER: AnonymizerEngine | None = None


def apply(text: str, spans: Sequence[Span], placeholders: Placeholders) -> str:
    """``text`` with every (non-overlapping, merged) span replaced by its placeholder."""
    if not spans:
        return text
    global _ANONYMIZER
    if _ANONYMIZER is None:
        _ANONYMIZER = AnonymizerEngine()
    # Numbers are assigned in reading order here (the anonymizer itself works end to start).
    names = {(s, e): placeholders.name(t, text[s:e]) for s, e, t, _ in sorted(spans)}
    results = [RecognizerResult(f"{t}@{s}", s, e, score) for s, e, t, score in spans]
    operators = {f"{t}@{s}": OperatorConfig("replace", {"new_value": names[(s, e)]}) for s, e, t, _ in spans}
    return _ANONYMIZER.anonymize(text=text, analyzer_results=results, operators=operators).text
