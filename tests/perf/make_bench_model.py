#!/usr/bin/env python3
"""Writes a Qwen2.5-0.5B-shaped checkpoint with random bf16 weights for benchmarks.

    /tmp/truthvenv/bin/python tests/perf/make_bench_model.py /tmp/qwen2.5-0.5b-random

Real dimensions (hidden 896, 24 layers, 14 heads / 2 KV heads, intermediate 4864,
vocab 151936, tied embeddings, q/k/v bias), random weights: the speed of a real model,
none of its sense. The Qwen3 tokenizer from tests/fixtures/tokenizers is copied in (its ids fit
the vocabulary) so chat and text benchmarks work. Not committed: about 1 GB.
"""

import argparse
import shutil
from pathlib import Path

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

REPO = Path(__file__).resolve().parents[2]
TOKENIZER = REPO / "tests" / "fixtures" / "tokenizers" / "qwen3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()

    torch.manual_seed(0)
    config = Qwen2Config(
        vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
        num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768,
        rope_theta=1000000.0, rms_norm_eps=1e-6, tie_word_embeddings=True,
        bos_token_id=151643, eos_token_id=151645, torch_dtype="bfloat16",
    )
    with torch.device("cpu"):
        model = Qwen2ForCausalLM(config).to(torch.bfloat16)
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(TOKENIZER / name, args.out / name)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
