"""Instruction/response pairs built deterministically from the structure of the scrubbed records.

Pairs are built per split from that split's records only, so no val/test document reaches SFT
training. Tasks (each pair names its ``task``):

- ``c_explain``: name, path and code of a C function -> its doc comment;
- ``c_write_body``: signature + doc comment -> the function body;
- ``section``: document section heading -> the section's content (docx/pdf);
- ``slide``: slide title -> its points (pptx);
- ``table_lookup``: "what is <column> of <row key>?" -> the cell (xlsx rows "Col: value; ...").

A hand-written golden set (``data/sft/*.jsonl``; fields ``prompt``, ``completion``, ``split``,
optional ``task``, ``adapters``) is merged in. With ``teacher.model`` set, a teacher model also
writes questions for passages (``teacher_question``, see ``training.teacher``). Every pair keeps
``source_record_ids``.
"""

from __future__ import annotations

import glob
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from adaptline.records import Record, read_records, write_json
from adaptline.stage import StageInputError
from adaptline.training.data import select_records
from adaptline.training.params import AdapterSpec, SftDataParams, TeacherParams

SPLITS = ("train", "val", "test")
PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")  # a scrubbed value, e.g. <PERSON_1>: never a question or answer
LEADING_COMMENT = re.compile(r"\A\s*((?:/\*.*?\*/\s*|//[^\n]*\n\s*)+)", re.S)


def pair(prompt: str, completion: str, task: str, record_ids: Iterable[str]) -> dict[str, Any]:
    return {"prompt": prompt, "completion": completion, "task": task, "source_record_ids": sorted(record_ids)}


def clip(text: str, max_chars: int) -> str:
    """Cut at the last line break before ``max_chars`` (or hard-cut a single long line)."""
    text = text.strip()
    if len(text) <= max_chars:
        return text
    cut = text.rfind("\n", 0, max_chars)
    return text[: cut if cut > 0 else max_chars].rstrip()


def comment_text(comment: str) -> str:
    """The prose of a C comment block: markers, leading stars and ``@brief`` removed."""
    lines = []
    for line in comment.splitlines():
        line = re.sub(r"^\s*(/\*\*?|\*/|\*|//+)", "", line).replace("*/", "").strip()
        line = re.sub(r"^@brief\s+", "", line)
        if line:
            lines.append(line)
    return " ".join(lines)


def c_pairs(record: Record, params: SftDataParams) -> Iterator[dict[str, Any]]:
    name = record.location.function
    match = LEADING_COMMENT.match(record.text)
    if not name or not match or "{" not in record.text[match.end() :]:
        return
    comment, code = match.group(1).strip(), record.text[match.end() :].strip()
    signature, body = code[: code.index("{")].strip(), code[code.index("{") :]
    explanation = comment_text(comment)
    if "c_explain" in params.tasks and len(explanation) >= params.min_completion_chars:
        shown = clip(code, params.max_completion_chars)
        prompt = f"Explain what the C function `{name}` in `{record.source_path}` does.\n\n```c\n{shown}\n```"
        yield pair(prompt, explanation, "c_explain", [record.record_id])
    if "c_write_body" in params.tasks and len(body) >= params.min_completion_chars:
        prompt = f"Write the body of this C function from `{record.source_path}`.\n\n```c\n{comment}\n{signature}\n```"
        yield pair(prompt, clip(body, params.max_completion_chars), "c_write_body", [record.record_id])


def section_pairs(record: Record, params: SftDataParams) -> Iterator[dict[str, Any]]:
    path = record.location.heading_path
    if "section" not in params.tasks or record.location.part != "body" or not path:
        return
    heading = path[-1]
    lines = record.text.strip().splitlines()
    if lines and lines[0].lstrip("# ").strip() == heading.strip():
        lines = lines[1:]
    content = clip("\n".join(lines), params.max_completion_chars)
    if PLACEHOLDER.search(heading) or len(content) < params.min_completion_chars:
        return
    prompt = f'What does the section "{" > ".join(path)}" of `{record.source_path}` say?'
    yield pair(prompt, content, "section", [record.record_id])


def slide_pairs(record: Record, params: SftDataParams) -> Iterator[dict[str, Any]]:
    if "slide" not in params.tasks or record.location.part != "body" or record.location.slide is None:
        return
    lines = [line for line in record.text.strip().splitlines() if line.strip()]
    if not lines or not lines[0].startswith("#"):
        return
    title = lines[0].lstrip("# ").strip()
    points = clip("\n".join(lines[1:]), params.max_completion_chars)
    if PLACEHOLDER.search(title) or len(points) < params.min_completion_chars:
        return
    prompt = f'List the points of slide {record.location.slide} ("{title}") in `{record.source_path}`.'
    yield pair(prompt, points, "slide", [record.record_id])


