"""Lineage and audit: from every model artifact to its source documents, and back.

- ``run_lineage``: the ``lineage`` stage (lineage.json + model card per artifact, index.json).
- ``Repo``: a pipeline checkout as the ``adaptline`` command reads it (``trace``, ``verify``, ``report``).
"""

from adaptline.lineage.access import Repo
from adaptline.lineage.build import build_all, run_lineage
from adaptline.lineage.corpus import LineageError
from adaptline.lineage.layout import Layout
from adaptline.lineage.params import LineageParams

__all__ = ["Layout", "LineageError", "LineageParams", "Repo", "build_all", "run_lineage"]
