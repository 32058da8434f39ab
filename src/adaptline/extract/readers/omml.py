"""Office Math (OMML, ECMA-376 Part 1 §22.1) as linear text: the equations of Word documents and
PowerPoint slides. Neither python-docx nor python-pptx reads any of it, so equations (common in
design reviews and test reports) were lost without a word.
"""

from __future__ import annotations

from typing import Any

_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MATH_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
MATH, MATH_PARAGRAPH, _MATH_E, _MATH_ROW, _MATH_D = (
    f"{{{_MATH_NS}}}{name}" for name in ("oMath", "oMathPara", "e", "mr", "d")
)
_MATH_T, _MATH_VAL, _WORD_T = f"{{{_MATH_NS}}}t", f"{{{_MATH_NS}}}val", f"{_WORD}t"
_ROOTS = {"2": "√", "3": "∛", "4": "∜"}
# Never shown: deleted and moved-away text (tracked changes), run properties, the fallback copy
# of alternate content.
_NOT_SHOWN = {
    f"{_WORD}del",
    f"{_WORD}moveFrom",
    f"{_WORD}rPr",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}


def equation_text(element: Any) -> str:
    """An ``m:oMath`` (inline equation) or ``m:oMathPara`` (display equations, one per line)."""
    if element.tag == MATH_PARAGRAPH:
        return "\n".join(math_text(math) for math in element.iterchildren(MATH))
    return math_text(element)


def math_text(element: Any) -> str:
    """An Office Math element (``m:oMath`` or anything inside it) in a linear form close to what
    Word's own linear format shows: ``V_out=V_in·R_2/(R_1+R_2)``, ``√(P/R)``, ``∑_(k=1)^n x_k``.
    An element not listed below reads as its children's text, so an unfamiliar construct keeps
    its characters.
    """
    tag = _local(element.tag, _MATH_NS)
    if tag is None:  # a Word or DrawingML element inside math (tracked change, run properties)
        return "" if element.tag in _NOT_SHOWN else "".join(math_text(child) for child in element.iterchildren())
    if tag == "r":  # a math run: m:t, or w:t in runs Word wrote as ordinary text
        return "".join(child.text or "" for child in element.iterchildren(_MATH_T, _WORD_T))
    if tag.endswith("Pr"):  # properties (m:fPr, m:ctrlPr, ...): read where the construct needs them
        return ""

    def part(name: str) -> str:
        child = element.find(f"{{{_MATH_NS}}}{name}")
        return "" if child is None else math_text(child)

    def option(name: str, default: str) -> str:
        node = element.find(f"{{{_MATH_NS}}}{tag}Pr/{{{_MATH_NS}}}{name}")
        return default if node is None else node.get(_MATH_VAL, default)

    if tag == "f":
        return f"{_grouped(part('num'))}/{_grouped(part('den'))}"
    if tag in ("sSup", "sSub", "sSubSup", "sPre"):
        scripts = "".join(f"{mark}{_grouped(part(name))}" for mark, name in (("_", "sub"), ("^", "sup")) if part(name))
        return scripts + part("e") if tag == "sPre" else part("e") + scripts
    if tag == "rad":
        degree = part("deg")
        return ("√" if not degree else _ROOTS.get(degree, f"√[{degree}]")) + _grouped(part("e"))
    if tag == "d":
        items = [math_text(child) for child in element.iterchildren(_MATH_E)]
        return option("begChr", "(") + option("sepChr", "|").join(items) + option("endChr", ")")
    if tag == "nary":
        limits = "".join(f"{mark}{_grouped(part(name))}" for mark, name in (("_", "sub"), ("^", "sup")) if part(name))
        return f"{option('chr', '∫')}{limits} {part('e')}"
    if tag == "func":
        argument = part("e")
        return part("fName") + (argument if argument.startswith("(") else f" {argument}")
    if tag in ("limLow", "limUpp"):
        return part("e") + ("_" if tag == "limLow" else "^") + _grouped(part("lim"))
    if tag == "acc":
        return _grouped(part("e")) + option("chr", "\u0302")  # a combining accent, after its base
    if tag == "eqArr":
        return "\n".join(math_text(child) for child in element.iterchildren(_MATH_E))
    if tag == "m":
        rows = [[math_text(cell) for cell in row.iterchildren(_MATH_E)] for row in element.iterchildren(_MATH_ROW)]
        text = "; ".join(", ".join(row) for row in rows)
        item = element.getparent()  # a matrix alone between delimiters takes theirs, e.g. (a, b; c, d)
        alone = item is not None and item.tag == _MATH_E and len(item) == 1 and item.getparent().tag == _MATH_D
        return text if alone else f"[{text}]"
    return "".join(math_text(child) for child in element.iterchildren())


def _local(tag: object, namespace: str) -> str | None:
    """``tag``'s local name if it is in ``namespace``."""
    prefix = f"{{{namespace}}}"
    return tag[len(prefix) :] if isinstance(tag, str) and tag.startswith(prefix) else None


def _grouped(text: str) -> str:
    """``text`` in parentheses unless it is one operand (``R_2``, ``out``, ``(a+b)``), so that
    scripts, fractions and roots read unambiguously: ``R_2/(R_1+R_2)``."""
    return text if _one_operand(text) else f"({text})"


def _one_operand(text: str) -> bool:
    """No operator, space or separator outside brackets, and not empty."""
    depth = 0
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and not (char.isalnum() or char in "_^.′″"):
            return False
    return bool(text) and depth == 0
