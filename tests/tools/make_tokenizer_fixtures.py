#!/usr/bin/env python3
"""Generate tokenizer fixtures and reference ("truth") outputs for Pagoda's C++ tokenizers.

Run from the repository root with the truth venv (see tests/fixtures/tokenizers/README.md):

    python tests/tools/make_tokenizer_fixtures.py

Everything is written under tests/fixtures/tokenizers/:

  corpus.jsonl                      the test cases, {"name", "text"} per line
                                    (from tests/tools/tokenizer_corpus.py)
  expected/<tok>.jsonl              HF truth for the real tokenizers in
                                    tests/fixtures/tokenizers/<tok>/ (qwen3, llama3, llama2)
  expected/<tok>.meta.json          their special tokens, added-token flags and pipeline
  sentencepiece/                    a tiny trained SentencePiece BPE model (nmt_nfkc-style
                                    normalization, byte fallback) + truth from `sentencepiece`
  sentencepiece_identity/           the same, but with Llama-2-style settings (identity
                                    normalization, no whitespace squeezing, split digits)
  tiktoken_glm4/                    a small tiktoken ranks file in THUDM glm-4-9b-chat's
                                    `tokenizer.model` format + truth from `tiktoken`

The real tokenizer files are committed (see the folder's README for their origin); the C++
tests and this script read them there, or from another folder given with --tokenizers.

The output is deterministic: running the script twice gives byte-identical files
(`--check` regenerates into a temporary folder and compares with the committed files).
"""

from __future__ import annotations

import argparse
import base64
import filecmp
import hashlib
import io
import json
import os
import struct
import sys
import tempfile
import warnings
from pathlib import Path

# Deterministic, single-threaded HF tokenizers; set before importing tokenizers.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("RAYON_NUM_THREADS", "1")

import sentencepiece as spm  # noqa: E402
import tiktoken  # noqa: E402
import tokenizers  # noqa: E402
import transformers  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from tokenizers.decoders import DecodeStream  # noqa: E402
from transformers import AutoTokenizer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tokenizer_corpus  # noqa: E402
from tokenizer_corpus import dumps  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
HF_TOKENIZERS = ("qwen3", "llama3", "llama2")

warnings.filterwarnings("ignore")
transformers.logging.set_verbosity_error()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_jsonl(path: Path, records) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for rec in records:
            f.write(dumps(rec) + "\n")


def write_json(path: Path, obj) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


# ---------------------------------------------------------------------------------------
# 1. HF tokenizer.json truth (qwen3, llama3, llama2).


def stream_deltas(tok: Tokenizer, ids: list[int], skip_special_tokens: bool) -> list[str]:
    stream = DecodeStream(skip_special_tokens=skip_special_tokens)
    out = []
    for i in ids:
        chunk = stream.step(tok, i)
        out.append("" if chunk is None else chunk)
    return out


def hf_meta(name: str, src: Path, raw: Tokenizer, tf) -> dict:
    tj = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    cfg = json.loads((src / "tokenizer_config.json").read_text(encoding="utf-8"))
    model = {k: v for k, v in tj["model"].items() if k not in ("vocab", "merges")}
    merges = tj["model"].get("merges") or []
    tf_json = json.loads(tf.backend_tokenizer.to_str())
    tf_diffs = {}
    for key in ("normalizer", "pre_tokenizer", "post_processor", "decoder"):
        if tf_json[key] != tj[key]:
            tf_diffs[key] = tf_json[key]
    probe = "hi"
    return {
        "name": name,
        "source": f"tests/fixtures/tokenizers/{name}/",
        "sha256": {
            "tokenizer.json": sha256(src / "tokenizer.json"),
            "tokenizer_config.json": sha256(src / "tokenizer_config.json"),
        },
        "versions": {"tokenizers": tokenizers.__version__, "transformers": transformers.__version__},
        "config": {
            "tokenizer_class": cfg.get("tokenizer_class"),
            "bos_token": cfg.get("bos_token"),
            "eos_token": cfg.get("eos_token"),
            "pad_token": cfg.get("pad_token"),
            "unk_token": cfg.get("unk_token"),
            "add_bos_token": cfg.get("add_bos_token"),
            "add_eos_token": cfg.get("add_eos_token"),
            "add_prefix_space": cfg.get("add_prefix_space"),
            "legacy": cfg.get("legacy"),
            "clean_up_tokenization_spaces": cfg.get("clean_up_tokenization_spaces"),
            "split_special_tokens": cfg.get("split_special_tokens"),
        },
        "resolved": {
            "bos_token": tf.bos_token,
            "bos_token_id": tf.bos_token_id,
            "eos_token": tf.eos_token,
            "eos_token_id": tf.eos_token_id,
            "pad_token": tf.pad_token,
            "pad_token_id": tf.pad_token_id,
            "unk_token": tf.unk_token,
            "unk_token_id": tf.unk_token_id,
            "probe_text": probe,
            "probe_ids": raw.encode(probe, add_special_tokens=False).ids,
            "probe_ids_special": raw.encode(probe).ids,
            "probe_transformers_ids_special": tf(probe)["input_ids"],
        },
        "model": model,
        "vocab_size_model": len(tj["model"]["vocab"]),
        "vocab_size_with_added": raw.get_vocab_size(with_added_tokens=True),
        "merges": len(merges),
        "merges_format": ("pairs" if merges and isinstance(merges[0], list) else "strings"),
        "normalizer": tj["normalizer"],
        "pre_tokenizer": tj["pre_tokenizer"],
        "post_processor": tj["post_processor"],
        "decoder": tj["decoder"],
        "added_tokens": tj["added_tokens"],
        "transformers_class": type(tf).__name__,
        "transformers_pipeline_overrides": tf_diffs,
    }


