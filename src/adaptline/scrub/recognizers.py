"""Custom presidio recognizers for engineering documents, and the filter that keeps jargon.

Presidio's defaults are tuned for chat logs and forms; on datasheets and firmware they redact part
numbers, register names and units. Here every recognizer is a plain regex with a validator and
an explicit capture group (the value, not its label), and every NER ``PERSON`` span is refined
token by token so that only name-shaped words are removed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import regex as re

from adaptline.imports import import_without

# presidio_analyzer imports its optional Hugging Face engines at import time, and with them
# transformers, which loads torchao (with warnings on stderr): ~3.5 s of every scrub run, for
# engines this stage never uses (it runs spaCy NER and its own recognizers).
import_without("presidio_analyzer", "transformers")

from presidio_analyzer import EntityRecognizer, RecognizerResult  # noqa: E402
from presidio_analyzer.nlp_engine import NlpArtifacts  # noqa: E402

Validator = Callable[[str, str, int, int], bool]  # (value, text, start, end) -> keep?


@dataclass(frozen=True)
class RegexRule:
    """One regex; the value is group ``v`` when present, else the whole match."""

    pattern: str
    score: float
    validator: Validator | None = None
    flags: int = 0


class RegexRecognizer(EntityRecognizer):
    """A presidio recognizer for one entity type built from ``RegexRule`` s."""

    def __init__(self, entity: str, rules: Iterable[RegexRule], name: str | None = None) -> None:
        self.rules = [(re.compile(rule.pattern, rule.flags | re.VERSION1), rule) for rule in rules]
        super().__init__(supported_entities=[entity], name=name or f"{entity.title().replace('_', '')}Recognizer")

    def load(self) -> None:
        """Nothing to load: the regexes are compiled in ``__init__``."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        entity = self.supported_entities[0]
        if entities and entity not in entities:
            return []
        results: list[RecognizerResult] = []
        for compiled, rule in self.rules:
            for match in compiled.finditer(text):
                group = "v" if "v" in compiled.groupindex and match.group("v") is not None else 0
                start, end = match.span(group)
                if end <= start:
                    continue
                if rule.validator is not None and not rule.validator(text[start:end], text, start, end):
                    continue
                results.append(
                    RecognizerResult(
                        entity,
                        start,
                        end,
                        rule.score,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results


# --- names -------------------------------------------------------------------------------------

NAME_TOKEN = r"(?:\p{Lu}\.|(?:Mc|Mac|O'|O’|D'|D’)?\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)*)"
NAME_PARTICLE = r"(?:van|von|de|der|den|da|di|du|le|la|del|dos|das|do|des|dei|della|ten|ter|te|het|'t|zu)"
_NAME_TOKEN_RE = re.compile(rf"^{NAME_TOKEN}$")
_PARTICLE_RE = re.compile(rf"^{NAME_PARTICLE}$")

# Laws, units and effects named after people: a PERSON span made only of these is jargon.
EPONYMS = frozenset(
    """
    Ohm Ohms Kelvin Tesla Fourier Volta Ampere Ampère Watt Joule Newton Hertz Coulomb Faraday Siemens Weber
    Gauss Gaussian Pascal Celsius Fahrenheit Kirchhoff Laplace Laplacian Nyquist Bode Boole Boolean Huffman
    Hamming Kalman Butterworth Chebyshev Bessel Schmitt Zener Schottky Darlington Wheatstone Thevenin Thévenin
    Seebeck Peltier Doppler Maxwell Lenz Bernoulli Euler Fresnel Planck Boltzmann Lorentz Hilbert Hall Miller
    Norton Smith Colpitts Hartley Pierce Clapp Wien Baudot Harvard Neumann Turing Moore Amdahl Dijkstra
    Manchester Reed Solomon Viterbi Golay Gray Markov Poisson Rayleigh Rician Debye Josephson Hadamard Walsh
    Chebychev Cauer Sallen Key Linkwitz Riley Bayer Tukey Hann Hanning Blackman Kaiser Nernst Arrhenius
    Weibull Pareto Lambert Snell Bragg Raman Coriolis Venturi Pitot
    """.split()  # noqa: SIM905
)
# Words that follow an eponym in engineering use ("Smith chart", "Hall sensor", "Miller effect").
EPONYM_NOUNS = frozenset(
    """
    law laws transform transforms series filter filters trigger diode diodes effect effects equivalent chart
    sensor sensors theorem criterion criteria bridge window code codes coding distance plot plots pair noise
    number numbers constant equation equations limit circuit circuits oscillator oscillators configuration
    architecture algorithm encoding decoding decoder encoder matrix function functions distribution model
    current voltage probe gate topology rule rules loop cycle unit units scale curve counter compensation
    capacitance junction amplifier cell
    """.split()  # noqa: SIM905
)
# Capitalized words that are not names but sit next to names (table headers, labels, roles).
NON_NAME_WORDS = frozenset(
    """
    The A An And Or Of For To In On At By From With Without Per Via Team Group Department Dept Support
    Engineering Firmware Hardware Software Lab Labs Test Tests Testing Board Project Manager Lead Office Sales
    Quality Design System Systems Review Reviewed Reviewer Approved Approver Prepared Checked Author Authors
    Owner Contact Date Rev Revision Version Status Draft Final Note Notes Table Figure Fig Page Section
    Chapter Appendix Pin Pins Port Ports Reset Power Clock Supply Ground Input Output Signal Bus Mode Register
    Registers Memory Flash Timer Interrupt Driver Module Unit Sensor Controller Engineer Engineers Customer
    Customers Client Product Release Changes Change Description Comment Comments Initial Updated Added Removed
    Fixed Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Mr Mrs Ms Dr Prof Sir Madam Dear Hello Hi Thanks Regards Best
    Kind Yours Sincerely Cc Attn Subject Re Fwd Qty Ref Refs Desc Mfr Mfg Pcs Pkg Tol Typ Nom Avg
    """.split()  # noqa: SIM905
)

# Column labels of specification tables ("Parameter Min Typ Max Unit"). "Max" and "Min" are also
# given names, so they are only labels where another such label stands right next to them.
SPEC_COLUMN_WORDS = frozenset(
    {"Min", "Typ", "Max", "Nom", "Avg", "Unit", "Units", "Minimum", "Typical", "Maximum", "Nominal"}
)
_SPEC_COLUMN_NAMES = frozenset({"Min", "Max"})
# ...or where a measured quantity follows them ("Max temperature (degC)", "Min voltage").
_QUANTITY_NOUNS = frozenset(
    """
    temperature temp current voltage power frequency load speed rate rating ripple error delay time
    length size pressure torque duty efficiency resistance capacitance inductance noise gain range
    level value output input
    """.split()  # noqa: SIM905
)
_WORD_BEFORE = re.compile(r"(\w+)[ \t|]*$")
_WORD_AFTER = re.compile(r"[ \t|]*(\w+)")

PERSON_CONTEXT = (
    r"(?i:\b(?:authors?|reviewed\s+by|reviewers?|approved\s+by|approvers?|prepared\s+by|checked\s+by|"
    r"written\s+by|created\s+by|modified\s+by|updated\s+by|maintainers?|owners?|contact(?:\s+person)?|"
    r"engineers?|signed-off-by|responsible|assignee|assigned\s+to|requested\s+by|reported\s+by|"
    r"dear|attn|attention|mr|mrs|ms|dr|prof)\b\.?|@author)"
)
_PERSON_CONTEXT_RULE = RegexRule(
    PERSON_CONTEXT + rf"[ \t]*[:=\-–]?[ \t]*(?P<v>{NAME_TOKEN}(?:[ \t]+(?:{NAME_PARTICLE}[ \t]+)?{NAME_TOKEN}){{1,3}})",
    score=0.7,
)


# A table cell (markdown pipes or tabs) holding nothing but two or three name-shaped words.
def _cell_name(value: str, text: str, start: int, end: int) -> bool:
    words = value.split()
    return not any(w.rstrip(".") in NON_NAME_WORDS or w in EPONYMS for w in words)


_TABLE_CELL_RULE = RegexRule(
    rf"(?:(?<=\|)|(?<=\t)|^)[ \t]*(?P<v>{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN}){{1,2}})[ \t]*(?=\||\t|$)",
    score=0.6,
    validator=_cell_name,
    flags=re.MULTILINE,
)

# Revision-history rows ("1.1 2024-03-20 Marta Kowalczyk Efficiency figures") and author bullets
# ("- Rajesh Venkataraman, June 2024"): two name-shaped words right after a date or a bullet.
_REVISION_ROW_RULE = RegexRule(
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})[ \t|]+(?P<v>{NAME_TOKEN}[ \t]+{NAME_TOKEN})\b",
    score=0.6,
    validator=_cell_name,
)
_BULLET_RULE = RegexRule(
    rf"^[ \t]*[-•*][ \t]*(?P<v>{NAME_TOKEN}[ \t]+{NAME_TOKEN})(?=[ \t]*[,(–])",
    score=0.6,
    validator=_cell_name,
    flags=re.MULTILINE,
)
# A capitalized label followed by a unit and a colon ("Case Temp (degC): 103.7") is a column name.
_LABEL_AFTER = re.compile(r"[ \t]*\([^)\n]{0,20}\)[ \t]*:")


