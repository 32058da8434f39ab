"""Document families: documents that share enough duplicate content to belong in one split.

Dedup keeps one item per cluster, so no two *kept* records are near-duplicates. But two revisions
of a report share most chunks: the shared chunks collapse to one, the edited chunks survive in
both documents, and putting rev_A in train and rev_B in test would still leak. The ``split`` stage
therefore keeps each family whole. A family link needs a *substantial* share, so a licence header
or company footer repeated in every file does not chain the whole corpus into one family:

    shared(a, b) = sum over clusters c holding both of min(chars_a(c), chars_b(c))
    link(a, b)  <=>  shared(a, b) >= family_min_shared * min(chars(a), chars(b))

(chars = normalised characters, dropped records included). A cluster spanning more than
``max_docs`` documents is boilerplate (a licence header in 300 tiny C files can be most of each
file) and links nothing. Otherwise adding documents can only merge clusters, and ``min`` is
superadditive, so links are never lost when the corpus grows: families only grow, which is what
keeps the split stable. The one exception: a cluster growing past ``max_docs`` stops linking;
``boilerplate_clusters`` in the dedup report counts them so that such a change is visible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol


class FamilyItem(Protocol):
    """What family linking needs of a dedup item."""

    normalized: str
    records: list


def _doc_chars(item: FamilyItem) -> tuple[str, int]:
    """(document, normalised characters) of an item; an item never spans two documents."""
    return item.records[0].doc_id, max(len(item.normalized), 1)


def document_links(
    items: Iterable[FamilyItem], clusters: Sequence[Sequence[FamilyItem]], min_shared: float, max_docs: int
) -> list[dict[str, object]]:
    """Sorted pairs of distinct documents linked by shared duplicate content, with the shared fraction."""
    totals: dict[str, int] = defaultdict(int)
    for item in items:
        doc_id, count = _doc_chars(item)
        totals[doc_id] += count
    per_cluster: list[dict[str, int]] = []
    clusters_of: dict[str, list[int]] = defaultdict(list)
    for cluster in clusters:
        chars: dict[str, int] = defaultdict(int)
        for item in cluster:
            doc_id, count = _doc_chars(item)
            chars[doc_id] += count
        if not 2 <= len(chars) <= max_docs:
            continue
        per_cluster.append(dict(chars))
        for doc_id in chars:
            clusters_of[doc_id].append(len(per_cluster) - 1)
    # Only a document whose duplicated share reaches min_shared can be the smaller side of a link
    # (shared(a, b) <= its duplicated chars), which prunes big boilerplate clusters cheaply.
    duplicated = {d: sum(per_cluster[c][d] for c in cs) for d, cs in clusters_of.items()}
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for doc_a in sorted(clusters_of):
        if duplicated[doc_a] < min_shared * totals[doc_a]:
            continue
        for c in clusters_of[doc_a]:
            for doc_b, chars_b in per_cluster[c].items():
                if doc_b == doc_a or (totals[doc_b], doc_b) < (totals[doc_a], doc_a):
                    continue  # each pair counted once, from its smaller document
                shared[(doc_a, doc_b)] += min(per_cluster[c][doc_a], chars_b)
    links = []
    for (doc_a, doc_b), count in shared.items():
        fraction = count / min(totals[doc_a], totals[doc_b])
        if fraction >= min_shared:
            a, b = sorted((doc_a, doc_b))
            links.append({"a": a, "b": b, "shared": round(min(fraction, 1.0), 4)})
    links.sort(key=lambda link: (link["a"], link["b"]))
    return links
