#!/usr/bin/env python3
"""GGUF model fixtures made by llama.cpp itself, with llama.cpp's own logits as their truth (issue 18, item 7).

    bash tests/perf/run_cpu_bench.sh --setup-only      # build/perf-venv + the llama-cpp-python sdist and build
    build/perf-venv/bin/python tests/tools/make_gguf_model_fixtures.py

(tests/tools/requirements-gguf-models.txt pins what that venv holds.) For each architecture (qwen2, qwen3, llama,
glm4) the script

  1. writes a tiny seeded random-weight Hugging Face checkpoint (2 layers, hidden 256, intermediate 256, 4 heads of
     64, 2 KV heads: every matrix row is a multiple of 256 long, so llama.cpp's k-quants apply to every matrix with
     no fallback) with large weights and non-trivial norms and biases, as make_model_fixtures.py does, and a
     byte-level BPE tokenizer trained with `tokenizers` on tests/tools/tokenizer_corpus.py's corpus, using the
     family's own pre-tokenizer regex, special tokens and chat template;
  2. converts it with llama.cpp's convert_hf_to_gguf.py (from the llama-cpp-python sdist) to an F32 GGUF;
  3. quantizes that with llama.cpp's quantizer (llama_cpp.llama_model_quantize) to Q8_0 and Q4_K_M; the `llama`
     one also to Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K_M, Q5_K_M and Q6_K, so that every block format Pagoda reads
     appears in a real llama.cpp file; the qwen3 Q4_K_M is also written split in two (-0000N-of-00002.gguf) by
     llama.cpp's own split writer (converter --split-max-tensors, then the quantizer with keep_split);
  4. runs llama.cpp on every file: 12 prompt ids (ids, so no tokenizer is involved) decoded in one batch with the
     logits of every position, then 16 greedy tokens one llama_decode at a time, with the top1-top2 margin of each
     step, and stores them (truth.json, truth.safetensors);
  5. measures what a tolerance must absorb: llama.cpp on the F32 file against transformers on the same checkpoint,
     llama.cpp with 1 thread against 2, llama.cpp's default context settings (f16 KV cache, flash attention auto)
     against the truth's (f32 KV cache, no flash attention), and llama.cpp on each
     quantized file against transformers in f32 on that file's weights dequantized by gguf-py (what remains is
     llama.cpp's 8-bit quantization of the activations).

Only the quantized files and their truth are committed (the F32 files are 4 MB each; they are rebuilt here for the
measurements). The README written next to the fixtures lists every file's tensor types, sizes and the measurements.
Internal sub-command: `_convert` runs the converter in a fresh interpreter (it imports its own vendored gguf-py).
"""

from __future__ import annotations

import argparse
import ctypes
import dataclasses
import hashlib
import importlib.metadata
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "tests" / "tools"
DEFAULT_OUT = REPO / "tests" / "fixtures" / "gguf-models"
DEFAULT_WORK = REPO / "build" / "gguf-model-fixtures"
DEFAULT_LLAMA_SRC = REPO / "build" / "perf-src" / "llama_cpp_python-0.3.36"
TEMPLATES = REPO / "tests" / "fixtures" / "chat_templates" / "templates"

PROMPT_LEN = 12
GREEDY_STEPS = 16
N_CTX = 64
THREADS = 2
MAX_COMMITTED_BYTES = 8 * 1024 * 1024

# Shapes shared by every architecture. hidden, intermediate and heads*head_dim are all 256: the row length (ne0)
# of every matrix is then a multiple of QK_K = 256 and llama.cpp quantizes each to the k-quant asked for.
SHAPES = dict(hidden_size=256, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
              num_key_value_heads=2, head_dim=64, vocab_size=512, max_position_embeddings=4096,
              hidden_act="silu")
# Weight scales. Embeddings (also the tied LM head) are wide, so logits spread over several units; the other matrices
# are near 1/sqrt(fan_in) so that activations keep their size through the layers and attention stays soft. Larger
# matrix weights (make_model_fixtures.py's 0.4 at hidden 64, i.e. 3.2/sqrt(fan_in)) make a chaotic network: there,
# llama.cpp's 8-bit rounding of the activations alone moved the logits by half their spread, and no tolerance that
# small could tell a wrong kernel from a right one.
EMBED_STD = float(os.environ.get("GGUF_FIXTURE_EMBED_STD", 0.2))
MATRIX_STD = float(os.environ.get("GGUF_FIXTURE_MATRIX_STD", 0.08))


@dataclasses.dataclass(frozen=True)
class Arch:
    name: str                 # fixture directory prefix
    hf_class: str             # transformers class
    config: dict[str, Any]    # over SHAPES
    regex: str                # the family's pre-tokenizer split regex (as in its tokenizer.json)
    tokpre: str               # tokenizer.ggml.pre that llama.cpp knows this regex by
    ignore_merges: bool
    specials: list[str]
    bos: str | None           # bos token; added in front of every encoding when add_bos
    add_bos: bool
    eos: str
    template: str             # file under tests/fixtures/chat_templates/templates
    seed: int
    quants: list[str]
    split: str | None = None  # also write this quant split in two
    note: str = ""


QWEN_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
              r"|\s+(?!\S)|\s+")
LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"]
ALL_QUANTS = ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_M", "Q5_K_M", "Q6_K"]

