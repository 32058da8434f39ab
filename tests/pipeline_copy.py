"""Make a throw-away copy of this repository (a real git + DVC project) for end-to-end tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def pipeline_env() -> dict[str, str]:
    """The environment `dvc repro` needs: the venv first on PATH (stage commands call `python`)."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(HF_HUB_OFFLINE="1", ADAPTLINE_PROGRESS="0", DVC_NO_ANALYTICS="1", TOKENIZERS_PARALLELISM="false")
    env.setdefault("GIT_AUTHOR_NAME", "adaptline tests")
    env.setdefault("GIT_AUTHOR_EMAIL", "tests@adaptline.invalid")
    env.setdefault("GIT_COMMITTER_NAME", "adaptline tests")
    env.setdefault("GIT_COMMITTER_EMAIL", "tests@adaptline.invalid")
    return env


def run(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=pipeline_env(), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise _failed(result)
    return result


def _failed(result: subprocess.CompletedProcess[str]) -> AssertionError:
    return AssertionError(
        f"{' '.join(result.args)} failed ({result.returncode})\n--- stdout\n{result.stdout[-4000:]}\n"
        f"--- stderr\n{result.stderr[-6000:]}"
    )


def dvc(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run([str(VENV_BIN / "dvc"), *args], cwd, check)


class Background:
    """A `dvc` command running while the test goes on; its output goes to files beside ``cwd``
    (a pipe left unread would stall it once full)."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.args = [str(VENV_BIN / "dvc"), *args]
        self.stdout_path, self.stderr_path = cwd.parent / f"{cwd.name}.stdout", cwd.parent / f"{cwd.name}.stderr"
        with open(self.stdout_path, "w") as stdout, open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(self.args, cwd=cwd, env=pipeline_env(), stdout=stdout, stderr=stderr)

    def wait(self) -> subprocess.CompletedProcess[str]:
        """Its result once it ends; AssertionError, with the end of its output, if it failed."""
        returncode = self.process.wait()
        stdout, stderr = self.stdout_path.read_text(), self.stderr_path.read_text()
        result = subprocess.CompletedProcess(self.args, returncode, stdout, stderr)
        if returncode != 0:
            raise _failed(result)
        return result

    def stop(self) -> None:
        """End it early (the test failed already)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def tracked_files() -> list[str]:
    """Files git tracks plus untracked, not ignored ones (the working tree as a user sees it)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return sorted({name for name in out.decode().split("\0") if name and (REPO_ROOT / name).is_file()})


def copy_repo(dest: Path, params_overrides: dict[str, object] | None = None) -> Path:
    """Copy the working tree into ``dest`` as a fresh git repository with one commit.

    ``params_overrides`` maps dotted keys (``cpt.all.max_steps``) to values written into the copy's
    params.yaml, to shrink training for tests.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in tracked_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target)
    if params_overrides:
        set_params(dest, params_overrides)
    run(["git", "init", "-q", "-b", "main"], dest)
    run(["git", "add", "-A"], dest)
    run(["git", "commit", "-qm", "copy for test"], dest)
    return dest


def set_params(root: Path, overrides: dict[str, object]) -> None:
    path = root / "params.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in overrides.items():
        node = params
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node[key]
        if leaf not in node:
            raise KeyError(f"params.yaml has no key {dotted}")
        node[leaf] = value
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")


# The default pipeline with training shrunk to seconds: a 2-layer 32-wide model and a few steps per
# training stage. Every stage still runs for real; only sizes and step counts change.
FAST_PARAMS: dict[str, object] = {
    "base.vocab_size": 384,
    "base.hidden_size": 32,
    "base.num_layers": 2,
    "base.num_heads": 2,
    "base.num_kv_heads": 1,
    "base.intermediate_size": 64,
    "base.max_position": 128,
    **{f"cpt.{name}.seq_len": 64 for name in ("all", "firmware")},
    **{f"cpt.{name}.train.max_steps": 3 for name in ("all", "firmware")},
    **{f"cpt.{name}.train.eval_every": 3 for name in ("all", "firmware")},
    **{f"sft.{name}.max_length": 64 for name in ("all", "firmware")},
    **{f"sft.{name}.train.max_steps": 2 for name in ("all", "firmware")},
    **{f"sft.{name}.train.eval_every": 2 for name in ("all", "firmware")},
    "evaluate.perplexity.max_length": 64,
    "evaluate.perplexity.max_records": 20,
    "evaluate.terms.max_items": 20,
    "evaluate.terms.context_tokens": 32,
    "evaluate.pairs.max_pairs": 4,
    "evaluate.pairs.max_new_tokens": 8,
    "evaluate.pairs.max_prompt_tokens": 64,
    "qat.max_steps": 2,
    "qat.block_size": 64,
    "distill.student.hidden_size": 16,
    "distill.student.intermediate_size": 32,
    "distill.max_steps": 3,
    "distill.block_size": 64,
    "distill.speed_new_tokens": 4,
}