def hf_fixture(name: str, tokenizers: Path, out_dir: Path, corpus) -> dict:
    src = tokenizers / name
    raw = Tokenizer.from_file(str(src / "tokenizer.json"))
    tf = AutoTokenizer.from_pretrained(str(src))
    records = []
    stats = {"cases": 0, "roundtrip_fail": [], "stream_mismatch": [], "transformers_differs": []}
    for case_name, text in corpus:
        enc = raw.encode(text, add_special_tokens=False)
        ids = enc.ids
        ids_sp = raw.encode(text, add_special_tokens=True).ids
        rec = {
            "name": case_name,
            "ids": ids,
            "tokens": enc.tokens,
            "ids_special": ids_sp,
            "decode": raw.decode(ids, skip_special_tokens=False),
            "decode_skip": raw.decode(ids, skip_special_tokens=True),
            "decode_special": raw.decode(ids_sp, skip_special_tokens=False),
            "decode_special_skip": raw.decode(ids_sp, skip_special_tokens=True),
        }
        rec["roundtrip"] = rec["decode"] == text
        rec["stream"] = stream_deltas(raw, ids, False)
        rec["stream_special"] = stream_deltas(raw, ids_sp, False)
        tf_ids = tf(text, add_special_tokens=False)["input_ids"]
        tf_ids_sp = tf(text)["input_ids"]
        rec["transformers"] = {
            "ids": tf_ids,
            "ids_special": tf_ids_sp,
            "decode": tf.decode(tf_ids_sp, skip_special_tokens=False),
            "decode_skip": tf.decode(tf_ids_sp, skip_special_tokens=True),
        }
        records.append(rec)
        stats["cases"] += 1
        if not rec["roundtrip"]:
            stats["roundtrip_fail"].append(case_name)
        if "".join(rec["stream"]) != rec["decode"]:
            stats["stream_mismatch"].append(case_name)
        if tf_ids != ids or tf_ids_sp != ids_sp or rec["transformers"]["decode"] != rec["decode_special"]:
            stats["transformers_differs"].append(case_name)
    write_jsonl(out_dir / f"{name}.jsonl", records)
    write_json(out_dir / f"{name}.meta.json", hf_meta(name, src, raw, tf))
    return stats


# ---------------------------------------------------------------------------------------
# 2. SentencePiece models, trained on the corpus.

SPM_VOCAB = 512


def spm_training_lines(corpus) -> list[str]:
    """Corpus lines plus repeated English/code/CJK prose.

    The repeats make common characters dominate, so character_coverage=0.98 (the lowest
    sentencepiece accepts) keeps ~100-170 characters and leaves room for real merges in a
    512-piece vocabulary; everything rarer goes through byte fallback.
    """
    by_name = dict(corpus)
    lines = [line for _, text in corpus for line in text.split("\n") if line.strip()]
    boost = ["en_prose", "en_sentence", "en_quotes", "contr_lower_all", "en_paragraphs",
             "code_python", "code_c_tabs", "code_cpp"]
    light = ["zh_simplified", "zh_long", "ja_kanji", "ko_hangul"]
    for _ in range(40):
        for name in boost:
            lines.extend(line for line in by_name[name].split("\n") if line.strip())
    for _ in range(8):
        for name in light:
            lines.extend(line for line in by_name[name].split("\n") if line.strip())
    return lines


