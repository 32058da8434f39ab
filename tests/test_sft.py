"""sft_data (pairs from record structure, golden set, no held-out leakage) and the SFT stage."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from peft import PeftModel
from tiny_lm import TINY_SIZES, make_base
from training_records import make_records, write_splits

from adaptline.manifest import MANIFEST_NAME
from adaptline.modeling import build_tiny_model, load_merged, save_base, train_tokenizer
from adaptline.records import Location, Record, read_records
from adaptline.training import AdapterSpec, CptParams, SftDataParams, SftParams, TrainParams
from adaptline.training.cpt import run_cpt
from adaptline.training.params import TeacherParams
from adaptline.training.sft import run_sft
from adaptline.training.sft_data import SPLITS, build_pairs, clip, record_pairs
from adaptline.training.teacher import TEACHER_TASK, first_question

TINY = {**TINY_SIZES, "max_position": 256}  # SFT prompts need the longer context


def _record(kind: str, text: str, location: Location, path: str) -> Record:
    return Record(doc_id="f" * 64, source_path=path, kind=kind, location=location, chunk_index=0, text=text)


def test_pairs_for_each_record_structure():
    params = SftDataParams()
    c = _record(
        "c",
        "/** @brief One blocking conversion of @p channel. */\n"
        "uint16_t adc_read(uint8_t channel)\n{\n    return 0u;\n}",
        Location(part="code", function="adc_read"),
        "fw/adc.c",
    )
    section = _record(
        "docx",
        "## 2 Clock\n\nHSE is 8 MHz, PLL to 168 MHz.",
        Location(heading_path=("Spec", "2 Clock")),
        "specs/a.docx",
    )
    slide = _record("pptx", "# Kick-off\n- Input 18 V to 32 V\n- EMI ok", Location(slide=3), "slides/k.pptx")
    table = _record(
        "xlsx",
        "BOM\nColumns: Ref | Part number | Qty\nRef: U1; Part number: STM32F407; Qty: 1\nRef: U2; Part number: "
        "INA240; Qty: 3\nQty: 4; Part number: Total",
        Location(part="table", sheet="BOM"),
        "bom/b.xlsx",
    )
    scrubbed_title = _record("pptx", "# <PERSON_2>\n- Outputs 5 V", Location(slide=2), "slides/k.pptx")
    by_task = {p["task"]: p for p in record_pairs([c, section, slide, table, scrubbed_title], params)}
    assert by_task["c_explain"]["completion"] == "One blocking conversion of @p channel."
    assert "`adc_read`" in by_task["c_explain"]["prompt"] and "return 0u;" in by_task["c_explain"]["prompt"]
    assert by_task["c_write_body"]["completion"] == "{\n    return 0u;\n}"
    assert "uint16_t adc_read(uint8_t channel)" in by_task["c_write_body"]["prompt"]
    assert "return" not in by_task["c_write_body"]["prompt"]
    assert by_task["section"]["completion"] == "HSE is 8 MHz, PLL to 168 MHz."
    assert "Spec > 2 Clock" in by_task["section"]["prompt"]
    assert by_task["slide"]["completion"] == "- Input 18 V to 32 V\n- EMI ok"
    lookups = [p for p in record_pairs([table], params)]
    assert [(p["prompt"].split("what is the ")[1], p["completion"]) for p in lookups] == [
        ("Part number of the row with Ref U1?", "STM32F407"),
        ("Qty of the row with Ref U2?", "3"),
    ]
    assert all(p["source_record_ids"] == [c.record_id] for p in by_task.values())
    assert sum(p["task"] == "slide" for p in record_pairs([scrubbed_title], params)) == 0


def test_build_pairs_per_split_with_golden_and_no_leak(tmp_path):
    split_dir = write_splits(tmp_path)
    golden = tmp_path / "golden"
    golden.mkdir()
    rows = [
        {"split": "train", "prompt": "What is dead time?", "completion": "Both switches off."},
        {"split": "test", "prompt": "CAN termination?", "completion": "120 Ohm at each end."},
        {"split": "train", "prompt": "CAN termination?", "completion": "leaked copy"},
        {"split": "val", "prompt": "Only C?", "completion": "yes", "adapters": ["firmware"]},
    ]
    (golden / "g.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    params = SftDataParams(golden_glob=str(golden / "*.jsonl"))
    paths = {s: split_dir / f"{s}.jsonl" for s in SPLITS}
    report = build_pairs("all", AdapterSpec(), params, paths, tmp_path / "out", tmp_path / "report.json")
    first = {s: (tmp_path / "out" / f"{s}.jsonl").read_bytes() for s in SPLITS}
    build_pairs("all", AdapterSpec(), params, paths, tmp_path / "out", tmp_path / "report.json")
    assert first == {s: (tmp_path / "out" / f"{s}.jsonl").read_bytes() for s in SPLITS}  # stable bytes

    pairs = {s: [json.loads(x) for x in first[s].decode().splitlines()] for s in SPLITS}
    ids = {s: {r.record_id for r in read_records(paths[s])} for s in SPLITS}
    for split in SPLITS:
        used = {i for p in pairs[split] for i in p["source_record_ids"]}
        assert used <= ids[split]  # pairs of a split come only from that split's records
    assert {p["task"] for p in pairs["train"]} >= {"c_explain", "c_write_body", "section", "slide", "table_lookup"}
    prompts = {s: {p["prompt"] for p in pairs[s]} for s in SPLITS}
    assert "What is dead time?" in prompts["train"] and "CAN termination?" in prompts["test"]
    assert "CAN termination?" not in prompts["train"] and report["dropped_train_overlapping_heldout"] == 1
    assert "Only C?" not in prompts["val"]
    assert report["train"]["total"] == len(pairs["train"])

    firmware = build_pairs("firmware", AdapterSpec(kinds=["c"]), params, paths, tmp_path / "fw")
    assert set(firmware["train"]) == {"c_explain", "c_write_body", "golden", "total"}


def test_repository_golden_set_is_valid():
    path = Path(__file__).resolve().parents[1] / "data" / "sft" / "golden.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    assert len(rows) >= 10 and {r["split"] for r in rows} == set(SPLITS)
    assert all(r["prompt"].strip() and r["completion"].strip() for r in rows)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("sft")
    split_dir = write_splits(root)
    texts = [r.training_text() for r in make_records(24)]
    tokenizer = train_tokenizer(texts, vocab_size=400)
    save_base(build_tiny_model(tokenizer, seed=0, **TINY), tokenizer, root / "base")
    from accelerate.state import AcceleratorState

    AcceleratorState._reset_state(reset_partial_state=True)  # an earlier Trainer in this process set it
    cpt = CptParams(seq_len=64, train=TrainParams(max_steps=2, batch_size=2, eval_every=2, warmup_steps=0))
    run_cpt(
        "all",
        AdapterSpec(),
        cpt,
        root / "base",
        split_dir / "train.jsonl",
        split_dir / "val.jsonl",
        root / "cpt",
        root / "cpt.json",
    )
    paths = {s: split_dir / f"{s}.jsonl" for s in SPLITS}
    build_pairs("all", AdapterSpec(), SftDataParams(golden_glob=str(root / "none*.jsonl")), paths, root / "pairs")
    return root


def test_sft_adapter_on_merged_cpt_is_reproducible(trained, tmp_path):
    params = SftParams(max_length=128, train=TrainParams(max_steps=4, batch_size=2, eval_every=2, warmup_steps=0))
    runs = []
    for name in ("a", "b"):
        metrics = run_sft(
            "all",
            params,
            trained / "base",
            trained / "cpt",
            trained / "pairs",
            tmp_path / name,
            tmp_path / f"{name}.json",
            tmp_path / f"live-{name}",
        )
        runs.append(metrics)
    assert runs[0] == runs[1] and runs[0]["steps"] == 4 and runs[0]["val_loss"] > 0
    assert (tmp_path / "a" / "adapter_model.safetensors").read_bytes() == (
        tmp_path / "b" / "adapter_model.safetensors"
    ).read_bytes()
    saved = json.loads((tmp_path / "a" / "adapter_config.json").read_text())["target_modules"]
    assert saved == sorted(saved) and len(saved) > 1  # not PEFT's per-process set order
    manifest = json.loads((tmp_path / "a" / MANIFEST_NAME).read_text())
    assert manifest["parents"] == ["cpt/all"] and manifest["artifact"] == "sft/all"
    pair_ids = {
        i
        for line in (trained / "pairs" / "train.jsonl").read_text().splitlines()
        for i in json.loads(line)["source_record_ids"]
    }
    assert set(manifest["train_record_ids"]) == pair_ids
    merged, _ = load_merged(trained / "base", [trained / "cpt"])
    PeftModel.from_pretrained(merged, str(tmp_path / "a"))  # a standard PEFT adapter on base + CPT
    assert (tmp_path / "live-a" / "plots" / "metrics" / "train" / "loss.tsv").is_file()


def test_sft_loss_is_on_completions_only(trained):
    """The collator masks every prompt token: labels cover exactly the completion (+ EOS)."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    model, tokenizer = load_merged(trained / "base", [])
    data = Dataset.from_list([{"prompt": "Which MCU?", "completion": " STM32F407"}])
    config = SFTConfig(
        output_dir=str(trained / "scratch"),
        max_steps=1,
        use_cpu=True,
        report_to=[],
        completion_only_loss=True,
        max_length=64,
    )
    trainer = SFTTrainer(model=model, args=config, train_dataset=data, processing_class=tokenizer)
    batch = trainer.data_collator([trainer.train_dataset[0]])
    labels = batch["labels"][0].tolist()
    prompt_len = len(tokenizer("Which MCU?", add_special_tokens=False)["input_ids"])
    assert all(x == -100 for x in labels[:prompt_len])
    kept = [x for x in labels if x != -100]
    completion = tokenizer(" STM32F407", add_special_tokens=False)["input_ids"]
    assert kept[: len(completion)] == completion and kept[-1] == tokenizer.eos_token_id


