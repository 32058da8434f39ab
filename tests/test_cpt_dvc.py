"""`dvc exp` over the per-adapter training stages: one adapter's param reruns only that adapter."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from pipeline_copy import REPO_ROOT, dvc, run
from training_records import write_splits

pytestmark = pytest.mark.slow

PARAMS = {
    "launcher": "python",
    "adapters": {
        "all": {"kinds": ["docx", "pptx", "xlsx", "pdf", "c"], "paths": ["**"]},
        "firmware": {"kinds": ["c"], "paths": ["firmware/**"]},
    },
    "base": {
        "vocab_size": 300,
        "hidden_size": 32,
        "num_layers": 2,
        "num_heads": 4,
        "num_kv_heads": 2,
        "intermediate_size": 64,
        "max_position": 128,
    },
    "cpt": {
        name: {"seq_len": 64, "lora": {"r": 8}, "train": {"max_steps": 2, "batch_size": 2, "eval_every": 2}}
        for name in ("all", "firmware")
    },
}
STAGES = """
stages:
  base:
    cmd: python stages/base.py --train data/split/train.jsonl --output-dir models/base
    deps: [data/split/train.jsonl, stages/base.py]
    params: [base]
    outs: [models/base]
  cpt:
    foreach: ${adapters}
    do:
      cmd: >-
        ${launcher} stages/cpt.py --adapter ${key} --base models/base
        --train data/split/train.jsonl --val data/split/val.jsonl
        --output-dir models/cpt/${key} --metrics metrics/cpt/${key}.json --live-dir dvclive/cpt/${key}
      deps: [models/base, data/split/train.jsonl, data/split/val.jsonl, stages/cpt.py]
      params:
        - adapters.${key}
        - cpt.${key}
      outs:
        - models/cpt/${key}
      metrics:
        - metrics/cpt/${key}.json:
            cache: false
      plots:
        - dvclive/cpt/${key}/plots/metrics:
            cache: false
            x: step
"""


def test_exp_run_reruns_only_the_changed_adapter_and_exp_show_lists_both(tmp_path):
    root = tmp_path / "repo"
    (root / "stages").mkdir(parents=True)
    for name in ("base.py", "cpt.py"):
        shutil.copy2(REPO_ROOT / "stages" / name, root / "stages" / name)
    write_splits(root)
    (root / "params.yaml").write_text(yaml.safe_dump(PARAMS, sort_keys=False))
    (root / "dvc.yaml").write_text(STAGES)
    # the repository's own ignores (metrics stay in git, DVC ignores its cached outputs itself);
    # the splits here are plain files, not DVC outputs
    (root / ".gitignore").write_text((REPO_ROOT / ".gitignore").read_text() + "/data/split/\n")
    run(["git", "init", "-q", "-b", "main"], root)
    dvc(root, "init", "-q")
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-qm", "pipeline"], root)  # dvclive needs a commit to exist
    dvc(root, "repro")
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-qm", "baseline"], root)

    first = dvc(root, "exp", "run", "-n", "fw-r16", "-S", "cpt.firmware.lora.r=16")
    out = first.stdout + first.stderr
    assert "Running stage 'cpt@firmware'" in out
    assert "Running stage 'cpt@all'" not in out and "Running stage 'base'" not in out
    dvc(root, "exp", "run", "-n", "fw-r4", "-S", "cpt.firmware.lora.r=4")

    shown = json.loads(dvc(root, "exp", "show", "--json").stdout)
    names = {exp.get("name") for row in shown for exp in row.get("experiments") or []}
    assert {"fw-r16", "fw-r4"} <= names, names
    ranks = set()
    for row in shown:
        for exp in row.get("experiments") or []:
            data = exp["revs"][0]["data"]
            ranks.add(data["params"]["params.yaml"]["data"]["cpt"]["firmware"]["lora"]["r"])
            assert "metrics/cpt/firmware.json" in data["metrics"]
    assert ranks == {16, 4}
    baseline = next(row for row in shown if row.get("name") == "main")  # the committed run, metrics included
    assert "metrics/cpt/firmware.json" in baseline["data"]["metrics"]
