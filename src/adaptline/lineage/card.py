"""Model cards: Hugging Face README.md with YAML front matter, written from a lineage dict.

Everything in a card comes from lineage.json (paths, hashes, counts, levels, metrics), so a card
can never show document content.
"""

from __future__ import annotations

from typing import Any

import yaml

from adaptline.lineage.params import LineageParams


def front_matter(lineage: dict[str, Any], params: LineageParams) -> dict[str, Any]:
    family = lineage["artifact"].split("/")[0]
    base = lineage.get("base_model") or {}
    metrics = (lineage.get("evaluation") or {}).get("metrics") or {}
    tags = [
        *params.card_tags,
        family,
        f"adapter-{lineage['adapter']}",
        f"sensitivity-{lineage['sensitivity']}",
        *(["gguf"] if any(name.endswith(".gguf") for name in lineage["files"]) else []),
    ]
    matter: dict[str, Any] = {
        "base_model": base.get("path", ""),
        "library_name": params.library_names.get(family, "transformers"),
        "license": params.card_license,
        "tags": tags,
        "sensitivity": lineage["sensitivity"],
    }
    if metrics:
        matter["metrics"] = sorted(metrics)
        matter["model-index"] = [
            {
                "name": lineage["artifact"],
                "results": [
                    {
                        "task": {"type": "text-generation"},
                        "dataset": {"name": "adaptline held-out test split", "type": "adaptline", "split": "test"},
                        "metrics": [{"type": key, "name": key, "value": metrics[key]} for key in sorted(metrics)],
                    }
                ],
            }
        ]
    return matter


def model_card(lineage: dict[str, Any], params: LineageParams) -> str:
    """The README.md of one artifact."""
    data = lineage["training_data"]
    totals = data["totals"]
    code = lineage.get("code") or {}
    base = lineage.get("base_model") or {}
    lines = [
        "---",
        yaml.safe_dump(front_matter(lineage, params), sort_keys=False, allow_unicode=True).rstrip(),
        "---",
        "",
        f"# {lineage['artifact']}",
        "",
        f"Made by the `{lineage['stage']}` stage of adaptline for adapter `{lineage['adapter']}` "
        f"from `{base.get('path', '?')}` (sha256 `{base.get('sha256', '?')}`).",
        "",
        "## Access control",
        "",
        f"**Sensitivity: {lineage['sensitivity']}** — the highest level among the documents it was trained on "
        f"(levels, low to high: {', '.join(lineage['sensitivity_levels'])}). Restrict access to this model "
        "like the most sensitive of its training documents.",
        "",
        "## Provenance",
        "",
        f"- code commit: `{code.get('commit') or 'unknown'}`"
        + (" (with uncommitted changes)" if code.get("dirty") else ""),
        f"- built on: {', '.join(lineage['ancestors']) or 'the base model only'}",
        f"- artifact files: {len(lineage['files'])}; full hashes, dvc.lock entries and params in `lineage.json`",
        f"- check it: `adaptline verify {lineage['artifact']}`; "
        f"list its sources: `adaptline trace {lineage['artifact']}`",
        "",
        "## Training data",
        "",
        f"{totals['documents_trained']} source documents ({totals['records_trained']} chunks) reached the training "
        f"set; {totals['documents_excluded']} did not.",
        "",
        *_table(
            ["kind", "documents"],
            [[kind, str(count)] for kind, count in totals["trained_by_kind"].items()],
        ),
        "",
    ]
    if totals["excluded_by_reason"]:
        lines += [
            "Documents not trained on, by reason:",
            "",
            *_table(["reason", "documents"], [[r, str(n)] for r, n in totals["excluded_by_reason"].items()]),
            "",
        ]
    shown = data["documents"][: params.card_max_documents]
    if shown:
        lines += [
            "Documents trained on" + (f" (first {len(shown)})" if len(shown) < len(data["documents"]) else "") + ":",
            "",
            *_table(
                ["document", "kind", "sensitivity", "chunks trained", "redactions"],
                [
                    [
                        f"`{doc['path']}`",
                        doc["kind"],
                        doc["sensitivity"],
                        f"{doc['chunks'].get('trained', 0)}/{doc['chunks']['extracted']}",
                        ", ".join(f"{k} {v}" for k, v in doc["redactions"].items()) or "none",
                    ]
                    for doc in shown
                ],
            ),
            "",
        ]
    metrics = (lineage.get("evaluation") or {}).get("metrics") or {}
    if metrics:
        lines += [
            "## Evaluation",
            "",
            f"On the held-out test split (`{lineage['evaluation']['source']}`):",
            "",
            *_table(
                ["metric", "value"], [[k, f"{v:.6g}" if isinstance(v, float) else str(v)] for k, v in metrics.items()]
            ),
            "",
        ]
    if lineage.get("warnings"):
        lines += ["## Warnings", "", *[f"- {w}" for w in lineage["warnings"]], ""]
    return "\n".join(lines)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return out
