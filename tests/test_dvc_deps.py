"""dvc.yaml declares, for every stage, the library code the stage runs: a change to that code must
rerun the stage, or `dvc repro` serves an artifact the current code would not make."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# Imported by every stage, and without effect on any output: a change to them need not rerun anything.
NO_EFFECT_ON_OUTPUTS = {
    "src/adaptline/log.py": "log lines and progress bars",
    "src/adaptline/stage.py": "how a stage process reports an error and exits",
}


def _module_file(name: str) -> Path | None:
    path = SRC.joinpath(*name.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def _imported_modules(path: Path) -> set[str]:
    """adaptline modules ``path`` imports anywhere (lazy imports inside functions included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return {name for name in names if name == "adaptline" or name.startswith("adaptline.")}


def library_files_run_by(entry: Path) -> set[str]:
    """The library files a stage entry imports, directly or through other library files, with the
    packages (``__init__.py``) Python runs on the way."""
    seen: set[Path] = set()
    pending = [entry]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imported_modules(path):
            parts = name.split(".")
            pending += [f for i in range(1, len(parts) + 1) if (f := _module_file(".".join(parts[:i])))]
    return {path.relative_to(ROOT).as_posix() for path in seen if path.is_relative_to(SRC)}


def _stages() -> list[tuple[str, dict]]:
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    return [(name, stage.get("do", stage)) for name, stage in stages.items()]


@pytest.mark.parametrize(("name", "stage"), _stages(), ids=[name for name, _ in _stages()])
def test_every_stage_depends_on_the_library_code_it_runs(name: str, stage: dict) -> None:
    entry = next(word for word in stage["cmd"].split() if word.startswith("stages/"))
    deps = [dep for dep in stage["deps"] if isinstance(dep, str)]
    assert entry in deps
    covered = [dep.rstrip("/") for dep in deps if dep.startswith("src/")]
    undeclared = sorted(
        path
        for path in library_files_run_by(ROOT / entry)
        if path not in NO_EFFECT_ON_OUTPUTS and not any(path == dep or path.startswith(dep + "/") for dep in covered)
    )
    assert undeclared == [], f"stage {name} runs library code dvc.yaml does not list in its deps"
    for dep in covered:  # and no dep names code that is not there
        assert (ROOT / dep).exists(), dep


def test_the_import_walk_sees_lazy_and_package_imports(tmp_path: Path) -> None:
    """The check above would pass on any dvc.yaml if the walk found nothing."""
    entry = tmp_path / "entry.py"
    entry.write_text("def main():\n    from adaptline.extract.params import ExtractParams\n")
    files = library_files_run_by(entry)
    assert {
        "src/adaptline/__init__.py",
        "src/adaptline/extract/__init__.py",
        "src/adaptline/extract/params.py",
        "src/adaptline/extract/runner.py",  # imported by the package's __init__
    } <= files
