"""The ``adaptline`` command: trace, verify and report on the models this pipeline produced.

    adaptline trace cpt/all              source documents behind an artifact
    adaptline trace --doc PATH           every artifact a document reached, and how
    adaptline trace --sha256 DIGEST      the same, for the document with these bytes
    adaptline verify cpt/all [--max-level internal]
    adaptline report [--output reports/index.html]

Every subcommand takes ``--repo-root`` (default: the current directory) and ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

EXIT_FAILED = 1  # verify found a problem
EXIT_ERROR = 2  # bad arguments or unreadable pipeline state
EXIT_BROKEN_PIPE = 141  # the reader of stdout went away (`| head`): as a shell reports a SIGPIPE death
PRODUCER = "https://github.com/adaptline/adaptline"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--repo-root", default=".", help="the adaptline repository (default: current directory)")
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser = argparse.ArgumentParser(
        prog="adaptline", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    trace = commands.add_parser(
        "trace",
        parents=[common],
        help="documents behind an artifact, or artifacts a document reached",
        description="List the source documents behind ARTIFACT (trained on, and not trained on with the reason), "
        "or with --doc every artifact a document reached and how.",
    )
    trace.add_argument("artifact", nargs="?", help="artifact name (cpt/all) or folder (models/cpt/all)")
    trace.add_argument(
        "--doc",
        metavar="PATH",
        help="a source document (relative to the corpus folder, or any path); a file outside the corpus (a copy, an "
        "attachment) is matched by its bytes",
    )
    trace.add_argument("--sha256", metavar="DIGEST", help="a document's sha256 (its doc id), or its first 8+ digits")
    trace.add_argument(
        "--format", choices=("text", "json", "openlineage"), default="text",
        help="openlineage: an OpenLineage RunEvent (JSON) for ARTIFACT; nothing is sent",
    )  # fmt: skip

    verify = commands.add_parser(
        "verify",
        parents=[common],
        help="recompute hashes of an artifact and its sources",
        description="Recompute the artifact's file hashes and its source documents' hashes and compare them with "
        "its manifest, lineage.json and dvc.lock. Exits 1 naming anything missing or changed.",
    )
    verify.add_argument("artifacts", nargs="*", metavar="ARTIFACT", help="artifact names or folders")
    verify.add_argument("--all", action="store_true", help="verify every artifact")
    verify.add_argument("--max-level", metavar="LEVEL", help="fail if an artifact is more sensitive than LEVEL")

    report = commands.add_parser(
        "report",
        parents=[common],
        help="write a self-contained HTML report",
        description="Write one HTML page: the pipeline DAG, corpus composition by kind and split, drops by "
        "reason, metrics per model and lineage per artifact.",
    )
    report.add_argument("--output", default="reports/index.html", help="HTML file to write (relative to --repo-root)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)

    from adaptline.config import ParamsError
    from adaptline.lineage import LineageError, Repo
    from adaptline.lineage.dvclock import LockError

    try:
        repo = Repo.open(args.repo_root)
        if args.command == "trace":
            return _trace(parser, repo, args)
        if args.command == "verify":
            return _verify(parser, repo, args)
        return _report(repo, args)
    except (LineageError, LockError, ParamsError, ValueError) as error:
        print(f"adaptline {args.command}: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # output piped into `head` and the like, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush cannot fail again
        return EXIT_BROKEN_PIPE


def _trace(parser: argparse.ArgumentParser, repo: Any, args: argparse.Namespace) -> int:
    from adaptline.lineage.trace import openlineage_event, trace_artifact, trace_content, trace_file

    if sum(given is not None for given in (args.artifact, args.doc, args.sha256)) != 1:
        parser.error("trace: give exactly one of ARTIFACT, --doc PATH or --sha256 DIGEST")
    if args.doc is not None or args.sha256 is not None:
        if args.format == "openlineage":
            parser.error("trace: --format openlineage needs an ARTIFACT")
        result = trace_file(repo, args.doc) if args.doc is not None else trace_content(repo, args.sha256)
        _emit(result, args.json or args.format == "json", _content_text if "documents" in result else _document_text)
        return 0
    name = repo.resolve(args.artifact)
    if args.format == "openlineage":
        _emit(openlineage_event(repo, name, PRODUCER), True, str)
        return 0
    _emit(trace_artifact(repo, name), args.json or args.format == "json", _artifact_text)
    return 0


def _verify(parser: argparse.ArgumentParser, repo: Any, args: argparse.Namespace) -> int:
    from adaptline.lineage.verify import verify_artifact

    if args.all == bool(args.artifacts):
        parser.error("verify: give ARTIFACT(s) or --all")
    if args.max_level is not None and args.max_level not in repo.levels:
        parser.error(f"verify: --max-level must be one of {', '.join(repo.levels)}")
    names = repo.artifact_names() if args.all else [repo.resolve(a) for a in args.artifacts]
    results = [verify_artifact(repo, name, args.max_level) for name in names]
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2, sort_keys=True))
    else:
        for result in results:
            checked = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in result.checked.items())
            print(f"{'OK  ' if result.ok else 'FAIL'} {result.artifact} (sensitivity {result.sensitivity}; {checked})")
            for problem in result.problems:
                print(f"  - {problem}")
            for note in result.notes:
                print(f"  note: {note}")
    return 0 if all(r.ok for r in results) else EXIT_FAILED


def _report(repo: Any, args: argparse.Namespace) -> int:
    from adaptline.lineage.report import write_report

    output = Path(args.output)
    target = write_report(repo, output if output.is_absolute() else repo.layout.root / output)
    if args.json:
        print(json.dumps({"report": target.as_posix()}))
    else:
        print(f"wrote {target}")
    return 0


def _emit(data: dict[str, Any], as_json: bool, text: Any) -> None:
    print(json.dumps(data, indent=2, sort_keys=True) if as_json else text(data))


def _artifact_text(data: dict[str, Any]) -> str:
    lines = [
        f"{data['artifact']} ({data['artifact_dir']}): sensitivity {data['sensitivity']}; "
        f"built on {', '.join(data['ancestors']) or 'the base model'}",
        "" if data["from_lineage_file"] else "(no lineage.json yet: computed from the current pipeline outputs)",
        f"Trained on {len(data['documents'])} document(s) under {data['source_root']}:",
    ]
    for doc in data["documents"]:
        redactions = ", ".join(f"{k} {v}" for k, v in doc["redactions"].items()) or "none"
        others = ", ".join(f"{n} {fate}" for fate, n in doc["chunks"].items() if fate not in ("extracted", "trained"))
        lines.append(
            f"  {doc['path']}  [{doc['kind']}, {doc['split']}, {doc['sensitivity']}] "
            f"chunks {doc['chunks'].get('trained', 0)}/{doc['chunks']['extracted']}"
            + (f" ({others})" if others else "")
            + f", redactions: {redactions}, sha256 {doc['sha256'][:12]}"
        )
    lines.append(f"Not trained on {len(data['excluded'])} document(s):")
    for doc in data["excluded"]:
        lines.append(f"  {doc['path']}  [{doc['kind'] or '?'}] {doc['reason']}: {doc['detail']}")
    return "\n".join(line for line in lines if line)


def _content_text(data: dict[str, Any]) -> str:
    paths = len(data["documents"])
    where = f"{paths} corpus paths hold" if paths > 1 else "the corpus holds"
    head = f"{data['query']} is in no lineage by path; {where} its bytes" if data.get("by_content") else where + " it"
    lines = [f"sha256 {data['sha256']}: {head}."]
    return "\n".join([*lines, *(_document_text(document) for document in data["documents"])])


def _document_text(data: dict[str, Any]) -> str:
    state = {True: "unchanged", False: "CHANGED since lineage", None: "missing on disk"}[data["unchanged"]]
    lines = [f"{data['source_root']}/{data['document']} (sha256 {(data['sha256'] or '?')[:12]}, {state}):"]
    for entry in data["artifacts"]:
        via = f" (via {', '.join(entry['via'])})" if entry["via"] and entry["via"] != [entry["artifact"]] else ""
        lines.append(f"  {entry['artifact']}: {entry['detail']}{via}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