def table_pairs(record: Record, params: SftDataParams) -> Iterator[dict[str, Any]]:
    """Rows written as ``Col: value; Col: value`` become look-ups of one column by the row's first cell."""
    if "table_lookup" not in params.tasks or record.kind != "xlsx":
        return
    made, first_column = 0, None
    for index, line in enumerate(record.text.splitlines()):
        if made >= params.max_pairs_per_record:
            return
        if line.startswith("Columns: "):
            first_column = line[len("Columns: ") :].split(" | ")[0]
            continue
        cells = [cell.split(": ", 1) for cell in line.split("; ")]
        if len(cells) < 2 or any(len(c) != 2 for c in cells) or cells[0][0] != (first_column or cells[0][0]):
            continue  # not a data row, or a total/summary row that does not start with the key column
        (key_col, key), (col, value) = cells[0], cells[1 + index % (len(cells) - 1)]
        if PLACEHOLDER.search(line) or not value.strip():
            continue
        where = f"`{record.source_path}`" + (f" (sheet {record.location.sheet})" if record.location.sheet else "")
        prompt = f"In {where}, what is the {col} of the row with {key_col} {key}?"
        yield pair(prompt, value.strip(), "table_lookup", [record.record_id])
        made += 1


BUILDERS = {
    "c": [c_pairs],
    "docx": [section_pairs],
    "pdf": [section_pairs],
    "pptx": [slide_pairs],
    "xlsx": [table_pairs],
}


def record_pairs(records: Iterable[Record], params: SftDataParams) -> list[dict[str, Any]]:
    out = []
    for record in records:
        for build in BUILDERS.get(record.kind, []):
            out.extend(build(record, params))
    return out


def read_golden(pattern: str, adapter: str) -> dict[str, list[dict[str, Any]]]:
    """Golden pairs of ``adapter`` by split (a row without ``adapters`` belongs to every adapter)."""
    by_split: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    for path in sorted(glob.glob(pattern)):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                row = json.loads(line)
                if row.get("split") not in SPLITS:
                    raise StageInputError(f"{path}:{number}: 'split' must be one of {', '.join(SPLITS)}")
                if adapter in row.get("adapters", [adapter]):
                    by_split[row["split"]].append(pair(row["prompt"], row["completion"], row.get("task", "golden"), []))
    return by_split


def build_pairs(
    adapter: str,
    spec: AdapterSpec,
    params: SftDataParams,
    split_paths: dict[str, str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    report_path: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Write ``<out_dir>/{train,val,test}.jsonl`` for one adapter; return the counts."""
    golden = read_golden(params.golden_glob, adapter)
    records = {s: select_records(read_records(split_paths[s]), spec) for s in SPLITS}
    pairs = {s: record_pairs(records[s], params) + golden[s] for s in SPLITS}
    teacher_report = add_teacher_pairs(pairs, records, params.teacher) if params.teacher.model else None
    # A train pair identical to a held-out one (same prompt) would leak the answer: held-out wins.
    held_out = {p["prompt"] for s in ("val", "test") for p in pairs[s]}
    dropped = sum(p["prompt"] in held_out for p in pairs["train"])
    pairs["train"] = [p for p in pairs["train"] if p["prompt"] not in held_out]
    report: dict[str, Any] = {"dropped_train_overlapping_heldout": dropped}
    if teacher_report:
        report["teacher"] = teacher_report
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for split, items in pairs.items():
        unique = {p["prompt"]: p for p in sorted(items, key=_sort_key)}  # first of equal prompts wins
        rows = sorted(unique.values(), key=_sort_key)
        text = "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in rows)
        (out / f"{split}.jsonl").write_text(text, encoding="utf-8")
        report[split] = dict(sorted(Counter(r["task"] for r in rows).items())) | {"total": len(rows)}
    if report_path:
        write_json(report_path, report)
    return report


def add_teacher_pairs(
    pairs: dict[str, list[dict[str, Any]]], records: dict[str, list[Record]], teacher: TeacherParams
) -> dict[str, Any]:
    """Teacher-written pairs for each split's own records (held-out documents stay held out)."""
    from adaptline.training.teacher import load_teacher, teacher_pairs, teacher_ref

    model, tokenizer = load_teacher(teacher.model)
    report: dict[str, Any] = {"model": teacher_ref(teacher.model)}
    for split in SPLITS:
        eligible = sorted((r for r in records[split] if r.kind in teacher.kinds), key=lambda r: r.record_id)
        chosen = eligible[: teacher.max_records]
        made, skipped = teacher_pairs(chosen, model, tokenizer, teacher)
        pairs[split].extend(made)
        report[split] = {"records": len(chosen), "pairs": len(made), "skipped_no_question": skipped}
    return report


def _sort_key(p: dict[str, Any]) -> tuple[str, list[str], str, str]:
    return (p["task"], p["source_record_ids"], p["prompt"], p["completion"])
