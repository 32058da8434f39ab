"""``adaptline report``: one self-contained HTML page (inline CSS and SVG, no scripts, no network)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

import yaml

from adaptline.lineage.access import Repo
from adaptline.lineage.dvclock import read_lock, stage_edges
from adaptline.lineage.trace import HOW

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{background:#f5f5f5;padding:0 .2em}.muted{color:#777}details{margin:.3em 0}
.lvl{padding:.05em .5em;border-radius:.6em;color:#fff;font-size:.9em}
.public{background:#2e7d32}.internal{background:#1565c0}.confidential{background:#ef6c00}.restricted{background:#c62828}
svg text{font:12px system-ui,sans-serif}
"""
_DIGITS = re.compile(r"\d+")  # page, slide and sheet numbers in notes: one row per kind of note
SPLIT_COLOURS = {"train": "#1565c0", "val": "#ef6c00", "test": "#2e7d32", "none": "#9e9e9e"}


def dag_edges(repo: Repo) -> tuple[list[str], list[tuple[str, str]], str]:
    """(stages, edges, where they came from): ``dvc dag --dot``, else dvc.lock, else dvc.yaml."""
    dvc = shutil.which("dvc") or str(Path(sys.executable).parent / "dvc")
    try:
        result = subprocess.run(
            [dvc, "dag", "--dot"], cwd=repo.layout.root, capture_output=True, text=True, timeout=120
        )
        if result.returncode == 0 and "->" in result.stdout:
            edges = sorted(set(re.findall(r'"([^"]+)"\s*->\s*"([^"]+)"', result.stdout)))
            nodes = sorted(
                set(re.findall(r'^\s*"([^"]+)"\s*;?\s*$', result.stdout, re.M)) | {n for e in edges for n in e}
            )
            return nodes, edges, "dvc dag --dot"
    except (OSError, subprocess.TimeoutExpired):
        pass
    lock = read_lock(repo.layout.dvc_lock)
    if lock:
        return sorted(lock), stage_edges(lock), "dvc.lock"
    stages = {}
    if repo.layout.dvc_yaml.is_file():
        stages = (yaml.safe_load(repo.layout.dvc_yaml.read_text(encoding="utf-8")) or {}).get("stages") or {}
    outs = {
        name: [str(o if isinstance(o, str) else next(iter(o))) for o in spec.get("outs") or []]
        for name, spec in stages.items()
    }
    edges = sorted(
        {
            (up, name)
            for name, spec in stages.items()
            for dep in spec.get("deps") or []
            for up in outs
            if up != name and any(str(dep).startswith(o) for o in outs[up])
        }
    )
    return sorted(stages), edges, "dvc.yaml"