def spm_train(lines: list[str], **options) -> bytes:
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buf,
        model_type="bpe",
        vocab_size=SPM_VOCAB,
        byte_fallback=True,
        character_coverage=0.98,
        num_threads=1,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        max_sentence_length=16384,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        minloglevel=2,
        **options,
    )
    return buf.getvalue()


def _cp_hex(s: str) -> str:
    return " ".join(f"{ord(c):X}" for c in s)


def _darts_prefix_matches(units, blob: bytes, key: bytes) -> list[tuple[int, bytes]]:
    """Every (length, replacement) whose key is a prefix of `key`, in a sentencepiece
    precompiled charsmap (a darts-clone double array; values are offsets of NUL-terminated
    replacements in `blob`)."""
    def offset(u):
        return (u >> 10) << ((u & (1 << 9)) >> 6)

    out = []
    pos = offset(units[0])
    for i, c in enumerate(key):
        pos ^= c
        u = units[pos]
        if (u & ((1 << 31) | 0xFF)) != c:
            break
        pos ^= offset(u)
        if (u >> 8) & 1:
            v = units[pos] & ((1 << 31) - 1)
            out.append((i + 1, blob[v:blob.index(b"\0", v)]))
    return out


def nfkc_subset_rules(nmt_nfkc_model: bytes, texts: list[str]) -> str:
    """Normalization rules (sentencepiece TSV) that reproduce nmt_nfkc exactly on `texts`.

    sentencepiece's built-in nmt_nfkc rule set compiles to a ~240 KB precompiled charsmap,
    too big for a fixture.  We read that charsmap out of a model trained with nmt_nfkc and
    keep every rule whose key occurs somewhere in `texts` (a common-prefix search at each
    character position).  The normalizer takes the longest matching key at each position;
    any key that can match inside a text is a substring of it, so the subset makes the same
    choices as the full set on these texts.  The C++ side only ever sees a precompiled
    charsmap, so this exercises the same code path as a full nmt_nfkc model.
    """
    from sentencepiece import sentencepiece_model_pb2

    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(nmt_nfkc_model)
    cm = proto.normalizer_spec.precompiled_charsmap
    n = struct.unpack("<I", cm[:4])[0]
    units = struct.unpack(f"<{n // 4}I", cm[4:4 + n])
    blob = cm[4 + n:]
    rules: dict[str, str] = {}
    for text in texts:
        data = text.encode("utf-8")
        starts = [0]
        for ch in text[:-1]:
            starts.append(starts[-1] + len(ch.encode("utf-8")))
        for i in starts:
            for length, repl in _darts_prefix_matches(units, blob, data[i:i + 64]):
                rules[data[i:i + length].decode("utf-8")] = repl.decode("utf-8")
    return "".join(f"{_cp_hex(k)}\t{_cp_hex(v)}\n" for k, v in sorted(rules.items()))


def _without_rule_tsv_path(model: bytes) -> bytes:
    """Drop the (temporary, random) rule-file path sentencepiece records in the model."""
    from sentencepiece import sentencepiece_model_pb2

    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model)
    proto.normalizer_spec.ClearField("normalization_rule_tsv")
    return proto.SerializeToString(deterministic=True)


def spm_truth(model: bytes, corpus, add_bos: bool) -> list[dict]:
    sp = spm.SentencePieceProcessor(model_proto=model)
    out = []
    for name, text in corpus:
        ids = sp.encode(text, out_type=int)
        pieces = sp.encode(text, out_type=str)
        rec = {
            "name": name,
            "ids": ids,
            "pieces": pieces,
            "ids_special": ([sp.bos_id()] if add_bos else []) + ids,
            "normalized": sp.normalize(text),
            "decode": sp.decode(ids),
        }
        rec["roundtrip"] = rec["decode"] == text
        out.append(rec)
    return out


def spm_tokenizer_config(legacy: bool) -> dict:
    return {
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": None,
        "clean_up_tokenization_spaces": False,
        "legacy": legacy,
        "model_max_length": 4096,
        "sp_model_kwargs": {},
        "tokenizer_class": "LlamaTokenizer",
        "added_tokens_decoder": {
            str(i): {"content": c, "lstrip": False, "normalized": False, "rstrip": False,
                     "single_word": False, "special": True}
            for i, c in enumerate(["<unk>", "<s>", "</s>"])
        },
    }


