#!/usr/bin/env python3
"""Vocab-only GGUF files made by llama.cpp's own converter from the real tokenizers in
tests/fixtures/tokenizers/, for tests/engine/gguf_tokenizer_test.cpp.

    python3 tests/tools/make_gguf_tokenizer_fixtures.py \\
        --llama-cpp build/perf-src/llama_cpp_python-0.3.36/vendor/llama.cpp \\
        [--out tests/fixtures/gguf-tokenizers]

Needs tests/tools/requirements-gguf-tokenizers.txt (the converter imports transformers,
sentencepiece and its own gguf-py, which it finds beside itself) and llama.cpp's source
tree (llama-cpp-python 0.3.36's sdist carries it under vendor/llama.cpp).

For each tokenizer the script copies tokenizer.json and tokenizer_config.json into a
temporary model folder, adds the minimal config.json the converter needs to pick the
architecture, runs `convert_hf_to_gguf.py --vocab-only`, and gzips the result (the test
inflates it into a temporary folder). The truth the C++ test compares against is the
existing tests/fixtures/tokenizers/expected/*.jsonl (Hugging Face tokenizers' ids).

llama2 (Mistral-7B's vocabulary) needs one more file: real Llama/Mistral GGUFs are made
from the SentencePiece tokenizer.model, whose piece scores llama.cpp uses for its merges,
and the converter's tokenizer.json-only path writes every score as -1000. The script
therefore writes the tokenizer.model that tokenizer.json was converted from: the same
pieces, byte-fallback BPE, identity normalization, and each piece's score minus the rank
of the first merge that makes it. It checks that deriving the merges back from those
scores, as Hugging Face's SentencePieceExtractor does, gives tokenizer.json's merge list
exactly, so the scores say no more and no less than the merges.
"""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "tests/fixtures/tokenizers"

# Dimensions are irrelevant to a vocab-only file but the converter reads them.
BASE_CONFIG = {
    "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 2,
    "num_key_value_heads": 1, "head_dim": 32, "max_position_embeddings": 4096, "rms_norm_eps": 1e-6,
    "rope_theta": 1000000.0, "tie_word_embeddings": True,
}
FIXTURES = {
    # name: (architecture, model_type, vocab_size as the published config.json has it)
    "qwen3": ("Qwen3ForCausalLM", "qwen3", 151936),
    "llama3": ("LlamaForCausalLM", "llama", 128256),
    "llama2": ("LlamaForCausalLM", "llama", 32000),
}


# --- a SentencePiece ModelProto, written with protobuf's wire format by hand -----------------

def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, wire: int, payload: bytes) -> bytes:
    return _varint(number << 3 | wire) + payload


def _message(number: int, body: bytes) -> bytes:
    return _field(number, 2, _varint(len(body)) + body)


def _int(number: int, value: int) -> bytes:
    return _field(number, 0, _varint(value & 0xFFFFFFFFFFFFFFFF))


def sentencepiece_model(pieces: list[tuple[str, float, int]], unk: int, bos: int, eos: int) -> bytes:
    """sentencepiece_model.proto: ModelProto{pieces=1, trainer_spec=2, normalizer_spec=3}."""
    out = bytearray()
    for text, score, kind in pieces:
        raw = text.encode("utf-8")
        body = _field(1, 2, _varint(len(raw)) + raw) + _field(2, 5, struct.pack("<f", score))
        body += _int(3, kind)
        out += _message(1, body)
    # TrainerSpec: model_type=BPE(2), vocab_size, byte_fallback, unk/bos/eos ids, no pad.
    trainer = _int(3, 2) + _int(4, len(pieces)) + _int(35, 1) + _int(40, unk) + _int(41, bos) + _int(42, eos)
    trainer += _int(43, -1)
    out += _message(2, trainer)
    # NormalizerSpec: identity, dummy prefix, no whitespace squeezing (Llama/Mistral settings).
    normalizer = _field(1, 2, _varint(8) + b"identity") + _int(3, 1) + _int(4, 0) + _int(5, 1)
    out += _message(3, normalizer)
    return bytes(out)


