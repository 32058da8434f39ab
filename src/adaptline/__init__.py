"""adaptline: a DVC pipeline from engineering documents to domain-adapted language models, with lineage."""

from adaptline.numerics import pin_mkl_numerics

pin_mkl_numerics()  # before any matrix product in this process: see adaptline.numerics

__version__ = "0.1.0"
