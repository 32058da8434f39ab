"""Parameters of the ``lineage`` stage (the ``lineage:`` section of params.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LineageParams:
    """What goes into model cards and how the code state is recorded.

    The sensitivity levels are not here: they are ``extract.sensitivity_levels`` (one source of truth).
    """

    card_tags: tuple[str, ...] = ("adaptline", "domain-adaptation", "electrical-engineering")  # tags on every card
    # Hugging Face ``library_name`` per artifact family (the part of the artifact name before "/").
    library_names: dict[str, str] = field(
        default_factory=lambda: {"cpt": "peft", "sft": "peft", "qat": "transformers", "student": "transformers"}
    )
    card_license: str = "other"  # ``license`` in the card front matter (the corpus is internal)
    card_max_documents: int = 50  # documents listed by name in a card; lineage.json always lists all
    # Git glob patterns whose local changes do not make the code state "dirty": DVC itself rewrites
    # dvc.lock and adds its outputs to .gitignore files while it runs, and the stages rewrite the
    # metrics and plots that git tracks (`cache: false`).
    clean_paths: tuple[str, ...] = (
        "dvc.lock",
        "**/.gitignore",
        "metrics/**",
        "dvclive/**",
        "data/**/*_report.json",
    )

    def __post_init__(self) -> None:
        if self.card_max_documents < 0:
            raise ValueError("lineage.card_max_documents must be >= 0")