ARCHS = [
    Arch("qwen2", "Qwen2ForCausalLM",
         dict(tie_word_embeddings=True, rope_theta=1e6, rms_norm_eps=1e-6),
         QWEN_REGEX, "qwen2", False, QWEN_SPECIALS, None, False, "<|im_end|>",
         "Qwen-Qwen2.5-7B-Instruct.jinja", 1801, ["Q8_0", "Q4_K_M"],
         note="tied embeddings (token_embd is also the LM head), q/k/v bias"),
    Arch("qwen3", "Qwen3ForCausalLM",
         dict(tie_word_embeddings=True, rope_theta=1e6, rms_norm_eps=1e-6),
         QWEN_REGEX, "qwen2", False, QWEN_SPECIALS, None, False, "<|im_end|>",
         "Qwen3-tokenizer_config.jinja", 1802, ["Q8_0", "Q4_K_M"], split="Q4_K_M",
         note="tied embeddings, per-head q/k RMSNorm"),
    Arch("llama", "LlamaForCausalLM",
         dict(tie_word_embeddings=False, rms_norm_eps=1e-5,
              rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                            "original_max_position_embeddings": 64}, rope_theta=500000.0),
         LLAMA3_REGEX, "llama-bpe", True,
         ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
         "<|begin_of_text|>", True, "<|eot_id|>", "meta-llama-Llama-3.2-3B-Instruct.jinja", 1803,
         ["Q8_0", "Q4_K_M", "mixed"],
         note="untied LM head; the converter permutes Q and K rows for llama.cpp's rope; llama3 rope scaling "
              "(the converter writes rope_freqs.weight)"),
    Arch("glm4", "Glm4ForCausalLM",
         dict(tie_word_embeddings=False, rms_norm_eps=1e-5, attention_bias=True,
              rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 0.5}),
         LLAMA3_REGEX, "glm4", True,
         ["<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>", "<|system|>", "<|user|>",
          "<|assistant|>", "<|observation|>"],
         None, False, "<|user|>", "THUDM-GLM-4-9B-0414.jinja", 1804, ["Q8_0", "Q4_K_M"],
         note="GLM-4-0414: untied, q/k/v bias, partial interleaved rope (half of head_dim), post-attention and "
              "post-MLP norms, fused gate/up"),
]

# The "mixed" file: one llama.cpp-quantized file in which every block type Pagoda reads holds some matrix (through
# the quantizer's per-tensor type overrides, llama-quantize --tensor-type). One file instead of one per ftype keeps the
# committed fixtures small (the per-ftype files of the `llama` model are written with --all-ftypes, not committed).
GGML_TYPES = {"F16": 1, "Q4_0": 2, "Q4_1": 3, "Q5_0": 6, "Q5_1": 7, "Q8_0": 8, "Q2_K": 10, "Q3_K": 11, "Q4_K": 12,
              "Q5_K": 13, "Q6_K": 14, "BF16": 30}
MIXED = {
    "token_embd.weight": "Q6_K",
    "blk.0.attn_q.weight": "Q4_0", "blk.0.attn_k.weight": "Q4_1", "blk.0.attn_v.weight": "Q5_0",
    "blk.0.attn_output.weight": "Q5_1", "blk.0.ffn_gate.weight": "Q2_K", "blk.0.ffn_up.weight": "Q3_K",
    "blk.0.ffn_down.weight": "Q4_K",
    "blk.1.attn_q.weight": "Q5_K", "blk.1.attn_k.weight": "Q8_0", "blk.1.attn_v.weight": "BF16",
    "blk.1.attn_output.weight": "F16", "blk.1.ffn_gate.weight": "Q4_0", "blk.1.ffn_up.weight": "Q6_K",
    "blk.1.ffn_down.weight": "Q5_0",
}

FTYPES = {"F32": 0, "F16": 1, "Q4_0": 2, "Q4_1": 3, "Q8_0": 7, "Q5_0": 8, "Q5_1": 9, "Q2_K": 10, "Q3_K_M": 12,
          "Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18}


def log(msg: str) -> None:
    print(f"[make_gguf_model_fixtures] {msg}", file=sys.stderr, flush=True)


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=1, ensure_ascii=False) + "\n")


def version(pkg: str) -> str:
    try:
        return importlib.metadata.version(pkg)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


# ------------------------------------------------------------------------------------------------------------------
# 1. The Hugging Face checkpoint and its tokenizer.
# ------------------------------------------------------------------------------------------------------------------