def spm_fixtures(root: Path, corpus) -> dict:
    lines = spm_training_lines(corpus)
    texts = [t for _, t in corpus] + lines
    report = {}

    # (a) nmt_nfkc-style model (sentencepiece's defaults for normalization and whitespace).
    reference = spm_train(lines, normalization_rule_name="nmt_nfkc")
    rules = nfkc_subset_rules(reference, texts)
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as f:
        f.write(rules)
        tsv = f.name
    try:
        model = _without_rule_tsv_path(spm_train(lines, normalization_rule_tsv=tsv))
    finally:
        os.unlink(tsv)
    truth = spm_truth(model, corpus, add_bos=True)
    ref_truth = spm_truth(reference, corpus, add_bos=True)
    same = [a["ids"] == b["ids"] and a["decode"] == b["decode"] for a, b in zip(truth, ref_truth)]
    if not all(same):
        raise RuntimeError("subset-normalizer model differs from the nmt_nfkc model on the corpus")
    d = root / "sentencepiece"
    d.mkdir(parents=True, exist_ok=True)
    (d / "tokenizer.model").write_bytes(model)
    write_json(d / "tokenizer_config.json", spm_tokenizer_config(legacy=True))
    write_jsonl(d / "expected.jsonl", truth)
    report["sentencepiece"] = {
        "bytes": len(model), "full_nmt_nfkc_bytes": len(reference),
        "rules": rules.count("\n"),
        "roundtrip_fail": [r["name"] for r in truth if not r["roundtrip"]],
    }

    # (b) Llama-2-style settings: identity normalization, keep whitespace runs, split digits.
    model = spm_train(lines, normalization_rule_name="identity", remove_extra_whitespaces=False,
                      split_digits=True, allow_whitespace_only_pieces=True)
    truth = spm_truth(model, corpus, add_bos=True)
    d = root / "sentencepiece_identity"
    d.mkdir(parents=True, exist_ok=True)
    (d / "tokenizer.model").write_bytes(model)
    write_json(d / "tokenizer_config.json", spm_tokenizer_config(legacy=True))
    write_jsonl(d / "expected.jsonl", truth)
    report["sentencepiece_identity"] = {
        "bytes": len(model),
        "roundtrip_fail": [r["name"] for r in truth if not r["roundtrip"]],
    }
    return report


# ---------------------------------------------------------------------------------------
# 3. tiktoken ranks in THUDM glm-4-9b-chat's format.

# THUDM glm-4-9b-chat tokenization_chatglm.py (ChatGLM4Tokenizer): the split regex and the
# special tokens, whose ids are len(mergeable_ranks) + index.
GLM4_PAT_STR = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
                r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
GLM4_SPECIAL_TOKENS = ["<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>",
                       "<|system|>", "<|user|>", "<|assistant|>", "<|observation|>",
                       "<|begin_of_image|>", "<|end_of_image|>", "<|begin_of_video|>",
                       "<|end_of_video|>"]
GLM4_RANKS = 5000