def derive_merges(tokens: list[str], scores: list[float], vocab: dict[str, int]) -> list[tuple[str, str]]:
    """Hugging Face's SentencePieceExtractor.extract(vocab_scores): every split of a piece
    into two pieces, ordered by the piece's score (highest first), then by the halves' ids."""
    found = []
    for i, piece in enumerate(tokens):
        local = [(piece[:k], piece[k:]) for k in range(1, len(piece)) if piece[:k] in vocab and piece[k:] in vocab]
        local.sort(key=lambda m: (vocab[m[0]], vocab[m[1]]))
        found += [(scores[i], m) for m in local]
    found.sort(key=lambda x: -x[0])  # stable: ties keep piece order
    return [m for _, m in found]


def write_llama2_tokenizer_model(model_dir: Path) -> None:
    tj = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))
    vocab: dict[str, int] = tj["model"]["vocab"]
    merges = [tuple(m.split(" ", 1)) if isinstance(m, str) else tuple(m) for m in tj["model"]["merges"]]
    tokens = [""] * len(vocab)
    for text, i in vocab.items():
        tokens[i] = text
    first_rank: dict[int, int] = {}
    for rank, (left, right) in enumerate(merges):
        first_rank.setdefault(vocab[left + right], rank)
    specials = {t["content"]: t["id"] for t in tj["added_tokens"] if t.get("special")}
    unk = vocab[tj["model"]["unk_token"]]
    pieces, scores = [], []
    for i, text in enumerate(tokens):
        if i == unk:
            kind, score = 2, 0.0  # UNKNOWN
        elif i in specials.values():
            kind, score = 3, 0.0  # CONTROL
        elif len(text) == 6 and text.startswith("<0x") and text.endswith(">"):
            kind, score = 6, 0.0  # BYTE
        else:
            # Pieces no merge makes (single characters) score below every merged piece.
            kind, score = 1, -float(first_rank.get(i, len(merges) + i))
        pieces.append((text, score, kind))
        scores.append(score)
    if derive_merges(tokens, scores, vocab) != merges:
        sys.exit("llama2: merges derived from the synthesized scores differ from tokenizer.json's")
    (model_dir / "tokenizer.model").write_bytes(
        sentencepiece_model(pieces, unk, vocab.get("<s>", -1), vocab.get("</s>", -1)))


def convert(name: str, llama_cpp: Path, work: Path) -> Path:
    arch, model_type, vocab_size = FIXTURES[name]
    model_dir = work / name
    model_dir.mkdir()
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(SOURCE / name / f, model_dir / f)
    config = {"architectures": [arch], "model_type": model_type, "vocab_size": vocab_size, **BASE_CONFIG}
    (model_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    if name == "llama2":
        write_llama2_tokenizer_model(model_dir)
    out = work / f"{name}.gguf"
    env = {"PYTHONPATH": str(llama_cpp / "gguf-py"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, str(llama_cpp / "convert_hf_to_gguf.py"), str(model_dir), "--vocab-only",
                    "--outfile", str(out)], check=True, env=env, stdout=subprocess.DEVNULL)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llama-cpp", type=Path, required=True, help="llama.cpp source tree")
    parser.add_argument("--out", type=Path, default=REPO / "tests/fixtures/gguf-tokenizers")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in FIXTURES:
            gguf_file = convert(name, args.llama_cpp.resolve(), Path(tmp))
            target = args.out / f"{name}.gguf.gz"
            # mtime=0 and no file name in the header: the same input gives the same bytes.
            with open(gguf_file, "rb") as src, open(target, "wb") as raw:
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as dst:
                    shutil.copyfileobj(src, dst)
            print(f"{target.relative_to(REPO) if target.is_relative_to(REPO) else target}: "
                  f"{gguf_file.stat().st_size} bytes, {target.stat().st_size} gzipped")


if __name__ == "__main__":
    main()
