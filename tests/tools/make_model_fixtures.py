#!/usr/bin/env python3
"""Generate tiny random-weight model fixtures plus reference ("truth") outputs for Pagoda.

Run from the repository root (see tests/fixtures/models/README.md for the venv line):

    python tests/tools/make_model_fixtures.py

What it produces, under tests/fixtures/models/<name>/:

  * config.json, generation_config.json, model.safetensors (or sharded
    model-0000x-of-0000N.safetensors + model.safetensors.index.json): a tiny, seeded,
    random-weight checkpoint written by transformers' ``save_pretrained`` (or, for the
    THUDM "chatglm" format, written by hand from the equivalent GLM checkpoint).
  * truth.json: prompt ids, 32-step greedy continuations (native dtype and f32),
    the smallest top1-top2 logit margin seen on the f32 greedy path, the expected
    union of eos ids, versions.
  * truth.safetensors: F32 tensors ``logits_native`` and ``logits_f32``, both
    [len(prompt), vocab], for a single full-prompt forward pass.

and tests/fixtures/models/README.md describing them.

Why: the C++ engine must reproduce transformers' numerics for each supported
architecture (Qwen2, Qwen3, Llama 3 with rope scaling, GLM, GLM-4-0414, THUDM ChatGLM).
Real checkpoints are too big to commit, so we use ~100-600 KB models whose weights are
drawn with a large std (so logits are well spread and greedy decoding has clear
margins) and whose biases / norm weights are non-trivial (so a loader that drops a
bias or ignores a norm weight produces visibly wrong logits).

Truth conventions:
  * ``logits_native``: checkpoint loaded in its stored dtype, eager attention, logits
    cast to f32.  ``logits_f32``: the same checkpoint loaded with dtype=float32 (exact
    upcast of the stored weights, all math in f32).  Identical for f32 fixtures.
  * Greedy: manual loop, full recompute each step, argmax of the last position, 32
    steps, no eos stopping.
  * Config style: transformers 5 writes ``rope_parameters`` (holding rope_theta,
    rope_type, partial_rotary_factor and any scaling keys) and ``dtype``.  Real Hub
    checkpoints use the older top-level ``rope_theta`` / ``rope_scaling`` /
    ``partial_rotary_factor`` / ``torch_dtype``.  Fixtures marked ``legacy_config``
    have their config.json rewritten into that older style (transformers 5 still
    loads it; the script checks it re-parses to the same rope parameters), so the C++
    loader is exercised on both.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any

import torch
import transformers
from safetensors.torch import load_file, save_file
from transformers import (
    GenerationConfig,
    Glm4Config,
    Glm4ForCausalLM,
    GlmConfig,
    GlmForCausalLM,
    LlamaConfig,
    LlamaForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
    Qwen3Config,
    Qwen3ForCausalLM,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_ROOT = REPO_ROOT / "tests" / "fixtures" / "models"

PROMPT_LEN = 13
GREEDY_STEPS = 32
MIN_MARGIN = 1e-3
MAX_TOTAL_BYTES = 8 * 1024 * 1024

BOS_ID = 1
PAD_ID = 0

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}

ARCHS = {
    # arch key: (config class, model class)
    "qwen2": (Qwen2Config, Qwen2ForCausalLM),
    "qwen3": (Qwen3Config, Qwen3ForCausalLM),
    "llama": (LlamaConfig, LlamaForCausalLM),
    "glm": (GlmConfig, GlmForCausalLM),
    "glm4": (Glm4Config, Glm4ForCausalLM),
}

# Shapes shared by every fixture unless overridden.
BASE_CONFIG = dict(
    vocab_size=512,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=2,
    max_position_embeddings=2048,
    hidden_act="silu",
    bos_token_id=BOS_ID,
    pad_token_id=PAD_ID,
)

GLM_SHAPES = dict(
    num_attention_heads=4,
    num_key_value_heads=2,
    head_dim=16,
    attention_bias=True,
    rms_norm_eps=1.5625e-07,
)


@dataclasses.dataclass(frozen=True)
class Fixture:
    name: str
    arch: str  # key into ARCHS
    dtype: str  # key into DTYPES: stored (native) dtype of the checkpoint
    config: dict[str, Any]  # arch-specific config kwargs (merged over BASE_CONFIG)
    seed: int
    init_std: float  # std of weight matrices; also written as initializer_range
    config_eos: int | list[int]
    generation_eos: int | list[int]
    max_shard_size: str | None = None  # set to force a sharded checkpoint
    legacy_config: bool = False  # rewrite config.json to pre-transformers-5 rope keys
    note: str = ""


# seed / init_std were picked by trying a few values and keeping ones whose greedy paths
# have comfortable top1-top2 margins (f32 and native) and identical native/f32 greedy ids.
FIXTURES = [
    Fixture(
        name="qwen2-tied-f32",
        arch="qwen2",
        dtype="float32",
        config=dict(
            num_attention_heads=4,
            num_key_value_heads=2,
            tie_word_embeddings=True,
            rope_parameters={"rope_type": "default", "rope_theta": 1e6},
            rms_norm_eps=1e-6,
        ),
        seed=1015,
        init_std=0.4,
        config_eos=2,
        generation_eos=[2, 5],
        legacy_config=True,
        note="GQA 2:1, tied embeddings, q/k/v bias",
    ),
    Fixture(
        name="qwen3-gqa7-bf16-sharded",
        arch="qwen3",
        dtype="bfloat16",
        config=dict(
            num_attention_heads=7,
            num_key_value_heads=1,
            head_dim=16,
            tie_word_embeddings=False,
            rope_parameters={"rope_type": "default", "rope_theta": 1e6},
            rms_norm_eps=1e-6,
        ),
        seed=2010,
        init_std=0.4,
        config_eos=2,
        generation_eos=2,
        max_shard_size="100KB",
        note="GQA 7:1, head_dim 16 != 64/7, untied, sharded bf16, q_norm/k_norm",
    ),
    Fixture(
        name="qwen3-f32",
        arch="qwen3",
        dtype="float32",
        config=dict(
            num_attention_heads=4,
            num_key_value_heads=2,
            head_dim=32,
            tie_word_embeddings=True,
            rope_parameters={"rope_type": "default", "rope_theta": 1e6},
            rms_norm_eps=1e-6,
        ),
        seed=3003,
        init_std=0.4,
        config_eos=[2, 3],
        generation_eos=3,
        note="GQA 2:1, head_dim 32 != 64/4, tied",
    ),
    Fixture(
        name="llama3-ropescaled-f16",
        arch="llama",
        dtype="float16",
        config=dict(
            num_attention_heads=4,
            num_key_value_heads=1,
            tie_word_embeddings=False,
            rope_parameters={
                "rope_type": "llama3",
                "rope_theta": 500000.0,
                "factor": 8.0,
                "low_freq_factor": 1.0,
                "high_freq_factor": 4.0,
                "original_max_position_embeddings": 64,
            },
            rms_norm_eps=1e-5,
        ),
        seed=4006,
        init_std=0.4,
        config_eos=[2, 7],
        generation_eos=[7, 9],
        legacy_config=True,
        note="GQA 4:1, llama3 rope scaling (all three frequency bands present), f16",
    ),
    Fixture(
        name="glm-f32",
        arch="glm",
        dtype="float32",
        config=dict(
            **GLM_SHAPES,
            tie_word_embeddings=False,
            rope_parameters={"rope_type": "default", "rope_theta": 5e6, "partial_rotary_factor": 0.5},
        ),
        seed=5012,
        init_std=0.4,
        config_eos=[2, 3, 4],
        generation_eos=[2, 5],
        legacy_config=True,
        note="glm-4-9b-chat-hf layout: partial interleaved rope, fused gate_up_proj, qkv bias",
    ),
    Fixture(
        name="glm4-sandwich-f32",
        arch="glm4",
        dtype="float32",
        config=dict(
            **GLM_SHAPES,
            tie_word_embeddings=False,
            rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 0.5},
        ),
        seed=6008,
        init_std=0.4,
        config_eos=2,
        generation_eos=2,
        note="GLM-4-0414 layout: post_self_attn_layernorm / post_mlp_layernorm",
    ),
    Fixture(
        name="glm4-bf16",
        arch="glm4",
        dtype="bfloat16",
        config=dict(
            num_attention_heads=8,
            num_key_value_heads=2,
            head_dim=8,
            attention_bias=True,
            rms_norm_eps=1.5625e-07,
            tie_word_embeddings=False,
            rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 0.5},
        ),
        seed=7026,
        init_std=0.3,
        config_eos=2,
        generation_eos=2,
        note="GLM-4-0414 layout, bf16, 8 heads / 2 kv heads, head_dim 8 (rotary dim 4)",
    ),
]

# THUDM remote-code ("chatglm") fixtures: converted from an HF GLM fixture, same truth.
CHATGLM_FIXTURES = {"chatglm-f32": "glm-f32"}


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------


def eos_list(eos: int | list[int] | None) -> list[int]:
    if eos is None:
        return []
    return [eos] if isinstance(eos, int) else list(eos)


def read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, sort_keys=False) + "\n")


def expected_eos_ids(fixture_dir: Path) -> list[int]:
    """Union of eos ids from config.json and generation_config.json, as a loader should compute."""
    ids = set(eos_list(read_json(fixture_dir / "config.json").get("eos_token_id")))
    gen = fixture_dir / "generation_config.json"
    if gen.exists():
        ids |= set(eos_list(read_json(gen).get("eos_token_id")))
    return sorted(ids)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --------------------------------------------------------------------------------------
# Building and saving HF checkpoints
# --------------------------------------------------------------------------------------


def build_config(fx: Fixture):
    config_cls, _ = ARCHS[fx.arch]
    kwargs = {**BASE_CONFIG, **fx.config}
    kwargs["initializer_range"] = fx.init_std
    kwargs["eos_token_id"] = fx.config_eos
    return config_cls(**kwargs)


@torch.no_grad()
def randomize_parameters(model: torch.nn.Module, std: float, seed: int) -> None:
    """Overwrite every parameter from our own seeded generator.

    transformers' default init zeroes biases and sets norm weights to 1, which would hide
    a loader that drops biases or norm weights.  Filling everything ourselves also makes
    the weights independent of transformers' internal init order.
    """
    gen = torch.Generator().manual_seed(seed)
    for name, param in sorted(model.named_parameters(), key=lambda kv: kv[0]):
        noise = torch.randn(param.shape, generator=gen, dtype=torch.float32)
        if name.endswith("norm.weight"):  # every RMSNorm: *_layernorm, norm, q_norm, k_norm
            value = 1.0 + 0.1 * noise
        elif name.endswith(".bias"):
            value = 0.1 * noise
        else:  # embeddings and projection matrices
            value = std * noise
        param.copy_(value.to(param.dtype))


def to_legacy_config(config_path: Path) -> None:
    """Rewrite a transformers-5 config.json to the older key style used by real Hub checkpoints.

    rope_parameters {rope_theta, rope_type, partial_rotary_factor, <scaling keys>}
      -> rope_theta, partial_rotary_factor (top level), rope_scaling ({rope_type, ...} or null)
    dtype -> torch_dtype
    """
    cfg = read_json(config_path)
    rope = dict(cfg.pop("rope_parameters"))
    out: dict[str, Any] = {}
    for key, value in cfg.items():
        if key == "dtype":
            out["torch_dtype"] = value
            continue
        out[key] = value
    out["rope_theta"] = rope.pop("rope_theta")
    if "partial_rotary_factor" in rope:
        out["partial_rotary_factor"] = rope.pop("partial_rotary_factor")
    out["rope_scaling"] = None if rope.get("rope_type", "default") == "default" else rope
    write_json(config_path, dict(sorted(out.items())))


def save_hf_fixture(fx: Fixture, out_dir: Path) -> None:
    _, model_cls = ARCHS[fx.arch]
    torch.manual_seed(fx.seed)
    config = build_config(fx)
    model = model_cls(config)  # built in f32; cast to the stored dtype just before saving
    randomize_parameters(model, fx.init_std, fx.seed)
    model.to(DTYPES[fx.dtype])
    model.generation_config = GenerationConfig(
        bos_token_id=BOS_ID, eos_token_id=fx.generation_eos, pad_token_id=PAD_ID
    )
    save_kwargs = {"safe_serialization": True}
    if fx.max_shard_size is not None:
        save_kwargs["max_shard_size"] = fx.max_shard_size
    model.save_pretrained(out_dir, **save_kwargs)

    if fx.legacy_config:
        to_legacy_config(out_dir / "config.json")
        reloaded = type(config).from_pretrained(out_dir)
        assert reloaded.rope_parameters == config.rope_parameters, (
            fx.name,
            reloaded.rope_parameters,
            config.rope_parameters,
        )

    if fx.max_shard_size is not None:
        shards = sorted(out_dir.glob("model-*-of-*.safetensors"))
        assert len(shards) >= 2 and (out_dir / "model.safetensors.index.json").exists(), fx.name


# --------------------------------------------------------------------------------------
# Truth computation
# --------------------------------------------------------------------------------------


def load_model(model_cls, fixture_dir: Path, dtype: torch.dtype):
    model = model_cls.from_pretrained(fixture_dir, dtype=dtype, attn_implementation="eager")
    model.eval()
    for name, param in model.named_parameters():
        assert param.dtype == dtype, (fixture_dir.name, name, param.dtype)
    return model


@torch.no_grad()
def forward_logits(model, prompt: list[int]) -> torch.Tensor:
    out = model(input_ids=torch.tensor([prompt]), use_cache=False)
    return out.logits[0].float()


@torch.no_grad()
def greedy(model, prompt: list[int], steps: int) -> tuple[list[int], float]:
    """Full-recompute greedy decoding. Returns (generated ids, min top1-top2 margin)."""
    ids = list(prompt)
    min_margin = math.inf
    for _ in range(steps):
        logits = forward_logits(model, ids)[-1]
        top2 = torch.topk(logits, 2).values
        min_margin = min(min_margin, float(top2[0] - top2[1]))
        ids.append(int(torch.argmax(logits)))
    return ids[len(prompt):], min_margin


def make_prompt(seed: int, vocab_size: int) -> list[int]:
    gen = torch.Generator().manual_seed(seed + 1)
    return torch.randint(0, vocab_size, (PROMPT_LEN,), generator=gen).tolist()


def compute_truth(fx: Fixture, fixture_dir: Path) -> dict[str, Any]:
    _, model_cls = ARCHS[fx.arch]
    prompt = make_prompt(fx.seed, BASE_CONFIG["vocab_size"])
    torch.manual_seed(fx.seed)

    native = load_model(model_cls, fixture_dir, DTYPES[fx.dtype])
    logits_native = forward_logits(native, prompt)
    greedy_native, margin_native = greedy(native, prompt, GREEDY_STEPS)
    del native

    f32 = load_model(model_cls, fixture_dir, torch.float32)
    logits_f32 = forward_logits(f32, prompt)
    greedy_f32, margin_f32 = greedy(f32, prompt, GREEDY_STEPS)
    del f32

    if fx.dtype == "float32":
        assert torch.equal(logits_native, logits_f32), fx.name
        assert greedy_native == greedy_f32, fx.name
    assert margin_f32 >= MIN_MARGIN, f"{fx.name}: f32 greedy margin {margin_f32} < {MIN_MARGIN}; retune seed/std"

    save_file(
        {"logits_native": logits_native.contiguous(), "logits_f32": logits_f32.contiguous()},
        str(fixture_dir / "truth.safetensors"),
    )
    eos_ids = expected_eos_ids(fixture_dir)
    first_eos = next((i for i, tok in enumerate(greedy_f32) if tok in eos_ids), None)
    truth = {
        "architecture": read_json(fixture_dir / "config.json")["architectures"][0],
        "dtype": fx.dtype,
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "seed": fx.seed,
        "prompt_ids": prompt,
        "greedy_ids_native": greedy_native,
        "greedy_ids_f32": greedy_f32,
        "min_greedy_margin_f32": margin_f32,
        "min_greedy_margin_native": margin_native,
        "expected_eos_ids": eos_ids,
        # index into greedy_ids_f32 of the first eos id (null if none): where an engine
        # that does stop on eos should stop.
        "first_eos_index_f32": first_eos,
        "bos_token_id": BOS_ID,
        "config_style": "legacy" if fx.legacy_config else "transformers5",
    }
    write_json(fixture_dir / "truth.json", truth)
    return truth


# --------------------------------------------------------------------------------------
# Architecture-specific checks
# --------------------------------------------------------------------------------------


def check_llama3_bands(fixture_dir: Path) -> dict[str, list[int]]:
    """Assert the llama3 rope scaling leaves some frequencies alone, scales some, smooths some."""
    config = LlamaConfig.from_pretrained(fixture_dir)
    rope = config.rope_parameters
    head_dim = config.head_dim
    inv_freq = 1.0 / (rope["rope_theta"] ** (torch.arange(0, head_dim, 2, dtype=torch.float) / head_dim))
    wavelen = 2 * math.pi / inv_freq
    old_ctx = rope["original_max_position_embeddings"]
    low_wavelen = old_ctx / rope["low_freq_factor"]
    high_wavelen = old_ctx / rope["high_freq_factor"]
    bands = {"unscaled": [], "interpolated": [], "scaled": []}
    for i, w in enumerate(wavelen.tolist()):
        if w < high_wavelen:
            bands["unscaled"].append(i)
        elif w > low_wavelen:
            bands["scaled"].append(i)
        else:
            bands["interpolated"].append(i)
    assert all(bands.values()), f"llama3 rope bands not all exercised: {bands}"

    # And the model really uses the scaled frequencies.
    model = LlamaForCausalLM(config)
    used = model.model.rotary_emb.inv_freq
    assert not torch.allclose(used, inv_freq), "llama3 scaling had no effect"
    return bands


# --------------------------------------------------------------------------------------
# THUDM ChatGLM conversion
# --------------------------------------------------------------------------------------


def chatglm_config(glm_cfg: dict[str, Any]) -> dict[str, Any]:
    rope_theta = glm_cfg["rope_theta"] if "rope_theta" in glm_cfg else glm_cfg["rope_parameters"]["rope_theta"]
    partial = glm_cfg.get("partial_rotary_factor", glm_cfg.get("rope_parameters", {}).get("partial_rotary_factor"))
    assert partial == 0.5, "THUDM ChatGLM always rotates exactly half of each head"
    rope_ratio = rope_theta / 10000.0
    assert rope_ratio == int(rope_ratio)
    return {
        "architectures": ["ChatGLMModel"],
        "model_type": "chatglm",
        "add_bias_linear": False,
        "add_qkv_bias": True,
        "apply_query_key_layer_scaling": True,
        "apply_residual_connection_post_layernorm": False,
        "attention_dropout": 0.0,
        "attention_softmax_in_fp32": True,
        "bos_token_id": glm_cfg["bos_token_id"],
        "eos_token_id": eos_list(glm_cfg["eos_token_id"]),
        "ffn_hidden_size": glm_cfg["intermediate_size"],
        "fp32_residual_connection": False,
        "hidden_dropout": 0.0,
        "hidden_size": glm_cfg["hidden_size"],
        "kv_channels": glm_cfg["head_dim"],
        "layernorm_epsilon": glm_cfg["rms_norm_eps"],
        "multi_query_attention": True,
        "multi_query_group_num": glm_cfg["num_key_value_heads"],
        "num_attention_heads": glm_cfg["num_attention_heads"],
        "num_layers": glm_cfg["num_hidden_layers"],
        "original_rope": True,
        "pad_token_id": glm_cfg["pad_token_id"],
        "padded_vocab_size": glm_cfg["vocab_size"],
        "post_layer_norm": True,
        "rmsnorm": True,
        "rope_ratio": int(rope_ratio),
        "seq_length": glm_cfg["max_position_embeddings"],
        "tie_word_embeddings": False,
        "torch_dtype": glm_cfg.get("torch_dtype", glm_cfg.get("dtype")),
        "transformers_version": transformers.__version__,
        "use_cache": True,
    }


def chatglm_tensors(glm: dict[str, torch.Tensor], cfg: dict[str, Any]) -> dict[str, torch.Tensor]:
    """Rename / fuse HF Glm tensors into the THUDM ChatGLM layout."""
    out = {
        "transformer.embedding.word_embeddings.weight": glm["model.embed_tokens.weight"],
        "transformer.encoder.final_layernorm.weight": glm["model.norm.weight"],
        "transformer.output_layer.weight": glm["lm_head.weight"],
    }
    for i in range(cfg["num_layers"]):
        src = f"model.layers.{i}."
        dst = f"transformer.encoder.layers.{i}."
        attn = src + "self_attn."
        out[dst + "input_layernorm.weight"] = glm[src + "input_layernorm.weight"]
        for kind in ("weight", "bias"):
            out[dst + f"self_attention.query_key_value.{kind}"] = torch.cat(
                [glm[attn + f"q_proj.{kind}"], glm[attn + f"k_proj.{kind}"], glm[attn + f"v_proj.{kind}"]], dim=0
            )
        out[dst + "self_attention.dense.weight"] = glm[attn + "o_proj.weight"]
        out[dst + "post_attention_layernorm.weight"] = glm[src + "post_attention_layernorm.weight"]
        out[dst + "mlp.dense_h_to_4h.weight"] = glm[src + "mlp.gate_up_proj.weight"]  # [gate; up]
        out[dst + "mlp.dense_4h_to_h.weight"] = glm[src + "mlp.down_proj.weight"]

    # Real THUDM checkpoints carry the rotary buffer: RotaryEmbedding(dim=kv_channels // 2,
    # base=10000 * rope_ratio), inv_freq = 1 / base^(arange(0, dim, 2) / dim).
    rot_dim = cfg["kv_channels"] // 2
    base = 10000.0 * cfg["rope_ratio"]
    out["transformer.rotary_pos_emb.inv_freq"] = 1.0 / (
        base ** (torch.arange(0, rot_dim, 2, dtype=torch.float32) / rot_dim)
    )
    # Every HF tensor is used exactly once: per layer 11 HF tensors -> 7 ChatGLM tensors
    # (q/k/v weight+bias fused into 2); embed/norm/lm_head map 1:1; inv_freq is extra.
    layers = cfg["num_layers"]
    assert len(glm) == 3 + 11 * layers and len(out) == 4 + 7 * layers, (len(glm), len(out))
    return {k: v.contiguous() for k, v in out.items()}


@torch.no_grad()
def chatglm_reference_logits(t: dict[str, torch.Tensor], cfg: dict[str, Any], prompt: list[int]) -> torch.Tensor:
    """Independent f32 forward pass over the THUDM tensor layout (no transformers code).

    Used only to check the conversion: fused qkv row order, [gate; up] order, and the
    interleaved partial rope driven by the stored inv_freq must reproduce glm-f32's logits.
    """
    t = {k: v.float() for k, v in t.items()}
    heads, kv_heads, hd = cfg["num_attention_heads"], cfg["multi_query_group_num"], cfg["kv_channels"]
    eps = cfg["layernorm_epsilon"]
    seq = len(prompt)

    def rms(x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    inv_freq = t["transformer.rotary_pos_emb.inv_freq"]
    angles = torch.arange(seq, dtype=torch.float32)[:, None] * inv_freq[None, :]  # [seq, rot/2]
    cos, sin = angles.cos()[:, None, :], angles.sin()[:, None, :]
    rot = 2 * inv_freq.numel()

    def rope(x):  # x: [seq, n, hd]; rotate pairs (2i, 2i+1) of the first `rot` dims
        x_rot, x_pass = x[..., :rot], x[..., rot:]
        even, odd = x_rot[..., 0::2], x_rot[..., 1::2]
        rotated = torch.stack([even * cos - odd * sin, odd * cos + even * sin], dim=-1).flatten(-2)
        return torch.cat([rotated, x_pass], dim=-1)

    causal = torch.full((seq, seq), float("-inf")).triu(1)
    h = t["transformer.embedding.word_embeddings.weight"][torch.tensor(prompt)]
    for i in range(cfg["num_layers"]):
        p = f"transformer.encoder.layers.{i}."
        x = rms(h, t[p + "input_layernorm.weight"])
        qkv = x @ t[p + "self_attention.query_key_value.weight"].T + t[p + "self_attention.query_key_value.bias"]
        q, k, v = qkv.split([heads * hd, kv_heads * hd, kv_heads * hd], dim=-1)
        q = rope(q.view(seq, heads, hd))
        k = rope(k.view(seq, kv_heads, hd)).repeat_interleave(heads // kv_heads, dim=1)
        v = v.view(seq, kv_heads, hd).repeat_interleave(heads // kv_heads, dim=1)
        scores = torch.einsum("qhd,khd->hqk", q, k) / math.sqrt(hd) + causal
        ctx = torch.einsum("hqk,khd->qhd", scores.softmax(-1), v).reshape(seq, heads * hd)
        h = h + ctx @ t[p + "self_attention.dense.weight"].T
        x = rms(h, t[p + "post_attention_layernorm.weight"])
        gate, up = (x @ t[p + "mlp.dense_h_to_4h.weight"].T).chunk(2, dim=-1)
        h = h + (torch.nn.functional.silu(gate) * up) @ t[p + "mlp.dense_4h_to_h.weight"].T
    h = rms(h, t["transformer.encoder.final_layernorm.weight"])
    return h @ t["transformer.output_layer.weight"].T


def make_chatglm_fixture(name: str, source_dir: Path, out_dir: Path) -> dict[str, Any]:
    glm_cfg = read_json(source_dir / "config.json")
    cfg = chatglm_config(glm_cfg)
    write_json(out_dir / "config.json", cfg)
    shutil.copyfile(source_dir / "generation_config.json", out_dir / "generation_config.json")
    tensors = chatglm_tensors(load_file(str(source_dir / "model.safetensors")), cfg)
    save_file(tensors, str(out_dir / "model.safetensors"), metadata={"format": "pt"})

    shutil.copyfile(source_dir / "truth.safetensors", out_dir / "truth.safetensors")
    truth = read_json(source_dir / "truth.json")
    ref = chatglm_reference_logits(tensors, cfg, truth["prompt_ids"])
    expected = load_file(str(source_dir / "truth.safetensors"))["logits_f32"]
    max_err = float((ref - expected).abs().max())
    assert max_err < 1e-3, f"{name}: THUDM-layout reference forward differs from {source_dir.name} by {max_err}"
    print(f"  {name}: independent THUDM-layout forward matches {source_dir.name} logits (max |diff| {max_err:.2e})")

    truth["architecture"] = cfg["architectures"][0]
    truth["truth_source"] = source_dir.name
    truth["config_style"] = "chatglm"
    assert expected_eos_ids(out_dir) == truth["expected_eos_ids"], name
    write_json(out_dir / "truth.json", truth)
    return truth


# --------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------

README_HEADER = """\
python3 -m venv /tmp/truthvenv && /tmp/truthvenv/bin/pip install -r tests/tools/requirements.txt && /tmp/truthvenv/bin/python tests/tools/make_model_fixtures.py