def train_tokenizer(arch: Arch, out: Path) -> dict[str, int]:
    """A byte-level BPE over the tokenizer corpus with the family's pre-tokenizer; specials after the merges."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    sys.path.insert(0, str(TOOLS))
    import tokenizer_corpus

    texts = [text for _, text in tokenizer_corpus.cases()]
    tok = Tokenizer(models.BPE(ignore_merges=arch.ignore_merges))
    if arch.name.startswith("qwen"):
        tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(arch.regex), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=SHAPES["vocab_size"] - len(arch.specials), show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[])
    tok.train_from_iterator(texts * 4, trainer)
    tok.add_special_tokens(arch.specials)
    ids = {s: tok.token_to_id(s) for s in arch.specials}
    if arch.add_bos:
        tok.post_processor = processors.TemplateProcessing(
            single=f"{arch.bos} $A", pair=f"{arch.bos} $A {arch.bos} $B", special_tokens=[(arch.bos, ids[arch.bos])])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.save(str(out / "tokenizer.json"))
    assert tok.get_vocab_size() <= SHAPES["vocab_size"], tok.get_vocab_size()
    config = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": SHAPES["max_position_embeddings"],
              "eos_token": arch.eos, "bos_token": arch.bos, "pad_token": arch.specials[0],
              "add_bos_token": arch.add_bos, "add_eos_token": False, "clean_up_tokenization_spaces": False,
              "chat_template": (TEMPLATES / arch.template).read_text()}
    write_json(out / "tokenizer_config.json", config)
    return {**ids, "_trained": tok.get_vocab_size() - len(arch.specials)}


def randomize_parameters(model, seed: int) -> None:
    """Every parameter from our own seeded generator, as make_model_fixtures.py does (transformers' init zeroes
    biases and sets norms to 1, which would hide a loader that drops them), with the scales above."""
    import torch

    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in sorted(model.named_parameters(), key=lambda kv: kv[0]):
            noise = torch.randn(param.shape, generator=gen, dtype=torch.float32)
            if name.endswith("norm.weight"):
                value = 1.0 + 0.1 * noise
            elif name.endswith(".bias"):
                value = 0.1 * noise
            elif "embed_tokens" in name or "lm_head" in name:
                value = EMBED_STD * noise
            else:
                value = MATRIX_STD * noise
            param.copy_(value)


def make_hf_checkpoint(arch: Arch, out: Path) -> dict[str, int]:
    import torch
    import transformers
    from transformers import GenerationConfig

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    ids = train_tokenizer(arch, out)
    kwargs = {**SHAPES, **arch.config, "initializer_range": MATRIX_STD,
              "bos_token_id": ids[arch.bos] if arch.bos else None, "eos_token_id": ids[arch.eos],
              "pad_token_id": ids[arch.specials[0]]}
    config_cls = getattr(transformers, arch.hf_class.replace("ForCausalLM", "Config"))
    model_cls = getattr(transformers, arch.hf_class)
    torch.manual_seed(arch.seed)
    model = model_cls(config_cls(**kwargs))
    randomize_parameters(model, arch.seed)
    model.generation_config = GenerationConfig(bos_token_id=kwargs["bos_token_id"], eos_token_id=kwargs["eos_token_id"],
                                               pad_token_id=kwargs["pad_token_id"])
    model.save_pretrained(out, safe_serialization=True)
    return ids


# ------------------------------------------------------------------------------------------------------------------
# 2. llama.cpp's converter, in its own interpreter.
# ------------------------------------------------------------------------------------------------------------------

def convert_main(argv: list[str]) -> None:
    """`_convert LLAMA_SRC TOKPRE converter-args...`: convert_hf_to_gguf.main() with one method patched.

    The converter identifies a BPE pre-tokenizer by hashing the ids its tokenizer gives for a fixed text, and only
    knows the hashes of published tokenizers; ours are trained here, so no hash can match, although each uses
    exactly the pre-tokenizer regex of the family whose name we give (qwen2, llama-bpe, glm4). Patching
    get_vocab_base_pre to return that name is the converter's own override for an unknown hash; nothing else in
    the conversion changes."""
    src, tokpre, *args = argv
    root = Path(src) / "vendor" / "llama.cpp"
    sys.path.insert(0, str(root))
    sys.argv = ["convert_hf_to_gguf.py", *args]
    import convert_hf_to_gguf  # puts root/gguf-py on sys.path itself
    from conversion import base

    base.TextModel.get_vocab_base_pre = lambda self, tokenizer: tokpre
    convert_hf_to_gguf.main()


def convert(args: argparse.Namespace, arch: Arch, hf_dir: Path, out: Path, extra: list[str] = ()) -> None:
    cmd = [sys.executable, __file__, "_convert", str(args.llama_cpp_src), arch.tokpre, str(hf_dir), "--outtype", "f32",
           "--outfile", str(out), *extra]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"convert_hf_to_gguf.py failed for {hf_dir}:\n{p.stderr[-3000:]}")


# ------------------------------------------------------------------------------------------------------------------
# 3. llama.cpp's quantizer and 4. llama.cpp's logits.
# ------------------------------------------------------------------------------------------------------------------

_LOG_CALLBACK = None


def llama_init():
    import llama_cpp as L

    global _LOG_CALLBACK
    if _LOG_CALLBACK is None:
        _LOG_CALLBACK = L.llama_log_callback(lambda level, text, user: None)
        L.llama_log_set(_LOG_CALLBACK, ctypes.c_void_p())
        L.llama_backend_init()
    return L


def quantize(src: Path, out: Path, quant: str, keep_split: bool = False) -> None:
    L = llama_init()
    params = L.llama_model_quantize_default_params()
    params.ftype = FTYPES["Q4_K_M" if quant == "mixed" else quant]
    params.nthread = THREADS
    params.keep_split = keep_split
    if quant == "mixed":
        overrides = (L.llama_model_tensor_override * (len(MIXED) + 1))()
        for i, (name, kind) in enumerate(MIXED.items()):
            overrides[i].pattern = ("^" + name.replace(".", "\\.") + "$").encode()
            overrides[i].type = GGML_TYPES[kind]
        overrides[len(MIXED)].pattern = None
        params.tt_overrides = overrides
    rc = L.llama_model_quantize(str(src).encode(), str(out).encode(), ctypes.byref(params))
    if rc != 0:
        sys.exit(f"llama_model_quantize({src} -> {quant}) returned {rc}")


@dataclasses.dataclass(frozen=True)
class RunSettings:
    threads: int = THREADS
    f32_kv: bool = True          # f32 KV cache (llama.cpp's default is f16)
    flash_attn: int = 0          # LLAMA_FLASH_ATTN_TYPE_DISABLED (default: -1, auto)
    # llama.cpp's default is on: weights go to the "extra" CPU buffer types (AMX tiles, repacked 8x8 layouts) where
    # the CPU has them. Off here: on the machine these fixtures were made on (a VM whose CPUID reports AMX) every AMX
    # kernel dies with SIGILL, and off is the plain ggml CPU path every x86 CPU runs (activations quantized to Q8_0 /
    # Q8_1 / Q8_K per block, integer dot products), which is also what Pagoda's kernels copy.
    extra_bufts: bool = False

    def describe(self) -> dict[str, Any]:
        return {"n_threads": self.threads, "n_ctx": N_CTX, "n_batch": N_CTX, "n_ubatch": N_CTX,
                "type_k": "f32" if self.f32_kv else "f16", "type_v": "f32" if self.f32_kv else "f16",
                "flash_attn_type": {0: "disabled", -1: "auto", 1: "enabled"}[self.flash_attn],
                "use_extra_bufts": self.extra_bufts, "use_mmap": True}


def llama_run(path: Path, prompt: list[int], settings: RunSettings) -> dict[str, Any]:
    """llama.cpp on `path`: logits of every prompt position (one batch), then GREEDY_STEPS greedy tokens, each
    decoded alone on top of the KV cache, with that step's logits and top1-top2 margin."""
    import numpy as np

    L = llama_init()
    mparams = L.llama_model_default_params()
    mparams.use_extra_bufts = settings.extra_bufts
    model = L.llama_model_load_from_file(str(path).encode(), mparams)
    if not model:
        sys.exit(f"llama.cpp could not load {path}")
    cparams = L.llama_context_default_params()
    cparams.n_ctx = cparams.n_batch = cparams.n_ubatch = N_CTX
    cparams.n_seq_max = 1
    cparams.n_threads = cparams.n_threads_batch = settings.threads
    cparams.flash_attn_type = settings.flash_attn
    if settings.f32_kv:
        cparams.type_k = cparams.type_v = L.GGML_TYPE_F32
    ctx = L.llama_init_from_model(model, cparams)
    if not ctx:
        sys.exit(f"llama_init_from_model failed for {path}")
    n_vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))
    batch = L.llama_batch_init(N_CTX, 0, 1)

    def decode(tokens: list[int], start: int) -> np.ndarray:
        for i, t in enumerate(tokens):
            batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.seq_id[i][0] = t, start + i, 1, 0
            batch.logits[i] = True
        batch.n_tokens = len(tokens)
        rc = L.llama_decode(ctx, batch)
        if rc != 0:
            sys.exit(f"llama_decode returned {rc} on {path}")
        out = np.ctypeslib.as_array(ctypes.cast(L.llama_get_logits(ctx), ctypes.POINTER(ctypes.c_float)),
                                    shape=(len(tokens), n_vocab))
        return out.copy()

    prompt_logits = decode(prompt, 0)
    greedy, margins, step_logits = [], [], []
    last = prompt_logits[-1]
    for step in range(GREEDY_STEPS):
        top2 = np.sort(last)[-2:]
        margins.append(float(top2[1] - top2[0]))
        greedy.append(int(np.argmax(last)))
        if step + 1 < GREEDY_STEPS:
            last = decode([greedy[-1]], len(prompt) + step)[0]
            step_logits.append(last)
    L.llama_batch_free(batch)
    L.llama_free(ctx)
    L.llama_model_free(model)
    return {"prompt_logits": prompt_logits, "step_logits": np.stack(step_logits), "greedy": greedy,
            "margins": margins, "n_vocab": n_vocab}


