"""The ``extract`` stage: raw documents (docx, pptx, xlsx, pdf, C) -> provenance-carrying records."""

from adaptline.extract.params import ExtractParams, SensitivityRule
from adaptline.extract.runner import ExtractStageError, run_extract

__all__ = ["ExtractParams", "ExtractStageError", "SensitivityRule", "run_extract"]