def gpt2_unicode_to_byte() -> dict[str, int]:
    """Inverse of GPT-2's bytes_to_unicode: printable stand-in character -> raw byte."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1))
                 + list(range(ord("\u00ae"), ord("\u00ff") + 1)))
    chars = list(printable)
    n = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(printable, chars)}


def glm4_ranks(tokenizers: Path) -> dict[bytes, int]:
    """The first GLM4_RANKS tokens of Qwen3's byte-level BPE, as raw bytes.

    Qwen's vocab ids equal BPE ranks (ids 0..255 are the single bytes, id 256+k is merge k),
    so any prefix of the id order is a self-consistent tiktoken ranks table.
    """
    tj = json.loads((tokenizers / "qwen3" / "tokenizer.json").read_text(encoding="utf-8"))
    u2b = gpt2_unicode_to_byte()
    by_id = {i: t for t, i in tj["model"]["vocab"].items()}
    ranks = {}
    for i in range(GLM4_RANKS):
        ranks[bytes(u2b[c] for c in by_id[i])] = i
    if len(ranks) != GLM4_RANKS or not all(bytes([b]) in ranks for b in range(256)):
        raise RuntimeError("ranks table must hold all 256 single bytes and no duplicates")
    return ranks


def glm4_fixture(root: Path, tokenizers: Path, corpus) -> dict:
    ranks = glm4_ranks(tokenizers)
    n = len(ranks)
    special = {tok: n + i for i, tok in enumerate(GLM4_SPECIAL_TOKENS)}
    enc = tiktoken.Encoding(name="pagoda_glm4_fixture", pat_str=GLM4_PAT_STR,
                            mergeable_ranks=ranks, special_tokens=special)
    d = root / "tiktoken_glm4"
    d.mkdir(parents=True, exist_ok=True)
    with open(d / "tokenizer.model", "w", encoding="ascii", newline="\n") as f:
        for tok, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
            f.write(f"{base64.b64encode(tok).decode('ascii')} {rank}\n")

    template_path = REPO / "tests" / "fixtures" / "chat_templates" / "templates" / "THUDM-glm-4-9b-chat.jinja"
    cfg = {
        "auto_map": {"AutoTokenizer": ["tokenization_chatglm.ChatGLM4Tokenizer", None]},
        "added_tokens_decoder": {
            str(i): {"content": tok, "lstrip": False, "normalized": False, "rstrip": False,
                     "single_word": False, "special": True}
            for tok, i in special.items()
        },
        "additional_special_tokens": GLM4_SPECIAL_TOKENS,
        "clean_up_tokenization_spaces": False,
        "chat_template": template_path.read_text(encoding="utf-8"),
        "do_lower_case": False,
        "eos_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>",
        "model_max_length": 128000,
        "padding_side": "left",
        "remove_space": False,
        "tokenizer_class": "ChatGLM4Tokenizer",
    }
    write_json(d / "tokenizer_config.json", cfg)

    prefix = [special["[gMASK]"], special["<sop>"]]
    records = []
    for name, text in corpus:
        ids = enc.encode(text, allowed_special="all")
        rec = {
            "name": name,
            "ids": ids,
            "ids_ordinary": enc.encode_ordinary(text),
            "ids_special": prefix + ids,
            "token_bytes": [enc.decode_single_token_bytes(i).hex() for i in ids],
            "decode": enc.decode(ids),
            "decode_skip": enc.decode([i for i in ids if i < n]),
            "decode_special": enc.decode(prefix + ids),
        }
        rec["roundtrip"] = rec["decode"] == text
        records.append(rec)
    write_jsonl(d / "expected.jsonl", records)
    return {"ranks": n, "special_ids": special, "bytes": (d / "tokenizer.model").stat().st_size,
            "roundtrip_fail": [r["name"] for r in records if not r["roundtrip"]]}


# ---------------------------------------------------------------------------------------


def generate(root: Path, tokenizers: Path) -> dict:
    root.mkdir(parents=True, exist_ok=True)
    tokenizer_corpus.write_corpus(root / "corpus.jsonl")
    corpus = tokenizer_corpus.read_corpus(root / "corpus.jsonl")
    if corpus != tokenizer_corpus.cases():
        raise RuntimeError("corpus.jsonl does not read back to the same cases")
    report = {"cases": len(corpus), "versions": {
        "python": sys.version.split()[0], "tokenizers": tokenizers.__version__,
        "transformers": transformers.__version__, "sentencepiece": spm.__version__,
        "tiktoken": tiktoken.__version__}}
    expected = root / "expected"
    expected.mkdir(exist_ok=True)
    for name in HF_TOKENIZERS:
        report[name] = hf_fixture(name, tokenizers, expected, corpus)
    report.update(spm_fixtures(root, corpus))
    report["tiktoken_glm4"] = glm4_fixture(root, tokenizers, corpus)
    return report


def compare_trees(a: Path, b: Path) -> list[str]:
    diffs = []
    for p in sorted(b.rglob("*")):
        if p.is_file():
            rel = p.relative_to(b)
            q = a / rel
            if not q.is_file() or not filecmp.cmp(p, q, shallow=False):
                diffs.append(str(rel))
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures" / "tokenizers")
    ap.add_argument("--tokenizers", type=Path, default=REPO / "tests" / "fixtures" / "tokenizers",
                    help="folder holding qwen3/, llama3/, llama2/ (default: the committed copies)")
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temporary folder and compare with --out")
    args = ap.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp), args.tokenizers)
            diffs = compare_trees(args.out, Path(tmp))
        print(json.dumps({"differs": diffs}, indent=2))
        return 1 if diffs else 0
    report = generate(args.out, args.tokenizers)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