# ------------------------------------------------------------------------------------------------------------------
# gguf-py: what a file holds, and its weights dequantized back into the Hugging Face model.
# ------------------------------------------------------------------------------------------------------------------

def gguf_parts(path: Path) -> list[Path]:
    if "-00001-of-" in path.name:
        count = int(path.name.split("-of-")[1].split(".")[0])
        return [path.with_name(path.name.replace("-00001-of-", f"-{i:05d}-of-")) for i in range(1, count + 1)]
    return [path]


def tensor_types(path: Path) -> dict[str, Any]:
    import gguf

    per_type: dict[str, int] = {}
    tensors = {}
    for part in gguf_parts(path):
        reader = gguf.GGUFReader(str(part))
        for t in reader.tensors:
            name = t.tensor_type.name
            per_type[name] = per_type.get(name, 0) + 1
            tensors[t.name] = name
    return {"types": dict(sorted(per_type.items())), "tensors": dict(sorted(tensors.items()))}


def dequantized_state_dict(path: Path, arch: Arch, hf_names: list[str]):
    """The file's weights as f32 torch tensors under the checkpoint's names (llama's Q/K rows un-permuted)."""
    import gguf
    import numpy as np
    import torch

    arrays = {}
    for part in gguf_parts(path):
        for t in gguf.GGUFReader(str(part)).tensors:
            arrays[t.name] = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).reshape(
                [int(d) for d in reversed(t.shape)])
    gguf_arch = {"qwen2": gguf.MODEL_ARCH.QWEN2, "qwen3": gguf.MODEL_ARCH.QWEN3, "llama": gguf.MODEL_ARCH.LLAMA,
                 "glm4": gguf.MODEL_ARCH.GLM4}[arch.name]
    tmap = gguf.get_tensor_name_map(gguf_arch, SHAPES["num_hidden_layers"])
    out = {}
    for hf in hf_names:
        name = tmap.get_name(hf, try_suffixes=(".weight", ".bias"))
        if name is None or name not in arrays:
            if hf == "lm_head.weight":
                continue  # tied
            raise KeyError(f"{path.name}: no GGUF tensor for {hf} (mapped to {name})")
        w = arrays[name]
        if arch.name == "llama" and hf.endswith(("q_proj.weight", "k_proj.weight")):
            heads = SHAPES["num_attention_heads"] if "q_proj" in hf else SHAPES["num_key_value_heads"]
            # inverse of convert_hf_to_gguf's LlamaModel.permute (reshape(h, 2, d/2, ...).swapaxes(1, 2))
            w = w.reshape(heads, w.shape[0] // heads // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)
        out[hf] = torch.from_numpy(np.ascontiguousarray(w))
    return out


def hf_logits(hf_dir: Path, ids: list[int], state_dict=None):
    import torch
    import transformers

    model = transformers.AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32, attn_implementation="eager")
    model.eval()
    if state_dict is not None:
        missing, unexpected = model.load_state_dict(state_dict, strict=False)
        missing = [m for m in missing if m != "lm_head.weight" or not model.config.tie_word_embeddings]
        assert not missing and not unexpected, (missing, unexpected)
        if model.config.tie_word_embeddings:
            model.tie_weights()
    with torch.no_grad():
        return model(input_ids=torch.tensor([ids]), use_cache=False).logits[0].float().numpy()


def diff_stats(a, b) -> dict[str, float]:
    """max and mean |a - b|, the max relative to the reference's logit spread (std over the vocabulary, averaged
    over positions), and how many positions have the same argmax."""
    import numpy as np

    d = np.abs(a - b)
    spread = float(np.mean(np.std(b, axis=-1)))
    return {"max_abs": float(d.max()), "mean_abs": float(d.mean()), "spread": spread,
            "max_abs_over_spread": float(d.max()) / spread,
            "same_argmax": f"{int((a.argmax(-1) == b.argmax(-1)).sum())}/{a.shape[0]}"}


