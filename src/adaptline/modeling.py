"""Building, saving and loading the models every training stage shares, without a model hub.

The ``tiny`` base model is a byte-level BPE tokenizer trained on the train split plus a small
Llama-architecture model initialised from a config with a fixed seed. Everything else in the
pipeline (CPT, SFT, QAT, distillation, evaluation) loads through ``load_base`` / ``load_merged``
so a model is always read the same way: from local files only, in float32 unless asked otherwise.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import torch

from adaptline.cache import cache_key
from adaptline.imports import hide_for_this_process
from adaptline.log import quiet_model_library_notices
from adaptline.manifest import hash_tree
from adaptline.numerics import warm_up_vml
from adaptline.records import write_json

warm_up_vml()  # every stage that runs a model imports this module first: see adaptline.numerics
quiet_model_library_notices()
if not torch.cuda.is_available():
    # bitsandbytes only serves 4-bit (nf4, QLoRA) training, which needs CUDA; the cpt stage refuses
    # nf4 without it. peft and transformers' trainer utilities import it whenever it is installed,
    # and it sets up torch.compile machinery as it loads: ~1.4 s of every stage process that
    # trains or loads an adapter. Without CUDA they see it as not installed.
    hide_for_this_process("bitsandbytes")

PathLike = str | os.PathLike[str]

BASE_MANIFEST_NAME = "base_manifest.json"
PAD, BOS, EOS = "<pad>", "<s>", "</s>"
ROLE_TOKENS = ("<|system|>", "<|user|>", "<|assistant|>")

# One role marker per message, each message closed by EOS; the generation prompt opens the
# assistant turn. Role markers are special tokens, so they are single ids the model can learn.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + eos_token + '\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|assistant|>\n' }}{%- endif -%}"
)


@contextlib.contextmanager
def torch_threads(threads: int) -> Iterator[None]:
    """Run torch's CPU ops on ``threads`` threads inside the block (0: leave torch's default)."""
    if threads <= 0:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def offline() -> None:
    """Never reach a model hub from a pipeline stage (an explicit hub id opts out in ``load_hub``)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def train_tokenizer(texts: Iterable[str], vocab_size: int, min_frequency: int = 2):
    """A byte-level BPE tokenizer trained on ``texts`` with pad/bos/eos, role tokens and a chat template.

    Byte-level means no text is ever out of vocabulary. On a small corpus BPE may stop merging
    before ``vocab_size``: size the model with ``len(tokenizer)``, not ``vocab_size``.
    The tokenizer adds no special tokens by itself; the data code frames documents as
    BOS + text + EOS explicitly (CPT packing and evaluation agree on that framing).
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    core.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=[PAD, BOS, EOS, *ROLE_TOKENS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    core.train_from_iterator(texts, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        additional_special_tokens=list(ROLE_TOKENS),
        model_max_length=1 << 30,
        clean_up_tokenization_spaces=False,
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def build_tiny_model(
    tokenizer,
    hidden_size: int,
    num_layers: int,
    num_heads: int,
    intermediate_size: int,
    max_position: int,
    seed: int,
    num_kv_heads: int | None = None,
):
    """A randomly initialised Llama sized from params; the same seed gives the same weights."""
    from transformers import LlamaConfig, LlamaForCausalLM, set_seed

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=intermediate_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        num_key_value_heads=num_kv_heads or num_heads,
        max_position_embeddings=max_position,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
    )
    set_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model.eval()


def save_base(model, tokenizer, out_dir: PathLike) -> dict[str, Any]:
    """Save model + tokenizer and write ``base_manifest.json`` (sha256 per file and a combined hash)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return write_base_manifest(out)


def base_model_ref(base_dir: PathLike) -> dict[str, str]:
    """``{"path", "sha256"}`` of a saved base model, for ``ArtifactManifest.base_model``."""
    manifest = json.loads((Path(base_dir) / BASE_MANIFEST_NAME).read_text(encoding="utf-8"))
    return {"path": Path(base_dir).as_posix(), "sha256": manifest["sha256"]}


def load_tokenizer(model_dir: PathLike):
    from transformers import AutoTokenizer

    offline()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    if tokenizer.pad_token is None:  # some hub models ship without one; padding is masked anyway
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_base(model_dir: PathLike, dtype: torch.dtype = torch.float32, device: str | None = None, **kwargs: Any):
    """(model, tokenizer) of a local Hugging Face model directory, in eval mode.

    ``kwargs`` go to ``from_pretrained`` (``attn_implementation``, ``quantization_config``, ...).
    """
    from transformers import AutoModelForCausalLM

    offline()
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=dtype, local_files_only=True, **kwargs)
    if device:
        model = model.to(device)
    return model.eval(), load_tokenizer(model_dir)


def load_merged(
    base_dir: PathLike,
    adapter_dirs: Sequence[PathLike],
    dtype: torch.dtype = torch.float32,
    device: str | None = None,
):
    """Base model with each PEFT adapter applied in order and merged into the weights.

    This is how a stacked artifact is materialised: SFT adapters were trained on base+CPT merged,
    so ``load_merged(base, [cpt, sft])`` reproduces the model the SFT adapter was trained on top of.
    A directory without ``adapter_config.json`` is a full model (``cpt.method: full``) and replaces
    the weights so far.
    """
    from peft import PeftModel

    model, tokenizer = load_base(base_dir, dtype=dtype, device=device)
    for adapter in adapter_dirs:
        if not (Path(adapter) / "adapter_config.json").is_file():
            model = load_base(adapter, dtype=dtype, device=device)[0]
            continue
        model = PeftModel.from_pretrained(model, str(adapter), local_files_only=True).merge_and_unload()
    return model.eval(), tokenizer


def load_hub(model_id: str, dtype: torch.dtype = torch.float32):
    """(model, tokenizer) from a hub id; only for the ``base`` stage when the user asks for one."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(model_id, dtype=dtype)
    tokenizer = AutoTokenizer.from_pretrained(model_id)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model.eval(), tokenizer


def write_base_manifest(out_dir: PathLike) -> dict[str, Any]:
    """Hash a saved model directory: sha256 per file and one combined hash (of the sorted file map).

    The manifest holds no path, so the same weights give the same bytes wherever they live.
    """
    out = Path(out_dir)
    files = hash_tree(out, exclude=(BASE_MANIFEST_NAME,))
    manifest = {"files": files, "sha256": cache_key(files)}
    write_json(out / BASE_MANIFEST_NAME, manifest)
    return manifest
