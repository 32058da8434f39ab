"""The embedded sample corpus of electrical-engineering documents, and builders for test documents.

- ``generate_sample_corpus(out_dir)``: the hand-written corpus committed as data/sample
  (design reviews, test reports, decks, BOMs, specs, a C firmware tree), byte-identical per run.
- ``generate_corpus(out_dir, n_docs, seed)``: a synthetic corpus of any size for benchmarks.
- ``build_docx`` / ``build_pptx`` / ``build_xlsx`` / ``build_pdf`` / ``write_c``: one small
  document of each kind from given text, for the tests of later stages.
- ``planted.PLANTED_PII`` / ``planted.JARGON``: what the scrub stage must remove / keep.
"""

from adaptline.samples.corpus import generate_corpus, generate_sample_corpus, sample_documents, write_term_lists
from adaptline.samples.firmware import write_c
from adaptline.samples.ooxml import DocMeta, Formula, SheetSpec, SlideSpec, build_docx, build_pptx, build_xlsx
from adaptline.samples.pdf import build_pdf
from adaptline.samples.planted import JARGON, PLANTED_PII

__all__ = [
    "JARGON",
    "PLANTED_PII",
    "DocMeta",
    "Formula",
    "SheetSpec",
    "SlideSpec",
    "build_docx",
    "build_pdf",
    "build_pptx",
    "build_xlsx",
    "generate_corpus",
    "generate_sample_corpus",
    "sample_documents",
    "write_c",
    "write_term_lists",
]
