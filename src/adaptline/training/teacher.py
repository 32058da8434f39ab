"""Optional instruction pairs written by a teacher model (``sft_data.<adapter>.teacher``, off by default).

Method: instruction back-translation (Li et al., 2023, "Self-Alignment with Instruction
Backtranslation"). The teacher reads a passage of one scrubbed record and writes the question
that passage answers; the pair is (question -> the passage itself). The answer is always the
organisation's own text, never generated, so a weak or hallucinating teacher can only produce a
poor question, not a false answer. Decoding is greedy, so the pairs are a pure function of the
records, the teacher's weights and the params (reproducible like every other stage).

The teacher is a local Hugging Face model directory, or a hub id where the network allows. Its
weight hashes go into the stage report so lineage can name the exact teacher.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adaptline.log import get_logger, progress
from adaptline.records import Record
from adaptline.training.params import TeacherParams

log = get_logger(__name__)

TEACHER_TASK = "teacher_question"


def load_teacher(name: str):
    """(model, tokenizer) of the teacher: a local model directory, else a hub id."""
    from adaptline.modeling import load_base, load_hub

    if Path(name).is_dir():
        return load_base(name)
    return load_hub(name)


def teacher_ref(name: str) -> dict[str, Any]:
    """What identifies the teacher in the report: the directory's file hashes, or the hub id."""
    from adaptline.manifest import hash_tree

    if Path(name).is_dir():
        files = hash_tree(Path(name), exclude=())
        return {"source": "local", "files": files}
    return {"source": "hub", "id": name}


def first_question(text: str, min_chars: int) -> str | None:
    """The first non-empty line of a generation, when it is long enough to be a question."""
    for line in text.splitlines():
        line = line.strip().strip('"').strip()
        if line:
            return line if len(line) >= min_chars else None
    return None


def teacher_pairs(
    records: Sequence[Record], model, tokenizer, teacher: TeacherParams
) -> tuple[list[dict[str, Any]], int]:
    """Pairs (teacher question -> passage) for ``records`` in the given order; returns (pairs, skipped).

    A record is skipped when the teacher's first line is empty or shorter than
    ``teacher.min_question_chars``.
    """
    from adaptline.evaluate.data import pair_prompt
    from adaptline.evaluate.generation import generate
    from adaptline.evaluate.params import PairParams
    from adaptline.training.sft_data import clip, pair

    passages = [clip(r.text, teacher.max_passage_chars) for r in records]
    prompts = [pair_prompt(tokenizer, f"{teacher.instruction}\n\n{p}", "chat") for p in passages]
    generation = PairParams(
        max_new_tokens=teacher.max_new_tokens,
        batch_size=teacher.batch_size,
        max_prompt_tokens=teacher.max_prompt_tokens,
    )
    outputs: list[str] = []
    for start in progress(range(0, len(prompts), teacher.batch_size), desc="teacher questions", unit="batch"):
        outputs.extend(generate(model, tokenizer, prompts[start : start + teacher.batch_size], generation))
    pairs, skipped = [], 0
    for record, passage, output in zip(records, passages, outputs, strict=True):
        question = first_question(output, teacher.min_question_chars)
        if question is None:
            skipped += 1
            continue
        pairs.append(pair(question, passage, TEACHER_TASK, [record.record_id]))
    log.info("teacher: %d pairs from %d records (%d skipped: no usable question)", len(pairs), len(records), skipped)
    return pairs, skipped