def could_keep_name(word: str, allowed: Callable[[str], bool]) -> bool:
    """Whether ``word`` (a token as ``name_runs`` splits them) could be the word that makes
    ``name_runs`` keep a run. A superset of its test: a run with no such word is always dropped."""
    core = word.rstrip(".")
    if len(core) <= 1 or core in NON_NAME_WORDS or core in EPONYMS:
        return False
    return bool(_NAME_TOKEN_RE.match(word) or _PARTICLE_RE.match(word)) and not allowed(core)


def name_runs(text: str, start: int, end: int, allowed: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Sub-spans of ``text[start:end]`` made of name-shaped tokens, jargon trimmed away.

    A run is kept only if at least one of its tokens is a plausible name part that is neither an
    eponym (Ohm, Kelvin), a common label word (Table, Author) nor an allowed term; a run followed
    by an eponym noun ("Hall sensor") is dropped.
    """
    tokens = [(m.start(), m.end()) for m in re.finditer(r"[^\s,;:()\[\]|/\"]+", text[start:end])]
    runs: list[list[tuple[int, int]]] = [[]]
    for token_start, token_end in tokens:
        s, e = start + token_start, start + token_end
        word = text[s:e]
        for suffix in ("'s", "’s"):
            if word.endswith(suffix):
                e -= len(suffix)
                word = word[: -len(suffix)]
        word_core = word.rstrip(".")
        if _NAME_TOKEN_RE.match(word) or (_PARTICLE_RE.match(word) and runs[-1]):
            if word_core in NON_NAME_WORDS:
                runs.append([])
                continue
            runs[-1].append((s, e))
        else:
            runs.append([])
    out = []
    for run in runs:
        while run and _PARTICLE_RE.match(text[run[-1][0] : run[-1][1]]):
            run.pop()
        if not run:
            continue
        words = [text[s:e].rstrip(".") for s, e in run]
        if all(w in EPONYMS or allowed(w) or len(w) == 1 for w in words):
            continue
        if _LABEL_AFTER.match(text, run[-1][1]) or text[max(0, run[0][0] - 2) : run[0][0]].lstrip(" ") == "#":
            continue
        if len(words) == 1 and words[0] in _SPEC_COLUMN_NAMES and _beside_spec_column(text, *run[0]):
            continue
        following = re.match(r"[\s\-]*(\w+)", text[run[-1][1] : run[-1][1] + 40])
        if following and following.group(1).lower() in EPONYM_NOUNS and any(w in EPONYMS for w in words):
            continue
        out.append((run[0][0], run[-1][1]))
    return out


def _beside_spec_column(text: str, start: int, end: int) -> bool:
    """Whether the word right before or after ``text[start:end]`` (on the same line, across
    spaces, tabs and table pipes) is a specification column label ("Min Typ Max", "| Max | Unit |"),
    or the word after it a measured quantity ("Max temperature")."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = _WORD_BEFORE.search(text, line_start, start)
    after = _WORD_AFTER.match(text, end, len(text) if line_end == -1 else line_end)
    if after is not None and after.group(1) in _QUANTITY_NOUNS:
        return True
    return any(match is not None and match.group(1) in SPEC_COLUMN_WORDS for match in (before, after))


# --- structured identifiers -------------------------------------------------------------------

_VERSION_BEFORE = re.compile(
    r"(?i:(?:\bv|\bver|version|\brev|revision|release|firmware|\bfw|\bsw|\bhw)\.?\s*[:=#]?\s*)$"
)
_NETMASK_OCTETS = {"0", "128", "192", "224", "240", "248", "252", "254", "255"}


def _valid_ipv4(value: str, text: str, start: int, end: int) -> bool:
    if _VERSION_BEFORE.search(text[max(0, start - 12) : start]):
        return False
    octets = value.split(".")
    return not (value in ("0.0.0.0", "127.0.0.1") or (octets[0] == "255" and all(o in _NETMASK_OCTETS for o in octets)))


def _valid_ipv6(value: str, text: str, start: int, end: int) -> bool:
    try:
        address = ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return not (address.is_loopback or address.is_unspecified) and value.count(":") >= 2


def _luhn_ok(digits: list[int]) -> bool:
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def _luhn(value: str, text: str, start: int, end: int) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    return 13 <= len(digits) <= 19 and digits[0] in (1, 2, 3, 4, 5, 6) and _luhn_ok(digits)


def _luhn_short(value: str, text: str, start: int, end: int) -> bool:
    """12-digit card numbers (Maestro starts at 12 digits): only after a payment word, see the rule."""
    digits = [int(c) for c in value if c.isdigit()]
    return len(digits) == 12 and digits[0] in (5, 6) and _luhn_ok(digits)


def _mixed_secret(value: str, text: str, start: int, end: int) -> bool:
    """A token value must look random: letters and digits, not an UPPER_CASE identifier."""
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    identifier = re.fullmatch(r"[A-Z][A-Z0-9_]*|[a-z_][a-z0-9_]*\(?", value) is not None
    return has_digit and has_alpha and not identifier


DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+\p{L}{3,9}\.?,?\s+\d{4}"
    r"|\p{L}{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)
STREET_SUFFIX = (
    r"(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|Way|Court|Ct\.?|"
    r"Place|Pl\.?|Square|Sq\.?|Terrace|Parkway|Pkwy\.?|Highway|Hwy\.?|Circle|Cir\.?|Trail|Crescent|Close|"
    r"Plaza|Alley|Row|Mews|Gardens|Heights|Hills?|Ridge|Valley|Crossing|Estates?|Manor|Meadows?|Park|Pike|"
    r"Springs?|Stravenue|Summit|Turnpike|Vista|Walk|Expressway|Freeway|Route)"
)
US_CITY_LINE = r"[ \t]*[,\n][ \t]*\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+){0,2},[ \t]+[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?"
STREET_RULES = (
    # US style with city/state/zip: any street word (Faker's ~200 suffixes, many of them jargon).
    RegexRule(
        r"\b\d{1,6}[ \t]+\p{Lu}[\p{L}'.]*(?:[ \t]+\p{Lu}[\p{L}'.]*){0,3}"
        r"(?:[ \t]+(?:Apt\.|Suite|Unit|#)[ \t]*\d+)?" + US_CITY_LINE,
        0.85,
    ),
    # US style without the city line: only common street suffixes.
    RegexRule(
        r"\b\d{1,6}[ \t]+\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+){0,2}[ \t]+" + STREET_SUFFIX + r"(?!\w)"
        r"(?:,?[ \t]+(?:Apt\.|Suite|Unit)[ \t]*\d+)?",
        0.6,
    ),
    # Military addresses (Faker en_US produces them).
    RegexRule(
        r"\b(?:USNS|USNV|USS|USCGC|Unit|PSC)[ \t]+[\p{L}\d]+(?:,?[ \t]+Box[ \t]+\d+)?,?[ \t]*\n?[ \t]*[AFD]PO[ \t]+A[AEP][ \t]+\d{5}",  # noqa: E501
        0.85,
    ),
    # German/European style: "Hauptstraße 12, 80331 München".
    RegexRule(
        r"\b\p{Lu}[\p{L}-]*(?:stra(?:ß|ss)e|str\.|weg|allee|platz|gasse|ring|damm|ufer)[ \t]+\d{1,4}[a-z]?"
        r"(?:,?[ \t]+\d{5}[ \t]+\p{Lu}\p{Ll}+)?",
        0.7,
    ),
)


def build_recognizers(
    entities: Iterable[str], employee_id_pattern: str, deny_terms: list[str]
) -> list[EntityRecognizer]:
    """The custom pattern recognizers for the requested entity types."""
    wanted = set(entities)
    rules: dict[str, list[RegexRule]] = {
        "PERSON": [_PERSON_CONTEXT_RULE, _TABLE_CELL_RULE, _REVISION_ROW_RULE, _BULLET_RULE],
        # Any domain, internal ones included (presidio's recognizer requires a public suffix).
        "EMAIL_ADDRESS": [
            RegexRule(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])", 0.95)
        ],
        # North-American shapes with separators, whether or not the area code is assigned
        # (python-phonenumbers, below in the engine, rejects unassigned ones).
        "PHONE_NUMBER": [
            RegexRule(
                r"(?<![\w.+-])(?:\+?1[-. ]?|001-)?(?:\(\d{3}\)[ ]?|\d{3}[-.])\d{3}[-.]\d{4}(?:[ ]?x\d{1,5})?(?![\w-])",
                0.5,
            ),
            # Unformatted digits only right after a phone word ("Call 9623686368", "Tel: +4989123456").
            RegexRule(
                r"(?i:\b(?:call|phone|tel\.?|telephone|mobile|cell|fax)\b[ \t]*[:#]?[ \t]*(?:(?:on|at)[ \t]+)?)"
                r"(?P<v>\+?\d{10,13})(?![\w-])",
                0.6,
            ),
        ],
        "EMPLOYEE_ID": [
            RegexRule(employee_id_pattern, 0.9),
            RegexRule(
                r"(?i:\b(?:employee|staff|personnel)[ \t]*(?:id|no\.?|number|#)[ \t]*[:#]?[ \t]*)"
                r"(?P<v>[A-Z0-9][A-Z0-9-]{3,15})\b",
                0.85,
            ),
        ],
        "US_SSN": [
            RegexRule(r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])", 0.6),
            RegexRule(
                r"(?i:\b(?:ssn|social\s+security(?:\s+(?:number|no\.?))?)\b[ \t]*[:#]?[ \t]*)(?P<v>\d{3}[ -]?\d{2}[ -]?\d{4})\b",  # noqa: E501
                0.9,
            ),
        ],
        "CREDIT_CARD": [
            RegexRule(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])", 0.6, _luhn),
            RegexRule(
                r"(?i:\b(?:card|credit|debit|maestro|payment|paid)\b[^\n\d]{0,24})"
                r"(?P<v>\d{4}[ -]?\d{4}[ -]?\d{4})(?![\w-])",
                0.7,
                _luhn_short,
            ),
        ],
        "IP_ADDRESS": [
            RegexRule(
                r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w]|\.\d)",
                0.7,
                _valid_ipv4,
            ),
            RegexRule(
                r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,7}|[0-9A-Fa-f]{1,4})(?![\w:])",
                0.6,
                _valid_ipv6,
            ),
        ],
        "DATE_OF_BIRTH": [
            RegexRule(
                r"(?i:\b(?:date[ \t]+of[ \t]+birth|birth[ \t]*date|birthday|born(?:[ \t]+on)?|dob|d\.o\.b\.|geb\.|geboren(?:[ \t]+am)?)"  # noqa: E501
                r"[ \t]*[:=\-]?[ \t]*)(?P<v>" + DATE + ")",
                0.85,
            )
        ],
        "STREET_ADDRESS": list(STREET_RULES),
        "PRIVATE_KEY": [
            RegexRule(
                r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|.*\Z)",  # noqa: E501
                0.95,
                flags=re.DOTALL,
            )
        ],
        "API_TOKEN": [
            RegexRule(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", 0.9),
            RegexRule(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})\b", 0.9),
            RegexRule(r"\b(?:sk|rk|pk)[-_](?:live_|test_|proj-)?[A-Za-z0-9_-]{20,}\b", 0.85, _mixed_secret),
            RegexRule(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b", 0.9),
            RegexRule(r"\bAIza[0-9A-Za-z_-]{35}\b", 0.9),
            RegexRule(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", 0.9),
            RegexRule(
                r"(?i:(?:\b(?:[\w.-]{0,40}?)(?:api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|secret[_-]?key|client[_-]?secret|"
                r"auth[_-]?token|access[_-]?token|refresh[_-]?token|token|secret)\b[\"']?[ \t]*[:=][ \t]*|\bbearer[ \t]+"  # noqa: E501
                r"|#define[ \t]+\w{0,40}?(?:key|token|secret)\w{0,40}[ \t]+))[\"']?(?P<v>[A-Za-z0-9+/_\-.=~]{12,})",
                0.8,
                _mixed_secret,
            ),
        ],
        "PASSWORD": [
            RegexRule(
                r"(?i:(?:\b(?:[\w.-]{0,40}?)(?:password|passwd|passphrase|pass_?word|pwd|psk)\b[\"']?[ \t]*[:=][ \t]*"
                r"|#define[ \t]+\w{0,40}?(?:password|passwd|pwd|pass|psk)\w{0,40}[ \t]+))"
                r"(?:\"(?P<v>[^\"\n]{1,200})\"|'(?P<v>[^'\n]{1,200})'|(?P<v>[^\s\"',;]{3,200}))",
                0.85,
            ),
            RegexRule(r"(?i:\b\w{0,40}?pass\b[ \t]*=[ \t]*)\"(?P<v>[^\"\n]{1,200})\"", 0.8),
        ],
    }
    if deny_terms:
        alternation = "|".join(
            re.escape(term).replace(r"\ ", r"\s+") for term in sorted(deny_terms, key=len, reverse=True)
        )
        rules["ORGANIZATION"] = [RegexRule(rf"(?<!\w)(?:{alternation})(?!\w)", 0.9, flags=re.IGNORECASE)]
    return [RegexRecognizer(entity, entity_rules) for entity, entity_rules in rules.items() if entity in wanted]


# --- what is kept ------------------------------------------------------------------------------

# Engineering strings that are never personal data, whatever a recognizer says.
ENGINEERING_PATTERNS = (
    r"0[xX][0-9A-Fa-f_]+|[0-9A-F]+h",  # hex addresses and register values
    r"(?=\S*\d)(?=\S*[A-Za-z])[A-Za-z0-9]+(?:[-_./][A-Za-z0-9]+)*",  # part numbers, pin names, identifiers
    r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+[A-Z]\w*",  # macros, C identifiers
    r"v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?",  # versions
    r"[-+]?\d+(?:[.,]\d+)?\s?[kMGmuµnp]?(?:V|A|W|Ω|Ohm|Hz|F|H|s|baud|bps|B|b|°C|K|%|dB|dBm)",  # values with units
    r"(?:IEC|ISO|IEEE|EN|UL|MISRA|AUTOSAR|ANSI|DIN|JEDEC|IPC|RFC)[ -]?[\w.:/-]+",  # standards
)
_ENGINEERING_RE = re.compile("|".join(f"(?:{p})" for p in ENGINEERING_PATTERNS))
_STANDARD_BEFORE = re.compile(r"(?:IEC|ISO|IEEE|EN|UL|DIN|JEDEC|IPC|RFC|0x|0X)[ -]?$")
# Types whose detections are checked against the engineering patterns (the structured ones
# below carry their own validation: checksums, formats, context).
JARGON_PRONE = frozenset({"PHONE_NUMBER"})
# digits and separators, optionally an extension: a phone number even where it looks like a part number
_PHONE_SHAPE = re.compile(r"(?=(?:\D*\d){7})[\d\s().+-]+(?:[ ]?(?:x|ext\.?)[ ]?\d{1,6})?")


class AllowList:
    """Terms never redacted: the allow-list file (exact lines or ``re:`` regexes) plus built-ins."""

    def __init__(self, lines: Iterable[str]) -> None:
        exact, patterns = set(), []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("re:"):
                patterns.append(line[3:])
            else:
                exact.add(line)
        self.exact = frozenset(exact)
        self.regex = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None

    def allows(self, value: str) -> bool:
        value = value.strip()
        return value in self.exact or (self.regex is not None and self.regex.fullmatch(value) is not None)

    def keep_detection(self, entity: str, text: str, start: int, end: int) -> bool:
        """False when a detection is jargon (or allowed) and must not be redacted."""
        value = text[start:end]
        if self.allows(value):
            return False
        if entity in JARGON_PRONE:
            if _ENGINEERING_RE.fullmatch(value.strip()) and not _PHONE_SHAPE.fullmatch(value.strip()):
                return False
            before, after = text[max(0, start - 6) : start], text[end : end + 1]
            if _STANDARD_BEFORE.search(before) or (after and (after.isalnum() or after in "_")):
                return False
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_."):
                return False
        return True
