"""Parameters of the ``split`` stage (``params.yaml`` section ``split``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SplitParams:
    """Train/val/test ratios and the salt of the stable document hash."""

    train: float = 0.8
    val: float = 0.1
    test: float = 0.1
    # Salt of the per-document hash. Changing it reshuffles every document (a new experiment);
    # keep it fixed to keep splits stable as the corpus grows.
    salt: str = "adaptline-split-v1"
    # The leakage audit fails the stage on any cross-split pair at or above the dedup threshold.
    fail_on_leak: bool = True

    def __post_init__(self) -> None:
        ratios = (self.train, self.val, self.test)
        if any(r < 0 for r in ratios) or abs(sum(ratios) - 1.0) > 1e-9:
            raise ValueError(f"split ratios must be non-negative and sum to 1, got {ratios}")
