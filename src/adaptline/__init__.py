"""adaptline: a DVC pipeline from engineering documents to domain-adapted language models, with lineage."""

__version__ = "0.1.0"
