"""Test-wide settings: offline hubs, quiet progress bars, deterministic single-threaded torch."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ADAPTLINE_PROGRESS", "0")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("DVC_NO_ANALYTICS", "1")


@pytest.fixture(scope="session")
def sample_pipeline(tmp_path_factory):
    """A git + DVC copy of this repository with the whole pipeline reproduced once (FAST_PARAMS) and
    committed. Shared by the end-to-end tests: they read it, or copy it before changing anything."""
    from pipeline_copy import FAST_PARAMS, copy_repo, dvc, run

    root = copy_repo(tmp_path_factory.mktemp("sample_pipeline") / "repo", FAST_PARAMS)
    repro = dvc(root, "repro")
    (root.parent / "repro.log").write_text(repro.stdout + repro.stderr, encoding="utf-8")  # beside the repo
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-qm", "corpus v1"], root)
    return root
