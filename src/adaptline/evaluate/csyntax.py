"""Do generated C functions compile? One shared `gcc -fsyntax-only` call for all of them.

Every snippet goes into one translation unit behind a ``#line 1 "fn_<i>.c"`` directive, so gcc
names the snippet in each diagnostic and errors map back to the function that caused them; each
function's name is macro-renamed per snippet, so several models' versions of the same function
do not collide as redefinitions.
Snippets with unbalanced braces/parentheses are failed up front (and left out of the file)
because they would swallow the snippets after them. Diagnostics are split into *syntax* errors
(the code does not parse) and *semantic* ones (undeclared names, unknown types from headers the
model could not see), reported as ``c_syntax_ok`` and ``c_compile_ok``.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adaptline.evaluate.params import CSyntaxParams

PRELUDE = "#include <stddef.h>\n#include <stdint.h>\n#include <stdbool.h>\n"
_NAME = re.compile(r"\b([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{")
_DIAG = re.compile(r"^fn_(\d+)\.c:\d+(?::\d+)?: (?:fatal )?error: (.*)$", re.MULTILINE)
_SEMANTIC = re.compile(
    r"undeclared|unknown type name|implicit declaration|redefinition|conflicting types|"
    r"incompatible|has no member|storage size|invalid use of undefined|not a function|too (?:few|many) arguments"
)


@dataclass(frozen=True)
class CheckResult:
    syntax_ok: bool  # parses as C
    compile_ok: bool  # no error at all (with only standard headers visible)
    errors: tuple[str, ...]  # gcc messages (code only, never document text beyond the snippet)


def _strip_literals(code: str) -> str:
    code = re.sub(r"/\*.*?\*/|//[^\n]*", " ", code, flags=re.DOTALL)
    return re.sub(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', '""', code)


def balanced(code: str) -> bool:
    """Braces, brackets and parentheses balance outside comments and literals."""
    depth = {"{": 0, "(": 0, "[": 0}
    closing = {"}": "{", ")": "(", "]": "["}
    for char in _strip_literals(code):
        if char in depth:
            depth[char] += 1
        elif char in closing:
            depth[closing[char]] -= 1
            if depth[closing[char]] < 0:
                return False
    return all(v == 0 for v in depth.values())


def check_c_functions(snippets: Sequence[str], params: CSyntaxParams) -> list[CheckResult]:
    """Check every snippet with one gcc process; results in input order."""
    errors: dict[int, list[str]] = {i: [] for i in range(len(snippets))}
    parts = [PRELUDE]
    for index, code in enumerate(snippets):
        if not balanced(code):
            errors[index].append("unbalanced braces or parentheses")
            continue
        match = _NAME.search(_strip_literals(code))
        name = match.group(1) if match else None
        head = f"#define {name} {name}__fn{index}\n" if name else ""
        tail = f"#undef {name}\n" if name else ""
        parts.append(f'{head}#line 1 "fn_{index}.c"\n{code}\n;\n{tail}')
    if len(parts) > 1:
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "generated.c"
            source.write_text("".join(parts), encoding="utf-8")
            result = subprocess.run(
                [params.gcc, "-fsyntax-only", "-fmax-errors=0", *params.flags, source.name],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=params.timeout_s,
                env={**os.environ, "LC_ALL": "C"},  # ASCII diagnostics
            )
        for match in _DIAG.finditer(result.stderr):
            errors[int(match.group(1))].append(match.group(2).strip())
        if result.returncode != 0 and not any(errors.values()):
            raise RuntimeError(f"gcc failed without per-function diagnostics: {result.stderr[-500:]}")
    out = []
    for index in range(len(snippets)):
        messages = tuple(errors[index])
        syntax = [m for m in messages if not _SEMANTIC.search(m)]
        out.append(CheckResult(syntax_ok=not syntax, compile_ok=not messages, errors=messages))
    return out


def summarize(results: Sequence[CheckResult]) -> dict[str, float]:
    if not results:
        return {"c_functions": 0.0}
    return {
        "c_functions": float(len(results)),
        "c_syntax_ok": sum(r.syntax_ok for r in results) / len(results),
        "c_compile_ok": sum(r.compile_ok for r in results) / len(results),
    }