# Model fixtures (generated; do not edit by hand)

The line above, run from the repository root, regenerates every directory here
(CPU only, deterministic, takes well under a minute). The generator is
`tests/tools/make_model_fixtures.py`; its docstring explains the conventions.

Each directory is a tiny random-weight checkpoint (2 layers, hidden 64, vocab 512)
plus reference outputs from transformers:

* `config.json`, `generation_config.json`, `model*.safetensors`
  (+ `model.safetensors.index.json` when sharded).
* `truth.json`: `prompt_ids` (13 ids), `greedy_ids_native` / `greedy_ids_f32`
  (32 greedy steps, full recompute, no eos stopping), `min_greedy_margin_f32`
  (smallest top1-top2 logit gap on the f32 greedy path; asserted >= 1e-3),
  `min_greedy_margin_native` (same for the native-dtype run; informational, may be
  tiny or 0 for bf16/f16 logits), `expected_eos_ids` (sorted union of
  config.json and generation_config.json eos ids), `first_eos_index_f32` (index in
  `greedy_ids_f32` of the first eos id, or null: the greedy ids are produced without
  eos stopping, so an engine that stops on eos should stop there), `config_style`,
  versions, seed.
* `truth.safetensors`: F32 `logits_native` and `logits_f32`, shape [13, 512], for the
  prompt. `native` = checkpoint run in its stored dtype (eager attention);
  `f32` = same weights upcast exactly to f32, all math in f32.

