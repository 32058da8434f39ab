"""Training stages: base model, continued pretraining (CPT), instruction pairs, SFT."""

from adaptline.training.params import (
    AdapterSpec,
    BaseParams,
    CptParams,
    LoraParams,
    SftDataParams,
    SftParams,
    TrainParams,
)

__all__ = ["AdapterSpec", "BaseParams", "CptParams", "LoraParams", "SftDataParams", "SftParams", "TrainParams"]