def dag_svg(nodes: list[str], edges: list[tuple[str, str]]) -> str:
    """Layered drawing: a stage's column is the length of the longest path reaching it."""
    layer = dict.fromkeys(nodes, 0)
    for _ in nodes:
        for up, down in edges:
            layer[down] = max(layer.get(down, 0), layer.get(up, 0) + 1)
    columns: dict[int, list[str]] = {}
    for node in sorted(layer, key=lambda n: (layer[n], n)):
        columns.setdefault(layer[node], []).append(node)
    box_w, box_h, gap_x, gap_y = 150, 28, 40, 14
    pos = {
        n: (10 + c * (box_w + gap_x), 10 + i * (box_h + gap_y)) for c, ns in columns.items() for i, n in enumerate(ns)
    }
    width = 20 + len(columns) * (box_w + gap_x)
    height = 20 + max((len(ns) for ns in columns.values()), default=1) * (box_h + gap_y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
        '<defs><marker id="a" markerWidth="8" markerHeight="8" refX="8" refY="4" orient="auto">'
        '<path d="M0,0L8,4L0,8z" fill="#888"/></marker></defs>',
    ]
    for up, down in edges:
        (x1, y1), (x2, y2) = pos[up], pos[down]
        parts.append(
            f'<line x1="{x1 + box_w}" y1="{y1 + box_h / 2}" x2="{x2}" y2="{y2 + box_h / 2}" '
            'stroke="#888" marker-end="url(#a)"/>'
        )
    for node, (x, y) in pos.items():
        parts.append(
            f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="5" fill="#e8f0fe" stroke="#1565c0"/>'
            f'<text x="{x + box_w / 2}" y="{y + 18}" text-anchor="middle">{escape(node)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_svg(rows: list[tuple[str, dict[str, int]]], colours: dict[str, str]) -> str:
    """Horizontal stacked bars, one per row label."""
    total = max((sum(v.values()) for _, v in rows), default=1) or 1
    scale, row_h, label_w = 500 / total, 22, 90
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + 560}" height="{row_h * len(rows) + 30}">']
    for i, (label, values) in enumerate(rows):
        y, x = 5 + i * row_h, label_w
        parts.append(f'<text x="0" y="{y + 14}">{escape(label)}</text>')
        for key, count in values.items():
            if count:
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{count * scale:.1f}" height="{row_h - 6}" '
                    f'fill="{colours.get(key, "#999")}"><title>{escape(key)}: {count}</title></rect>'
                )
                x += count * scale
        parts.append(f'<text x="{x + 4}" y="{y + 14}" class="muted">{sum(values.values())}</text>')
    legend_y = 5 + len(rows) * row_h + 14
    for j, (key, colour) in enumerate(colours.items()):
        parts.append(
            f'<rect x="{label_w + j * 80}" y="{legend_y - 10}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{label_w + j * 80 + 14}" y="{legend_y}">{escape(key)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{v}</td>' if isinstance(v, (int, float)) else f"<td>{v}</td>" for v in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _level(level: str | None) -> str:
    return f'<span class="lvl {escape(level or "")}">{escape(level or "?")}</span>'


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def composition_section(repo: Repo) -> str:
    report = _read(repo.layout.extract_report) or {"files": []}
    assignments = _read(repo.layout.assignments) or {}
    split_of = {doc_id: entry.get("split", "none") for doc_id, entry in assignments.items()}
    per_kind: dict[str, Counter[str]] = {}
    for entry in report["files"]:
        if entry.get("status") != "extracted" or not entry.get("n_records"):
            continue
        per_kind.setdefault(entry["kind"], Counter())[split_of.get(entry["doc_id"], "none")] += 1
    rows = [(kind, {s: per_kind[kind][s] for s in SPLIT_COLOURS}) for kind in sorted(per_kind)]
    table = _table(
        ["kind", *SPLIT_COLOURS, "documents"],
        [[escape(k), *[v[s] for s in SPLIT_COLOURS], sum(v.values())] for k, v in rows],
    )
    note = '<p class="muted">"none": every chunk dropped before the split (e.g. duplicates).</p>'
    return f"<h2>Corpus composition</h2><p>Documents by kind and split.</p>{bar_svg(rows, SPLIT_COLOURS)}{table}{note}"


def drops_section(repo: Repo, lineages: dict[str, dict[str, Any]]) -> str:
    report = _read(repo.layout.extract_report) or {"files": []}
    dedup = _read(repo.layout.dedup_report) or {}
    status = Counter(entry.get("status") for entry in report["files"])
    reasons = Counter(
        entry.get("reason") or "" for entry in report["files"] if entry.get("status") in ("failed", "skipped")
    )
    totals = dedup.get("totals") or {}
    rows = [
        ["extract", "failed (documents)", status["failed"]],
        ["extract", "skipped (documents)", status["skipped"]],
        ["dedup", "exact duplicates (chunks)", totals.get("dropped_exact", 0)],
        ["dedup", "near duplicates (chunks)", totals.get("dropped_near", 0)],
    ]
    html = "<h2>Drops by reason</h2>" + _table(["stage", "reason", "count"], rows)
    if reasons:
        html += "<p>Extraction failures and skips:</p>" + _table(
            ["reason", "documents"], [[escape(r), n] for r, n in sorted(reasons.items())]
        )
    noted = Counter(
        _DIGITS.sub("N", entry["reason"])
        for entry in report["files"]
        if entry.get("status") == "extracted" and entry.get("reason")
    )
    if noted:  # content left unread (an embedded drawing, a page without text), or worth knowing
        html += "<p>Extracted with notes (numbers shown as N):</p>" + _table(
            ["note", "documents"], [[escape(note), n] for note, n in sorted(noted.items())]
        )
    if lineages:
        keys = [
            k
            for k in HOW
            if any(k in lin["training_data"]["totals"]["excluded_by_reason"] for lin in lineages.values())
        ]
        html += "<p>Documents not trained on, per artifact:</p>" + _table(
            ["artifact", *[HOW[k] for k in keys]],
            [
                [escape(n), *[lin["training_data"]["totals"]["excluded_by_reason"].get(k, 0) for k in keys]]
                for n, lin in lineages.items()
            ],
        )
    return html


def metrics_section(repo: Repo) -> str:
    files = sorted(repo.layout.evaluate_dir.glob("*.json")) if repo.layout.evaluate_dir.is_dir() else []
    if not files:
        return '<h2>Metrics per model</h2><p class="muted">No evaluation metrics yet (metrics/evaluate).</p>'
    html = "<h2>Metrics per model</h2>"
    for file in files:
        models = (_read(file) or {}).get("models") or {}
        names = sorted({key for row in models.values() for key in row})
        rows = [[escape(model), *[row.get(k, "") for k in names]] for model, row in models.items()]
        html += f"<h3>adapter {escape(file.stem)}</h3>" + _table(["model", *names], rows)
    return html


def lineage_section(lineages: dict[str, dict[str, Any]]) -> str:
    if not lineages:
        return '<h2>Lineage per artifact</h2><p class="muted">No artifacts yet.</p>'
    summary = _table(
        ["artifact", "sensitivity", "built on", "documents trained", "not trained", "commit"],
        [
            [
                f'<a href="#{escape(n)}">{escape(n)}</a>',
                _level(lin["sensitivity"]),
                escape(", ".join(lin["ancestors"]) or "base"),
                lin["training_data"]["totals"]["documents_trained"],
                lin["training_data"]["totals"]["documents_excluded"],
                f"<code>{escape((lin['code'].get('commit') or 'unknown')[:12])}</code>"
                + (" (dirty)" if lin["code"].get("dirty") else ""),
            ]
            for n, lin in lineages.items()
        ],
    )
    html = "<h2>Lineage per artifact</h2>" + summary
    for name, lin in lineages.items():
        data = lin["training_data"]
        trained = _table(
            ["document", "kind", "split", "sensitivity", "chunks trained", "redactions", "sha256"],
            [
                [
                    f"<code>{escape(d['path'])}</code>",
                    escape(d["kind"]),
                    escape(str(d["split"])),
                    _level(d["sensitivity"]),
                    f"{d['chunks'].get('trained', 0)}/{d['chunks']['extracted']}",
                    escape(", ".join(f"{k} {v}" for k, v in d["redactions"].items()) or "none"),
                    f"<code>{escape((d['sha256'] or '')[:12])}</code>",
                ]
                for d in data["documents"]
            ],
        )
        excluded = _table(
            ["document", "kind", "why not", "detail"],
            [
                [
                    f"<code>{escape(d['path'])}</code>",
                    escape(str(d["kind"])),
                    escape(HOW[d["reason"]]),
                    escape(d["detail"]),
                ]
                for d in data["excluded"]
            ],
        )
        base = lin.get("base_model") or {}
        html += (
            f'<h3 id="{escape(name)}">{escape(name)} {_level(lin["sensitivity"])}</h3>'
            f"<p>Stage <code>{escape(lin['stage'])}</code>, folder <code>{escape(lin['artifact_dir'])}</code>, base "
            f"<code>{escape(base.get('path', '?'))}</code> (<code>{escape(base.get('sha256', '?')[:12])}</code>), "
            f"{len(lin['files'])} files, {len(lin['dvc_lock'])} upstream stages in dvc.lock.</p>"
            f"<details><summary>{len(data['documents'])} documents trained on</summary>{trained}</details>"
            f"<details><summary>{len(data['excluded'])} documents not trained on</summary>{excluded}</details>"
        )
    return html


def render_report(repo: Repo) -> str:
    lineages = repo.all_lineages()
    nodes, edges, source = dag_edges(repo)
    dag = dag_svg(nodes, edges) if nodes else '<p class="muted">No pipeline stages found.</p>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>adaptline report</title>'
        f"<style>{CSS}</style></head><body><h1>adaptline pipeline report</h1>"
        f"<p>Repository <code>{escape(repo.layout.root.name)}</code>; source documents under "
        f"<code>{escape(repo.source_root)}</code>. Documents are named by path only; "
        "no document content appears here.</p>"
        f'<h2>Pipeline</h2><p class="muted">From {escape(source)}.</p>{dag}'
        f"{composition_section(repo)}{drops_section(repo, lineages)}{metrics_section(repo)}{lineage_section(lineages)}"
        "</body></html>\n"
    )


def write_report(repo: Repo, output: str | Path) -> Path:
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(repo), encoding="utf-8")
    return target
