"""torchao configs for a ``QuantScheme``: fake quantization (QAT prepare) and the real conversion."""

from __future__ import annotations

import torch
from torchao.quantization import Int8DynamicActivationIntxWeightConfig, IntxWeightOnlyConfig, PerGroup
from torchao.quantization.qat import IntxFakeQuantizeConfig, QATConfig

from adaptline.quantize.params import QuantScheme

_DTYPES = {"int4": torch.int4, "int8": torch.int8}


def linear_filter(scheme: QuantScheme):
    """quantize_ filter: every nn.Linear except the skipped modules (by name suffix)."""

    def keep(module: torch.nn.Module, fqn: str) -> bool:
        return isinstance(module, torch.nn.Linear) and not any(
            fqn == s or fqn.endswith("." + s) for s in scheme.skip_modules
        )

    return keep


def prepare_config(scheme: QuantScheme) -> QATConfig:
    """Fake quantization inserted for training (QAT step 'prepare')."""
    weight = IntxFakeQuantizeConfig(_DTYPES[scheme.weight_dtype], group_size=scheme.group_size, is_symmetric=True)
    activation = (
        IntxFakeQuantizeConfig(torch.int8, "per_token", is_symmetric=False)
        if scheme.activations == "int8_per_token_asym"
        else None
    )
    return QATConfig(activation_config=activation, weight_config=weight, step="prepare")


def convert_config(scheme: QuantScheme):
    """The real quantization matching ``prepare_config`` (also used for PTQ and the checkpoint)."""
    granularity = PerGroup(scheme.group_size)
    if scheme.activations == "int8_per_token_asym":
        return Int8DynamicActivationIntxWeightConfig(
            weight_dtype=_DTYPES[scheme.weight_dtype], weight_granularity=granularity
        )
    return IntxWeightOnlyConfig(weight_dtype=_DTYPES[scheme.weight_dtype], granularity=granularity)
