#!/usr/bin/env python3
"""Baseline numbers for Hugging Face `tokenizers` (Python bindings, Rust core) on this machine.

    python tests/perf/tokenizer_bench_hf.py [--tokenizer tests/fixtures/tokenizers/qwen3/tokenizer.json]
                                            [--corpus FILE] [--repeats 3]

Measures, single-threaded (RAYON_NUM_THREADS=1, TOKENIZERS_PARALLELISM=false):

  * load: Tokenizer.from_file of tokenizer.json, median of 5 runs, each in a fresh Python
    process (the timer wraps only from_file, not interpreter start-up or import), plus the
    median of 5 back-to-back loads inside this process;
  * encode_per_line: one Tokenizer.encode(line, add_special_tokens=False) call per line of
    the benchmark corpus, lines split on "\\n" only as tests/perf/tokenizer_bench.cpp does
    (the shape of a C++ loop over lines); MB/s counts the UTF-8 bytes of the lines,
    newlines excluded;
  * encode_whole_text: one encode of the whole ~10 MB text;
  * encode_batch_lines_1thread: encode_batch over all lines with one thread (no per-call
    Python overhead; for reference only);
  * decode_whole_text: decode of the ids from encode_whole_text.

MB means 10^6 bytes.  Each throughput is the best of --repeats runs; every encode run uses
a freshly loaded Tokenizer (cold BPE word cache), as the C++ benchmark does.  The corpus is
the file written by tests/perf/make_bench_corpus.py (built in memory when --corpus is not
given), so the C++ benchmark reads the identical text.  Prints one JSON object.
"""

from __future__ import annotations

import os

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import tokenizers  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_bench_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_TOKENIZER = REPO / "tests" / "fixtures" / "tokenizers" / "qwen3" / "tokenizer.json"

_LOAD_SNIPPET = """
import os, sys, time
os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
from tokenizers import Tokenizer
t0 = time.perf_counter()
tok = Tokenizer.from_file(sys.argv[1])
t1 = time.perf_counter()
assert tok.get_vocab_size() > 0
print(t1 - t0)
"""


def load_fresh_process(path: Path, runs: int = 5) -> list[float]:
    out = []
    for _ in range(runs):
        res = subprocess.run([sys.executable, "-c", _LOAD_SNIPPET, str(path)], check=True,
                             capture_output=True, text=True, env=dict(os.environ))
        out.append(float(res.stdout.strip()))
    return out


def load_in_process(path: Path, runs: int = 5) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        tok = Tokenizer.from_file(str(path))
        out.append(time.perf_counter() - t0)
        del tok
    return out


def best_of(fn, repeats: int, path: Path | None = None) -> tuple[float, object]:
    """Best wall time of `repeats` runs of fn(tok).  With `path`, every run gets a freshly
    loaded Tokenizer (not timed), so no run profits from the BPE word cache an earlier run
    filled; the C++ benchmark does the same."""
    best, result = None, None
    tok = None
    for _ in range(repeats):
        if path is not None:
            tok = Tokenizer.from_file(str(path))
        t0 = time.perf_counter()
        result = fn(tok)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, result


def bench(tokenizer_path: Path, text: str, repeats: int) -> dict:
    data = text.encode("utf-8")
    # Lines as the C++ benchmark splits them: on "\n" only, no empty line after the last "\n".
    lines = (text[:-1] if text.endswith("\n") else text).split("\n")
    line_bytes = sum(len(s.encode("utf-8")) for s in lines)
    fresh = load_fresh_process(tokenizer_path)
    inproc = load_in_process(tokenizer_path)

    def per_line(tok):
        n = 0
        for s in lines:
            n += len(tok.encode(s, add_special_tokens=False).ids)
        return n

    def whole(tok):
        return tok.encode(text, add_special_tokens=False).ids

    def batch(tok):
        return sum(len(e.ids) for e in tok.encode_batch(lines, add_special_tokens=False))

    t_line, n_line = best_of(per_line, repeats, tokenizer_path)
    t_whole, ids = best_of(whole, repeats, tokenizer_path)
    t_batch, n_batch = best_of(batch, repeats, tokenizer_path)
    dec_tok = Tokenizer.from_file(str(tokenizer_path))
    t_dec, decoded = best_of(lambda _: dec_tok.decode(ids, skip_special_tokens=False), repeats)
    return {
        "tokenizer": str(tokenizer_path),
        "tokenizer_sha256": hashlib.sha256(tokenizer_path.read_bytes()).hexdigest(),
        "load_fresh_process_s": {"median": statistics.median(fresh), "runs": fresh},
        "load_in_process_s": {"median": statistics.median(inproc), "runs": inproc},
        "encode_per_line": {"seconds": t_line, "bytes": line_bytes, "lines": len(lines),
                            "tokens": n_line, "MB_per_s": line_bytes / t_line / 1e6,
                            "us_per_line": t_line / len(lines) * 1e6},
        "encode_whole_text": {"seconds": t_whole, "bytes": len(data), "tokens": len(ids),
                              "MB_per_s": len(data) / t_whole / 1e6},
        "encode_batch_lines_1thread": {"seconds": t_batch, "tokens": n_batch,
                                       "MB_per_s": line_bytes / t_batch / 1e6},
        "decode_whole_text": {"seconds": t_dec, "MB_per_s": len(decoded.encode("utf-8")) / t_dec / 1e6,
                              "roundtrip": decoded == text},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="HF tokenizers load/encode baseline")
    ap.add_argument("--tokenizer", type=Path, action="append",
                    help=f"tokenizer.json (repeatable; default {DEFAULT_TOKENIZER})")
    ap.add_argument("--corpus", type=Path, help="benchmark corpus (default: build it in memory)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    # read_bytes + decode, not read_text: read_text would turn "\r\n" and lone "\r" into "\n".
    text = args.corpus.read_bytes().decode("utf-8") if args.corpus else make_bench_corpus.build()
    data = text.encode("utf-8")
    result = {
        "machine": {"platform": platform.platform(), "processor": platform.processor(),
                    "cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "tokenizers": tokenizers.__version__},
        "corpus": {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                   "source": str(args.corpus) if args.corpus else "make_bench_corpus.build()"},
        "results": [bench(p, text, args.repeats) for p in (args.tokenizer or [DEFAULT_TOKENIZER])],
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
