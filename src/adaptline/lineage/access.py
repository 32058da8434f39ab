"""Finding an artifact's lineage from the command line: stored lineage.json, else computed now."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adaptline.config import ParamsError, load_section, read_params_file
from adaptline.extract.params import ExtractParams
from adaptline.lineage.build import build_all, find_manifests, load_lineage
from adaptline.lineage.corpus import LineageError
from adaptline.lineage.layout import Layout
from adaptline.lineage.params import LineageParams
from adaptline.manifest import MANIFEST_NAME


@dataclass
class Repo:
    """A pipeline checkout as the ``adaptline`` command sees it."""

    layout: Layout
    params: LineageParams
    source_root: str  # extract.input_dir
    levels: tuple[str, ...]  # extract.sensitivity_levels, low to high
    _computed: dict[str, dict[str, Any]] | None = None

    @classmethod
    def open(cls, root: str | Path) -> Repo:
        layout = Layout.default(root)
        if not layout.params.is_file():
            raise LineageError(f"no params.yaml in {layout.root}: is --repo-root the adaptline repository?")
        extract = load_section(ExtractParams, "extract", layout.params)
        has_lineage = "lineage" in read_params_file(layout.params)
        params = load_section(LineageParams, "lineage", layout.params) if has_lineage else LineageParams()
        return cls(layout, params, extract.input_dir, tuple(extract.sensitivity_levels))

    def artifact_names(self) -> list[str]:
        """Artifacts with a stored lineage, else with a manifest."""
        index = self.layout.lineage_dir / "index.json"
        if index.is_file():
            return [entry["artifact"] for entry in json.loads(index.read_text(encoding="utf-8"))["artifacts"]]
        return sorted(find_manifests(self.layout))

    def resolve(self, artifact: str) -> str:
        """An artifact name (``cpt/all``) from a name or an artifact folder path."""
        candidate = Path(artifact)
        for folder in (candidate, self.layout.root / candidate):
            manifest = folder / MANIFEST_NAME
            if manifest.is_file():
                return json.loads(manifest.read_text(encoding="utf-8"))["artifact"]
        name = artifact.strip("/")
        if name.startswith("models/"):
            name = name[len("models/") :]
        known = self.artifact_names()
        if name in known or (self.layout.lineage_dir / name / "lineage.json").is_file():
            return name
        listed = ", ".join(known) or "none (run `dvc repro`)"
        raise LineageError(f"unknown artifact {artifact!r}; known artifacts: {listed}")

    def lineage(self, name: str) -> tuple[dict[str, Any], bool]:
        """(lineage of ``name``, whether it was read from lineage.json rather than computed now)."""
        stored = load_lineage(self.layout, name)
        if stored is not None:
            return stored, True
        computed = self.computed()
        if name not in computed:
            raise LineageError(f"no lineage and no manifest for {name}")
        return computed[name], False

    def computed(self) -> dict[str, dict[str, Any]]:
        if self._computed is None:
            try:
                self._computed = build_all(self.layout, self.params, self.source_root, self.levels)
            except ParamsError as error:
                raise LineageError(str(error)) from None
        return self._computed

    def all_lineages(self) -> dict[str, dict[str, Any]]:
        return {name: self.lineage(name)[0] for name in self.artifact_names()}
