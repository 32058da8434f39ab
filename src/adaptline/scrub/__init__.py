"""The ``scrub`` stage: remove personal data and secrets from records, keep engineering language."""

from adaptline.scrub.params import SUPPORTED_ENTITIES, ScrubParams
from adaptline.scrub.runner import SCRUBBER_VERSION, ScrubError, run_scrub

__all__ = ["SCRUBBER_VERSION", "SUPPORTED_ENTITIES", "ScrubError", "ScrubParams", "run_scrub"]