def planted_bugs(arch: Arch, hf_dir: Path) -> dict[str, dict[str, Any]]:
    """Mistakes a GGUF loader could make, as state-dict edits of the checkpoint: how far each moves the logits
    is what a tolerance must stay well below."""
    import torch
    from safetensors.torch import load_file

    sd = load_file(str(hf_dir / "model.safetensors"))
    bugs = {}
    if arch.name == "llama":
        def permuted(name, w):
            if not name.endswith(("q_proj.weight", "k_proj.weight")):
                return w
            heads = SHAPES["num_attention_heads"] if "q_proj" in name else SHAPES["num_key_value_heads"]
            return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)
        bugs["Q/K rows left in GGUF (rope-interleaved) order"] = {k: permuted(k, v) for k, v in sd.items()}
    if any(k.endswith("q_proj.bias") for k in sd):
        bugs["q/k/v bias dropped"] = {k: torch.zeros_like(v) if k.endswith("_proj.bias") else v for k, v in sd.items()}
    if any("q_norm" in k for k in sd):
        bugs["q/k norm weights ignored"] = {k: torch.ones_like(v) if ("q_norm" in k or "k_norm" in k) else v
                                            for k, v in sd.items()}
    if any("post_self_attn_layernorm" in k for k in sd):
        bugs["post-attention/post-MLP norms ignored"] = {
            k: torch.ones_like(v) if ("post_self_attn" in k or "post_mlp" in k) else v for k, v in sd.items()}
    bugs["layer 0 and 1 swapped"] = {k.replace("layers.0.", "layers.X.").replace("layers.1.", "layers.0.")
                                     .replace("layers.X.", "layers.1."): v for k, v in sd.items()}
    bugs["rms_norm_eps 1e-2 (a wrong metadata key)"] = None
    return bugs


# ------------------------------------------------------------------------------------------------------------------
# Driver.
# ------------------------------------------------------------------------------------------------------------------

PROMPT_CANDIDATES = 32
MIN_DISTINCT = 8


def make_prompt(arch: Arch, trained: int, files: list[Path]) -> list[int]:
    """Of PROMPT_CANDIDATES seeded random prompts (ids of trained tokens), the one whose greedy paths on the given
    files have the widest smallest top1-top2 margin (near-ties make poor truth), among those whose paths have at
    least MIN_DISTINCT different tokens (random models like to repeat one token with a wide margin, and a path of
    one repeated token tests little)."""
    import numpy as np

    rng = np.random.default_rng(arch.seed)
    candidates = [rng.integers(0, trained, PROMPT_LEN).tolist() for _ in range(PROMPT_CANDIDATES)]

    def score(prompt: list[int]) -> tuple[bool, float]:
        runs = [llama_run(f, prompt, RunSettings()) for f in files]
        varied = all(len(set(r["greedy"])) >= MIN_DISTINCT for r in runs)
        return varied, min(min(r["margins"]) for r in runs)

    return max(candidates, key=score)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_truth(out_dir: Path, files: list[Path], arch: Arch, quant: str, prompt: list[int], run: dict[str, Any],
                settings: RunSettings, meta: dict[str, Any]) -> dict[str, Any]:
    from safetensors.numpy import save_file

    types = tensor_types(files[0])
    truth = {
        "architecture": arch.name, "quant": quant, "files": [f.name for f in files],
        "file_sha256": {f.name: sha256(f) for f in files}, "file_bytes": sum(f.stat().st_size for f in files),
        "tensor_types": types["types"], "tensors": types["tensors"],
        "prompt_ids": prompt, "greedy_ids": run["greedy"], "greedy_margins": run["margins"],
        "min_greedy_margin": min(run["margins"]), "n_vocab": run["n_vocab"],
        "truth_safetensors": {"prompt_logits": f"[{PROMPT_LEN}, n_vocab]: one batch of the prompt, every position",
                              "step_logits": f"[{GREEDY_STEPS - 1}, n_vocab]: row i after decoding greedy_ids[i] "
                                             f"alone at position {PROMPT_LEN} + i (greedy_ids[i + 1] is its argmax)"},
        "llama_cpp_settings": settings.describe(), **meta,
    }
    save_file({"prompt_logits": run["prompt_logits"], "step_logits": run["step_logits"]},
              str(out_dir / "truth.safetensors"))
    write_json(out_dir / "truth.json", truth)
    return truth


