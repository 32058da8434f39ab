"""Where the pipeline's outputs live, relative to the repository root (docs/architecture.md).

The lineage stage gets every path as an argument from dvc.yaml; the ``adaptline`` command, run by a
person in the repository, uses these defaults (``--repo-root`` moves all of them at once).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    """Absolute paths of the files lineage reads and writes."""

    root: Path
    params: Path
    dvc_lock: Path
    dvc_yaml: Path
    extract_report: Path
    extracted: Path
    scrubbed: Path
    dedup_report: Path
    assignments: Path
    models_dir: Path
    evaluate_dir: Path
    lineage_dir: Path

    @classmethod
    def default(cls, root: str | Path = ".") -> Layout:
        base = Path(root).resolve()
        return cls(
            root=base,
            params=base / "params.yaml",
            dvc_lock=base / "dvc.lock",
            dvc_yaml=base / "dvc.yaml",
            extract_report=base / "data/extracted/extract_report.json",
            extracted=base / "data/extracted/records.jsonl",
            scrubbed=base / "data/scrubbed/records.jsonl",
            dedup_report=base / "data/dedup/dedup_report.json",
            assignments=base / "data/split/assignments.json",
            models_dir=base / "models",
            evaluate_dir=base / "metrics/evaluate",
            lineage_dir=base / "lineage",
        )

    def with_paths(self, **paths: str | Path | None) -> Layout:
        """Override some paths (relative ones are taken from the current directory, like a shell)."""
        given = {name: Path(value).resolve() for name, value in paths.items() if value is not None}
        return replace(self, **given)

    def rel(self, path: str | Path) -> str:
        """``path`` relative to the repository root (posix), or as given when outside it."""
        target = Path(path).resolve()
        try:
            return target.relative_to(self.root).as_posix()
        except ValueError:
            return target.as_posix()