`config_style`: `transformers5` = config.json exactly as transformers 5 saves it
(`rope_parameters` dict, `dtype`); `legacy` = rewritten to the pre-v5 keys real Hub
checkpoints use (top-level `rope_theta`, `rope_scaling`, `partial_rotary_factor`,
`torch_dtype`); `chatglm` = THUDM remote-code config.

`chatglm-f32` holds exactly the weights of `glm-f32`, renamed/fused into the THUDM
layout (`query_key_value` = rows [q; k; v], `dense_h_to_4h` = rows [gate; up], plus
`transformer.rotary_pos_emb.inv_freq`); its truth files are copies of `glm-f32`'s. The
generator checks the conversion with an independent forward pass over the THUDM layout.

| fixture | architecture | dtype | config style | expected eos | min f32 margin | size | notes |
|---|---|---|---|---|---|---|---|
"""


def write_readme(rows: list[tuple[str, dict[str, Any], str]]) -> None:
    lines = [README_HEADER]
    for name, truth, note in rows:
        size_kib = dir_size(OUT_ROOT / name) / 1024
        lines.append(
            f"| `{name}` | {truth['architecture']} | {truth['dtype']} | {truth['config_style']} | "
            f"{truth['expected_eos_ids']} | {truth['min_greedy_margin_f32']:.4f} | {size_kib:.0f} KiB | {note} |\n"
        )
    (OUT_ROOT / "README.md").write_text("".join(lines))


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def main() -> int:
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)

    OUT_ROOT.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, dict[str, Any], str]] = []

    for fx in FIXTURES:
        fixture_dir = fresh_dir(OUT_ROOT / fx.name)
        save_hf_fixture(fx, fixture_dir)
        if fx.arch == "llama" and fx.config["rope_parameters"]["rope_type"] == "llama3":
            bands = check_llama3_bands(fixture_dir)
            print(f"  {fx.name}: llama3 rope bands (frequency index i of theta^(-2i/d)): {bands}")
        truth = compute_truth(fx, fixture_dir)
        rows.append((fx.name, truth, fx.note))
        print(
            f"{fx.name:28s} margin_f32={truth['min_greedy_margin_f32']:.4f} "
            f"margin_native={truth['min_greedy_margin_native']:.4f} "
            f"native==f32 greedy: {truth['greedy_ids_native'] == truth['greedy_ids_f32']}"
        )

    for name, source in CHATGLM_FIXTURES.items():
        truth = make_chatglm_fixture(name, OUT_ROOT / source, fresh_dir(OUT_ROOT / name))
        rows.append((name, truth, f"THUDM remote-code layout of `{source}` (same truth)"))
        print(f"{name:28s} (converted from {source})")

    write_readme(rows)
    total = dir_size(OUT_ROOT)
    print(f"total size of {OUT_ROOT.relative_to(REPO_ROOT)}: {total / 1024:.0f} KiB")
    assert total < MAX_TOTAL_BYTES, total
    return 0


if __name__ == "__main__":
    sys.exit(main())
