"""Normalisation and shingling: prose by word n-grams, C by token n-grams.

Code gets its own shingling because two copies of a driver for different chip families differ
mostly in identifiers (``USART1_IRQHandler`` vs ``USART6_IRQHandler``): with identifiers folded to
one symbol, the token sequence (keywords, operators, literals) still matches.
"""

from __future__ import annotations

import re
import string
import unicodedata

import numpy as np
import xxhash

from adaptline.dedup.params import DedupParams, NormalizeParams

_PUNCT = str.maketrans({c: " " for c in string.punctuation})
_C_TOKEN = re.compile(
    r"/\*.*?\*/|//[^\n]*|"  # comments (dropped)
    r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|"  # string / char literals
    r"0[xX][0-9a-fA-F]+[uUlL]*|\d+(?:\.\d+)?[uUlLfF]*|"  # numbers
    r"[A-Za-z_]\w*|"  # identifiers and keywords
    r"->|\+\+|--|<<=?|>>=?|[<>=!&|^+\-*/%]=|&&|\|\||\S",
    re.DOTALL,
)
C_KEYWORDS = frozenset(
    [
        "auto",
        "break",
        "case",
        "char",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "float",
        "for",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "register",
        "restrict",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "switch",
        "typedef",
        "union",
        "unsigned",
        "void",
        "volatile",
        "while",
        "uint8_t",
        "uint16_t",
        "uint32_t",
        "uint64_t",
        "int8_t",
        "int16_t",
        "int32_t",
        "int64_t",
        "size_t",
        "bool",
        "true",
        "false",
        "NULL",
        "define",
        "include",
        "ifdef",
        "ifndef",
        "endif",
    ]
)
CODE_KINDS = frozenset({"c"})


_PLACEHOLDER = re.compile(r"<([A-Z_]+?)_\d+>")
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_KEY_VALUE_ROW = re.compile(r"^[^:;|]{1,80}: [^;]*(?:; [^:;|]{1,80}: [^;]*)+$")


def canonical_table_lines(text: str) -> str:
    """Reduce table rows to their cell values, one row per line.

    Markdown rows (``| a | b |``), spreadsheet rows (``Col: a; Col2: b``) and spreadsheet column
    headers (``Columns: a | b``) all become ``a b``; other lines are unchanged.
    """
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if _MD_SEPARATOR.match(stripped):
            continue
        if stripped.startswith("Columns: ") and "|" in stripped:
            stripped = "|" + stripped[len("Columns: ") :]
        if stripped.startswith("|"):
            out.append(" ".join(cell.strip() for cell in stripped.strip("|").split("|")))
        elif _KEY_VALUE_ROW.match(stripped):
            out.append(" ".join(pair.split(": ", 1)[1] for pair in stripped.split("; ")))
        else:
            out.append(stripped)
    return "\n".join(out)


def normalize(text: str, params: NormalizeParams, code: bool = False) -> str:
    """Canonical form used for exact hashing; code keeps its punctuation (it is meaningful)."""
    if params.fold_placeholders:
        text = _PLACEHOLDER.sub(r"<\1>", text)
    if params.canonical_tables and not code:
        text = canonical_table_lines(text)
    if params.unicode_form != "none":
        text = unicodedata.normalize(params.unicode_form, text)
    if params.lowercase and not code:
        text = text.lower()
    if params.strip_punctuation and not code:
        text = text.translate(_PUNCT)
    if params.collapse_whitespace:
        text = " ".join(text.split())  # same whitespace set as r"\s+", ~20x faster than re.sub on prose
    return text


def c_tokens(source: str, fold_identifiers: bool) -> list[str]:
    tokens = []
    for token in _C_TOKEN.findall(source):
        if token.startswith(("/*", "//")):
            continue
        if fold_identifiers and (token[0].isalpha() or token[0] == "_") and token not in C_KEYWORDS:
            token = "ID"
        tokens.append(token)
    return tokens


def tokens(text: str, kind: str, params: DedupParams) -> list[str]:
    """Word tokens of normalised prose, or C tokens with identifiers folded."""
    if kind in CODE_KINDS:
        return c_tokens(text, params.code_normalize_identifiers)
    return normalize(text, params.normalize).split()


def shingle_size(kind: str, params: DedupParams) -> int:
    return params.code_shingle_tokens if kind in CODE_KINDS else params.prose_shingle_words


_MIX = np.uint32(0x9E3779B1)  # golden-ratio multiplier: order-sensitive combination of token hashes


def shingle_hashes(token_list: list[str], size: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the token n-grams (the set whose Jaccard defines near-duplication).

    Each token is hashed once (xxh32); an n-gram's hash combines its tokens' hashes in order, so
    hashing costs O(tokens) instead of O(tokens * n) string joins.
    """
    if not token_list:
        return np.empty(0, dtype=np.uint32)
    words = np.fromiter(
        (xxhash.xxh32_intdigest(t.encode("utf-8")) for t in token_list), dtype=np.uint32, count=len(token_list)
    )
    if len(words) <= size:
        combined = np.zeros(1, dtype=np.uint32)
        for value in words:
            combined = combined * _MIX ^ value
        return combined
    combined = np.zeros(len(words) - size + 1, dtype=np.uint32)
    for offset in range(size):
        combined = combined * _MIX ^ words[offset : offset + len(combined)]
    return np.unique(combined)


def shingles(text: str, kind: str, params: DedupParams) -> np.ndarray:
    """Shingle hashes of a text, with the kind's tokenizer and n-gram size."""
    return shingle_hashes(tokens(text, kind, params), shingle_size(kind, params))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if len(a) == 0 and len(b) == 0:
        return 1.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)