def test_params_replace_keeps_defaults():
    assert replace(SftParams()).train.max_steps == 20


def test_first_question_takes_the_first_usable_line():
    assert first_question('\n  "What limits the LDO dropout?"\nMore text', 5) == "What limits the LDO dropout?"
    assert first_question("Why?\nA longer second line", 5) is None  # only the first line counts
    assert first_question("   \n", 1) is None


def test_teacher_pairs_answer_with_the_passage_and_stay_in_their_split(tmp_path):
    """A tiny trained teacher writes questions; answers are the records' own text, split by split."""
    split_dir = write_splits(tmp_path)
    teacher_dir = make_base([r.training_text() for r in make_records(24)], tmp_path / "teacher", train_steps=30)
    teacher = TeacherParams(model=str(teacher_dir), max_records=4, max_new_tokens=12, min_question_chars=1)
    params = SftDataParams(tasks=[], golden_glob=str(tmp_path / "none*.jsonl"), teacher=teacher)
    paths = {s: split_dir / f"{s}.jsonl" for s in SPLITS}
    report = build_pairs("all", AdapterSpec(), params, paths, tmp_path / "a", tmp_path / "a.json")
    first = {s: (tmp_path / "a" / f"{s}.jsonl").read_bytes() for s in SPLITS}
    build_pairs("all", AdapterSpec(), params, paths, tmp_path / "b")
    assert first == {s: (tmp_path / "b" / f"{s}.jsonl").read_bytes() for s in SPLITS}  # greedy: reproducible

    assert report["teacher"]["model"]["source"] == "local" and report["teacher"]["model"]["files"]
    made = 0
    for split in SPLITS:
        records = {r.record_id: r for r in read_records(paths[split])}
        counts = report["teacher"][split]
        eligible = [r for r in records.values() if r.kind in teacher.kinds]
        assert counts["records"] == min(len(eligible), teacher.max_records)
        assert counts["pairs"] + counts["skipped_no_question"] == counts["records"]
        rows = [json.loads(line) for line in first[split].decode().splitlines()]
        assert all(row["task"] == TEACHER_TASK for row in rows)
        for row in rows:
            (source,) = row["source_record_ids"]
            assert source in records  # a split's pairs come from that split's records only
            assert row["completion"] == clip(records[source].text, teacher.max_passage_chars)
            assert row["prompt"].strip() and "\n" not in row["prompt"]
        made += len(rows)
    assert made > 0, "the trained tiny teacher wrote no usable question"