def make_quantized(args: argparse.Namespace, arch: Arch, hf_dir: Path, f32: Path,
                   quant: str) -> tuple[str, list[Path], dict[str, Any]]:
    """llama.cpp's quantizer on the F32 file: (fixture name, its GGUF files, notes for truth.json)."""
    name = f"{arch.name}-{quant}" + ("-split" if quant == arch.split else "")
    out_dir = args.out / name
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    log(f"{name}: llama_model_quantize")
    meta: dict[str, Any] = {}
    if quant != arch.split:
        files = [out_dir / f"{name}.gguf"]
        quantize(f32, files[0], quant)
        return name, files, meta
    # The converter's --split-max-tensors is gguf-py's GGUFWriter splitting, which names and tags the parts
    # (-0000N-of-0000M; split.no, split.count, split.tensors.count) as llama.cpp's gguf-split does; the quantizer
    # with keep_split then writes its output in as many parts with llama.cpp's own writer.
    for old in args.work.glob(f"{arch.name}-F32-split*.gguf"):
        old.unlink()
    n_tensors = len(tensor_types(f32)["tensors"])
    convert(args, arch, hf_dir, args.work / f"{arch.name}-F32-split.gguf", ["--split-max-tensors", str(n_tensors // 2 + 1)])
    first = args.work / f"{arch.name}-F32-split-00001-of-00002.gguf"
    assert first.exists(), sorted(p.name for p in args.work.iterdir())
    quantize(first, out_dir / name, quant, keep_split=True)  # it appends -0000N-of-0000M.gguf
    files = sorted(out_dir.glob("*.gguf"))
    assert [p.name for p in files] == [f"{name}-00001-of-00002.gguf", f"{name}-00002-of-00002.gguf"], files
    single = args.work / f"{arch.name}-{quant}-single.gguf"
    quantize(f32, single, quant)
    meta["split_by"] = ("convert_hf_to_gguf.py --split-max-tensors (gguf-py's GGUFWriter), then llama_model_quantize "
                        "with keep_split")
    meta["single_file_sha256"] = sha256(single)
    meta["single_file"] = single
    return name, files, meta


README_HEAD = """\
bash tests/perf/run_cpu_bench.sh --setup-only && build/perf-venv/bin/python tests/tools/make_gguf_model_fixtures.py

# GGUF model fixtures made by llama.cpp, with llama.cpp's logits (generated; do not edit by hand)

The line above, run from the repository root, regenerates every directory here (CPU only, about two minutes, the
files byte for byte): its first half (which also builds `pagoda`, unless PAGODA_BENCH_SKIP_BUILD=1) makes
`build/perf-venv` with the pins of `tests/perf/requirements-cpu-bench.txt`, the same as
`tests/tools/requirements-gguf-models.txt`, and llama-cpp-python {llama_cpp_python} compiled from its PyPI sdist
(llama.cpp {llama_cpp_commit}), whose `vendor/llama.cpp/convert_hf_to_gguf.py` is the converter used. The generator is
`tests/tools/make_gguf_model_fixtures.py`; its docstring explains each step. `summary.json` holds every figure below.

## What each directory holds

A tiny random-weight Hugging Face checkpoint per architecture (2 layers, hidden 256, intermediate 256, 4 heads of 64,
2 KV heads, vocabulary 512; embeddings std {embed_std}, other matrices std {matrix_std}, norm weights 1 + 0.1·N(0,1),
biases 0.1·N(0,1); a byte-level BPE trained on the tokenizer corpus with the family's pre-tokenizer regex, special
tokens and chat template) was converted by llama.cpp's `convert_hf_to_gguf.py --outtype f32` and quantized by
llama.cpp's quantizer (`llama_cpp.llama_model_quantize`). Every matrix row is a multiple of 256 long, so each tensor
has the type the quantizer's rules give it (none fell back: the types below are read back with gguf-py).

* `<name>.gguf` (or `<name>-0000N-of-00002.gguf`): the file as llama.cpp wrote it.
* `truth.json`: `prompt_ids` (12 ids, given to llama.cpp as ids: no tokenizer involved), `greedy_ids` (16 greedy
  tokens: the prompt in one llama_decode, then one token per llama_decode on the KV cache), `greedy_margins`
  (top1 - top2 logit at each greedy step) and `min_greedy_margin`, `tensor_types` / `tensors` (gguf-py's reading of
  the file), `file_sha256`, `llama_cpp_settings`, `versions`, the checkpoint's `hf_config`, `special_token_ids`, and
  `measurements` (this file's rows of the tables below).
* `truth.safetensors`: F32 `prompt_logits` [12, 512] (every prompt position, one batch) and `step_logits` [15, 512]
  (row i: the logits after decoding `greedy_ids[i]` alone at position 12 + i; its argmax is `greedy_ids[i + 1]`).

llama.cpp ran with 2 threads, n_ctx 64, an **f32 KV cache, flash attention off** (closest to exact arithmetic; Pagoda's
CPU KV cache is f32 too) and **use_extra_bufts off**: the machine that made these reports AMX in CPUID but every AMX
kernel dies with SIGILL there, and with extra buffer types off llama.cpp runs its plain CPU path on every x86 CPU:
activations quantized per block to Q8_0 / Q8_1 / Q8_K to match the weight type, integer dot products.

The BPE tokenizers are trained here, so convert_hf_to_gguf.py's pre-tokenizer check (a hash of the ids of a fixed
text, known only for published tokenizers) cannot recognize them; the generator patches that one method
(`get_vocab_base_pre`) to return the name llama.cpp uses for the regex each tokenizer really has (`qwen2`,
`llama-bpe`, `glm4`). Everything else in the conversion is the converter's own.

| fixture | architecture | bytes | tensor types (count) | min greedy margin | notes |
|---|---|---|---|---|---|
"""

README_TOLERANCE = """
## What a tolerance has to absorb

Logit differences on the prompt (12 positions × 512), as max |Δ| / mean |Δ|, and max |Δ| relative to the logit
spread (the standard deviation over the vocabulary, about {spread:.2f} here). "Same argmax" counts prompt positions.

| file | vs transformers f32 on gguf-py's dequantized weights: max (rel) / mean, same argmax | vs transformers on the original f32 weights: max (rel) | llama.cpp 1 thread vs 2: max | llama.cpp defaults (f16 KV, flash attn auto) vs truth settings: max prompt / max steps, same greedy |
|---|---|---|---|---|
"""

README_BUGS = """
And how far mistakes a GGUF loader could make move the logits (transformers on the checkpoint with the mistake
planted, against llama.cpp on the F32 file), beside how well the F32 file agrees with transformers:

| architecture | F32 file vs transformers: max | planted mistake: max |Δ| (relative to spread) |
|---|---|---|
"""

README_TAIL = """
What these say:

* llama.cpp on the F32 file equals transformers to about 2e-5 (float summation order), and its greedy path is
  transformers' on every architecture: the converter's tensor layout (llama's permuted Q/K rows included) and the
  metadata are exactly the model.
* llama.cpp is bit-for-bit the same with 1 or 2 threads on every file, so the truth does not depend on the thread
  count.
* On the quantized files, transformers in f32 on exactly the file's weights (gguf-py's dequantizers) still differs
  from llama.cpp by up to {deq_max:.2f} ({deq_rel:.0%} of the spread; mean |Δ| up to {deq_mean:.3f}), and the argmax
  of some prompt positions differs. That is llama.cpp rounding the activations to 8 bits per block (Q8_0, Q8_1 or
  Q8_K, as the weight type asks) before each integer dot product: the F32 file, which has no such rounding, agrees
  to 2e-5. So an engine that computes quantized products in f32 on dequantized weights needs a tolerance of about
  {deq_tol:.1f} (1.5 × the largest difference seen) on these logits. One that rounds activations exactly as llama.cpp
  does (same blocks, same rounding, same scale type) should land far closer, but not bit for bit (an activation
  that rounds the other way after a last-bit difference upstream moves the result); how close was not measured
  here, since only Pagoda's kernels can show it. Say in the test which of the two the kernels do.
* llama.cpp's own default context settings (f16 KV cache, flash attention) move the logits about as much as the
  activation rounding does, and flip near-tie greedy steps: one more reason the truth uses f32 KV and no flash
  attention.
* Every planted loader mistake moves the logits by at least {bug_min:.2f} ({bug_min_rel:.0%} of the spread; most by
  1-6× the spread), above the {deq_tol:.1f} tolerance; the weakest (a wrong rms_norm_eps on qwen3) moves them
  {bug_ratio:.1f}× as far as the largest activation-rounding difference.
* Greedy tokens: compare teacher-forced (feed `prompt_ids + greedy_ids[:i]`, compare with `step_logits[i-1]`) and
  demand the same argmax only where `greedy_margins` exceeds twice the tolerance in use: with the loose {deq_tol:.1f}
  that is a minority of the steps of most files (the margins are in truth.json), with an llama.cpp-exact activation
  rounding nearly all.

Not committed, for size: the F32 files (about 4 MB each; rebuilt for the measurements) and one file per ftype of
the remaining block types (`--all-ftypes` writes llama Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K_M, Q5_K_M and Q6_K files
next to these, 0.5-1 MB each); instead `llama-mixed` is one file, quantized by llama.cpp with per-tensor type overrides
(llama-quantize's `--tensor-type`), in which every block type Pagoda reads holds at least one matrix.
"""


def write_readme(out: Path, summary: dict[str, Any]) -> None:
    v = summary["versions"]
    lines = [README_HEAD.format(llama_cpp_python=v["llama_cpp_python"], llama_cpp_commit=v["llama_cpp_commit"],
                                embed_std=EMBED_STD, matrix_std=MATRIX_STD)]
    for name, f in summary["fixtures"].items():
        types = ", ".join(f"{k} ({n})" for k, n in f["tensor_types"].items())
        lines.append(f"| `{name}` | {name.split('-')[0]} | {f['file_bytes']} | {types} | {f['min_greedy_margin']:.3f} "
                     f"| {f['note']} |\n")
    m = summary["measurements"]
    quant_rows = {k: v for k, v in m.items() if k in summary["fixtures"]}
    deq = [r["vs transformers f32 on gguf-py-dequantized weights (prompt logits)"] for r in quant_rows.values()]
    lines.append(README_TOLERANCE.format(spread=sum(d["spread"] for d in deq) / len(deq)))
    dflt = "f16 KV + flash attn auto (llama.cpp defaults) vs f32 KV, no flash attn"
    for name, r in quant_rows.items():
        d = r["vs transformers f32 on gguf-py-dequantized weights (prompt logits)"]
        o = r["vs transformers f32 on the original weights (prompt logits)"]
        lines.append(f"| `{name}` | {d['max_abs']:.3f} ({d['max_abs_over_spread']:.1%}) / {d['mean_abs']:.3f}, "
                     f"{d['same_argmax']} | {o['max_abs']:.2f} ({o['max_abs_over_spread']:.0%}) | "
                     f"{r['1 thread vs 2']['prompt']['max_abs']:.1g} | {r[dflt]['prompt']['max_abs']:.3f} / "
                     f"{r[dflt]['steps']['max_abs']:.3f}, {'yes' if r[dflt]['same greedy'] else 'no'} |\n")
    lines.append(README_BUGS)
    bugs = []
    for arch in ARCHS:
        if arch.name not in m:
            continue
        a = m[arch.name]
        planted = [(k.split("planted bug: ")[1].split(" (transformers)")[0], v) for k, v in a.items()
                   if k.startswith("planted bug")]
        bugs += [v for _, v in planted]
        f32 = a["F32 file vs transformers f32 (prompt logits)"]
        lines.append(f"| {arch.name} | {f32['max_abs']:.1e} ({'same' if a['F32 file greedy == transformers greedy'] else 'different'} greedy) | "
                     + "; ".join(f"{k}: {v['max_abs']:.2f} ({v['max_abs_over_spread']:.0%})" for k, v in planted)
                     + " |\n")
    deq_max = max(d["max_abs"] for d in deq)
    bug_min = min(b["max_abs"] for b in bugs)
    lines.append(README_TAIL.format(
        deq_max=deq_max, deq_rel=max(d["max_abs_over_spread"] for d in deq),
        deq_mean=max(d["mean_abs"] for d in deq), deq_tol=math.ceil(deq_max * 1.5 * 10) / 10, bug_min=bug_min,
        bug_min_rel=min(b["max_abs_over_spread"] for b in bugs), bug_ratio=bug_min / deq_max))
    (out / "README.md").write_text("".join(lines))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_convert":
        convert_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="HF checkpoints and F32 GGUFs (not committed)")
    parser.add_argument("--llama-cpp-src", type=Path, default=DEFAULT_LLAMA_SRC, help="the unpacked llama-cpp-python sdist")
    parser.add_argument("--only", default="", help="comma-separated architectures (default: all)")
    parser.add_argument("--all-ftypes", action="store_true",
                        help=f"also quantize the llama model to {', '.join(ALL_QUANTS)} (not committed: too big)")
    args = parser.parse_args()

    import numpy as np
    import torch
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    L = llama_init()
    changelog = (args.llama_cpp_src / "CHANGELOG.md").read_text()
    section = changelog.split(f"## [{version('llama_cpp_python')}]", 1)[-1].split("\n## [", 1)[0]
    import re

    commit = (re.search(r"llama\.cpp@([0-9a-f]{7,40})", section) or [None, "unknown"])[1]
    versions = {"llama_cpp_python": version("llama_cpp_python"), "llama_cpp_commit": commit,
                "gguf": version("gguf"), "torch": torch.__version__, "transformers": transformers.__version__,
                "tokenizers": version("tokenizers"), "numpy": np.__version__,
                "llama_cpp_system_info": L.llama_print_system_info().decode().strip()}
    only = set(filter(None, args.only.split(",")))
    args.out.mkdir(parents=True, exist_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    truth_settings = RunSettings()
    summary: dict[str, Any] = {"versions": versions, "fixtures": {}, "measurements": {}}
    old_summary = args.out / "summary.json"
    if only and old_summary.exists():
        previous = json.loads(old_summary.read_text())
        summary["fixtures"], summary["measurements"] = previous["fixtures"], previous["measurements"]

    for arch in ARCHS:
        if only and arch.name not in only:
            continue
        log(f"{arch.name}: checkpoint and tokenizer")
        hf_dir = args.work / f"{arch.name}-hf"
        ids = make_hf_checkpoint(arch, hf_dir)
        f32 = args.work / f"{arch.name}-F32.gguf"
        log(f"{arch.name}: convert_hf_to_gguf.py --outtype f32")
        convert(args, arch, hf_dir, f32)
        quants = list(arch.quants) + (ALL_QUANTS if args.all_ftypes and arch.name == "llama" else [])
        made = {quant: make_quantized(args, arch, hf_dir, f32, quant) for quant in quants}
        prompt = make_prompt(arch, ids["_trained"], [f32] + [files[0] for _, files, _ in made.values()])
        hf_names = [n for n, _ in transformers.AutoModelForCausalLM.from_pretrained(hf_dir).named_parameters()]
        hf_ref = hf_logits(hf_dir, prompt)

        # The F32 file: llama.cpp against transformers, threads, context settings.
        m: dict[str, Any] = {}
        base = llama_run(f32, prompt, truth_settings)
        m["F32 file vs transformers f32 (prompt logits)"] = diff_stats(base["prompt_logits"], hf_ref)
        hf_greedy = []
        seq = list(prompt)
        for _ in range(GREEDY_STEPS):  # transformers' greedy path, full recompute
            seq.append(int(np.argmax(hf_logits(hf_dir, seq)[-1])))
            hf_greedy.append(seq[-1])
        m["F32 file greedy == transformers greedy"] = base["greedy"] == hf_greedy
        m["F32 file min greedy margin"] = min(base["margins"])
        for label, sd in planted_bugs(arch, hf_dir).items():
            if sd is None:  # a config mistake rather than a tensor mistake
                cfg_path = hf_dir / "config.json"
                cfg = json.loads(cfg_path.read_text())
                bad = dict(cfg, rms_norm_eps=1e-2)
                cfg_path.write_text(json.dumps(bad))
                logits = hf_logits(hf_dir, prompt)
                cfg_path.write_text(json.dumps(cfg, indent=2))
            else:
                logits = hf_logits(hf_dir, prompt, sd)
            m[f"planted bug: {label} (transformers) vs F32 file"] = diff_stats(logits, base["prompt_logits"])

        def variants(path: Path, run: dict[str, Any]) -> dict[str, Any]:
            r = {}
            for label, s in [("1 thread vs 2", RunSettings(threads=1)),
                             ("f16 KV + flash attn auto (llama.cpp defaults) vs f32 KV, no flash attn",
                              RunSettings(f32_kv=False, flash_attn=-1))]:
                other = llama_run(path, prompt, s)
                r[label] = {"prompt": diff_stats(other["prompt_logits"], run["prompt_logits"]),
                            "steps": diff_stats(other["step_logits"], run["step_logits"]),
                            "same greedy": other["greedy"] == run["greedy"]}
            return r

        m["F32 file"] = variants(f32, base)
        summary["measurements"][arch.name] = m

        for quant, (name, files, meta) in made.items():
            out_dir = files[0].parent
            if "single_file" in meta:
                single_run = llama_run(meta.pop("single_file"), prompt, truth_settings)
                split_run = llama_run(files[0], prompt, truth_settings)
                meta["logits_bit_identical_to_single_file"] = bool(
                    np.array_equal(single_run["prompt_logits"], split_run["prompt_logits"])
                    and np.array_equal(single_run["step_logits"], split_run["step_logits"]))
            run = llama_run(files[0], prompt, truth_settings)
            deq = hf_logits(hf_dir, prompt, dequantized_state_dict(files[0], arch, hf_names))
            qm = {"vs transformers f32 on gguf-py-dequantized weights (prompt logits)":
                  diff_stats(run["prompt_logits"], deq),
                  "vs transformers f32 on the original weights (prompt logits)": diff_stats(run["prompt_logits"], hf_ref),
                  **variants(files[0], run)}
            meta.update({"versions": versions, "hf_architecture": arch.hf_class,
                         "hf_config": json.loads((hf_dir / "config.json").read_text()),
                         "special_token_ids": {k: v for k, v in ids.items() if not k.startswith("_")},
                         "trained_vocab": ids["_trained"], "seed": arch.seed, "measurements": qm})
            truth = store_truth(out_dir, files, arch, quant, prompt, run, truth_settings, meta)
            summary["fixtures"][name] = {k: truth[k] for k in ("files", "file_bytes", "tensor_types",
                                                               "min_greedy_margin")}
            summary["fixtures"][name]["note"] = arch.note + ("; in two parts" if quant == arch.split else "")
            summary["measurements"][name] = qm
            log(f"{name}: {truth['tensor_types']} min margin {truth['min_greedy_margin']:.3f}")

    write_json(args.out / "summary.json", summary)
    write_readme(args.out, summary)
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    log(f"total committed size of {args.out}: {total / 2**20:.2f} MiB")


if __name__ == "__main__":
    main()
