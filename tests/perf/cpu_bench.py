#!/usr/bin/env python3
"""Pagoda's CPU backend next to llama.cpp and transformers, measured in one run on this machine.

    bash tests/perf/run_cpu_bench.sh            # the way to run it: builds, sets up build/perf-venv, runs this
    bash tests/perf/run_cpu_bench.sh --quick    # tiny shapes, a few minutes: checks that every piece works
    bash tests/perf/run_cpu_bench.sh --rows prefill,bf16   # some rows only (report: build/perf-logs/cpu_bench-rows.md)
    build/perf-venv/bin/python tests/perf/cpu_bench.py --build-dir build --llama-cpp-src DIR [options]

The model is Qwen2.5-0.5B-shaped with random bf16 weights and tied embeddings, written by
tests/perf/make_bench_model.py into build/perf-models/ (once) and converted to a bf16 GGUF by llama.cpp's
own convert_hf_to_gguf.py (from the llama-cpp-python sdist that run_cpu_bench.sh unpacks). Measured:

  * read bandwidth of all cores (build/tests/perf/pagoda_memory_bandwidth), and from it the batch-1 decode
    bound: checkpoint tensor bytes (every weight is read once per token; the tied embedding matrix counts once,
    as the LM head) divided by that bandwidth;
  * decode tokens/s at batch 1: 64 prompt tokens, 128 generated, 1 / median time per output token (TPOT,
    first token excluded), over 3 requests one after the other;
  * throughput for 25 and for 64 concurrent requests of 64 random prompt tokens and 128 generated tokens,
    EOS ignored: (prompt + generated tokens of all requests) / wall time, as `pagoda bench` reports
    total_tokens_per_s;
  * prefill tokens/s for one prompt of 512, 2048 and 8192 random tokens (--prefill-lens): prompt length / time
    from handing over the prompt to the first token's logits, in-process after load and warm-up;
  * start to first token: wall time from spawning a process until it exits after generating one token for a
    64-token prompt (model load included; the Python peers skip interpreter teardown with os._exit).

Every engine decodes greedily (argmax), Pagoda with `pagoda bench --temperature 0`, so none pays for sampling
that another skips. --rows picks rows (decode, throughput, prefill, ttft; weights bf16, int8) to re-measure one
part quickly.

Peers, all with the same number of threads (default: every core):
  * Pagoda: `pagoda bench --temperature 0 --warmup 1` (its own random prompts) and `pagoda generate`; the same
    workloads again with `--quantization int8` when `pagoda bench --help` lists that option;
  * llama.cpp through llama-cpp-python's low-level bindings, bf16 GGUF (f16 if bf16 does not run): all sequences
    in one llama_decode batch with their own seq_id, greedy argmax over each sequence's logits, as
    llama-batched-bench does; prefill: the whole prompt in one llama_decode (llama-bench's pp test); when Pagoda
    has int8, also a Q8_0 GGUF as the like-for-like peer of those rows;
  * transformers on torch CPU, bf16 weights as stored: `generate` on a static batch of the same prompts,
    greedy, min_new_tokens = max_new_tokens, as vLLM's benchmark_throughput.py hf backend batches; prefill: one
    forward of the prompt with logits_to_keep=1.

Every measurement is repeated (--repeats, default 3) and the median reported; Pagoda's by separate processes,
the peers' inside one worker process each after a short untimed warm-up (Pagoda's: `--warmup 1`). A run that
takes longer than --long-seconds (default 60) is not repeated (the table says how many runs there were). Each
peer runs in its own subprocess, so a failure shows up in the table as "failed: <reason>" and the rest of the
run goes on. The run's expected duration is printed first (--estimate: only that). Writes
tests/perf/results/cpu_bench.md and cpu_bench.json (--quick: build/perf-logs/cpu_bench-quick.*; --rows:
build/perf-logs/cpu_bench-rows.*).

Does not: compare output quality (random weights), separate prompt processing from generation in the
throughput rows, use a GPU, sweep thread counts, or pin threads to cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib.metadata
import json
import os
import platform
import re
import shlex
import signal
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODEL_NAME = "qwen2.5-0.5b-random"
BUSY = 0.10  # other processes' share of the CPUs above which a run is flagged as disturbed


class Failed(Exception):
    """A measurement that could not be made; its message goes into the table."""


# --------------------------------------------------------------------------------------------------
# Workers: each runs in its own process (`cpu_bench.py _worker KIND ...`) and prints one JSON line.
# --------------------------------------------------------------------------------------------------

def random_prompts(seed: int, count: int, length: int, vocab: int) -> list[list[int]]:
    import numpy as np

    return np.random.default_rng(seed).integers(0, vocab, size=(count, length)).tolist()


def repeat_timed(run, repeats: int, long_seconds: float) -> list[dict]:
    """Runs `run()` up to `repeats` times; one run longer than `long_seconds` is enough."""
    results = []
    for _ in range(repeats):
        started = time.perf_counter()
        results.append(run())
        if time.perf_counter() - started > long_seconds:
            break
    return results


def llama_worker(args: argparse.Namespace) -> dict:
    import ctypes

    import numpy as np

    import llama_cpp as L

    L.llama_backend_init()
    mparams = L.llama_model_default_params()
    if args.no_extra_bufts:
        mparams.use_extra_bufts = False
    model = L.llama_model_load_from_file(str(args.gguf).encode(), mparams)
    if not model:
        raise Failed(f"llama_model_load_from_file could not load {args.gguf}")
    per_seq = -(-(args.input_len + args.output_len) // 256) * 256
    cparams = L.llama_context_default_params()
    cparams.n_ctx = args.batch * per_seq
    if args.prefill:
        # The whole prompt in one llama_decode (llama-bench's pp test), split by llama.cpp into micro-batches of
        # --ubatch tokens (default 2048: Pagoda's step budget, max_num_batched_tokens; llama.cpp's own default is 512).
        cparams.n_batch = args.input_len
        cparams.n_ubatch = min(args.input_len, args.ubatch)
    else:
        cparams.n_batch = 2048  # llama.cpp's defaults, and Pagoda's max_num_batched_tokens
        cparams.n_ubatch = 512
    cparams.n_seq_max = args.batch
    cparams.n_threads = cparams.n_threads_batch = args.threads
    ctx = L.llama_init_from_model(model, cparams)
    if not ctx:
        raise Failed("llama_init_from_model failed")
    n_vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))
    memory = L.llama_get_memory(ctx)
    batch = L.llama_batch_init(max(cparams.n_batch, args.batch), 0, 1)

    def decode(entries: list[tuple[int, int, int, bool]]) -> np.ndarray:
        """Feeds (token, position, sequence, wants_logits) entries; returns the argmax of each output row."""
        rows = []
        for begin in range(0, len(entries), cparams.n_batch):
            chunk = entries[begin:begin + cparams.n_batch]
            for i, (token, pos, seq, logits) in enumerate(chunk):
                batch.token[i] = token
                batch.pos[i] = pos
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = seq
                batch.logits[i] = logits
            batch.n_tokens = len(chunk)
            rc = L.llama_decode(ctx, batch)
            if rc != 0:
                raise Failed(f"llama_decode returned {rc} for a batch of {len(chunk)} tokens")
            n_out = sum(1 for e in chunk if e[3])
            if n_out:
                logits = np.ctypeslib.as_array(ctypes.cast(L.llama_get_logits(ctx), ctypes.POINTER(ctypes.c_float)),
                                               shape=(n_out, n_vocab))
                rows.append(logits.argmax(axis=1))
        return np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)

    prompts = random_prompts(args.seed, args.batch, args.input_len, n_vocab)

    def generate(input_len: int, output_len: int) -> dict:
        L.llama_memory_clear(memory, True)
        started = time.perf_counter()
        entries = [(tok, pos, seq, pos == input_len - 1)
                   for seq, prompt in enumerate(prompts) for pos, tok in enumerate(prompt[:input_len])]
        next_tokens = decode(entries)
        first = time.perf_counter()
        for step in range(output_len - 1):
            next_tokens = decode([(int(next_tokens[s]), input_len + step, s, True) for s in range(args.batch)])
        finished = time.perf_counter()
        total = args.batch * (input_len + output_len)
        return {"elapsed_s": finished - started, "total_tokens_per_s": total / (finished - started),
                "ttft_s": first - started,
                "tpot_s": (finished - first) / (output_len - 1) if output_len > 1 else None}

    def prefill() -> dict:
        L.llama_memory_clear(memory, True)
        started = time.perf_counter()
        decode([(tok, pos, 0, pos == args.input_len - 1) for pos, tok in enumerate(prompts[0])])
        elapsed = time.perf_counter() - started
        return {"elapsed_s": elapsed, "prefill_tokens_per_s": args.input_len / elapsed}

    if args.ttft:
        result = generate(args.input_len, 1)
        return {"first_token_s": result["ttft_s"]}
    generate(min(16, args.input_len), 2)  # warm-up, as llama-batched-bench does
    timed = prefill if args.prefill else lambda: generate(args.input_len, args.output_len)
    runs = repeat_timed(timed, args.repeats, args.long_seconds)
    return {"runs": runs, "system_info": L.llama_print_system_info().decode(errors="replace").strip(),
            "n_vocab": n_vocab, "n_batch": cparams.n_batch, "n_ubatch": cparams.n_ubatch}


def hf_worker(args: argparse.Namespace) -> dict:
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.generation.streamers import BaseStreamer

    torch.set_num_threads(args.threads)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.bfloat16)
    model.eval()
    vocab = model.config.vocab_size
    prompts = torch.tensor(random_prompts(args.seed, args.batch, args.input_len, vocab))

    class TokenTimes(BaseStreamer):
        """Timestamps each generated step (the first put() is the prompt)."""

        def __init__(self):
            self.times: list[float] = []
            self.seen_prompt = False

        def put(self, value):
            if self.seen_prompt:
                self.times.append(time.perf_counter())
            self.seen_prompt = True

        def end(self):
            pass

    def generate(input_len: int, output_len: int) -> dict:
        ids = prompts[:, :input_len]
        streamer = TokenTimes() if args.batch == 1 else None
        started = time.perf_counter()
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                 min_new_tokens=output_len, max_new_tokens=output_len, use_cache=True,
                                 pad_token_id=0, streamer=streamer)
        finished = time.perf_counter()
        if tuple(out.shape) != (args.batch, input_len + output_len):
            raise Failed(f"generate returned shape {tuple(out.shape)}, expected {(args.batch, input_len + output_len)}")
        result = {"elapsed_s": finished - started,
                  "total_tokens_per_s": args.batch * (input_len + output_len) / (finished - started)}
        if streamer and len(streamer.times) > 1:
            result["ttft_s"] = streamer.times[0] - started
            result["tpot_s"] = (streamer.times[-1] - streamer.times[0]) / (len(streamer.times) - 1)
        return result

    def prefill() -> dict:
        """One forward of the whole prompt that fills a fresh KV cache and gives the first token's logits
        (what generate(max_new_tokens=1) does, without its bookkeeping)."""
        ids = prompts[:1, :args.input_len]
        started = time.perf_counter()
        with torch.inference_mode():
            out = model(input_ids=ids, attention_mask=torch.ones_like(ids), use_cache=True, logits_to_keep=1)
            out.logits[:, -1].argmax(-1)
        elapsed = time.perf_counter() - started
        return {"elapsed_s": elapsed, "prefill_tokens_per_s": args.input_len / elapsed}

    if args.ttft:
        generate(args.input_len, 1)
        return {"first_token": True}
    generate(min(16, args.input_len), 2)  # warm-up: oneDNN primitives, allocator
    timed = prefill if args.prefill else lambda: generate(args.input_len, args.output_len)
    runs = repeat_timed(timed, args.repeats, args.long_seconds)
    return {"runs": runs, "torch_threads": torch.get_num_threads()}


def worker_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="cpu_bench.py _worker")
    parser.add_argument("kind", choices=["llama", "hf"])
    parser.add_argument("--gguf", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--input-len", type=int, default=64)
    parser.add_argument("--output-len", type=int, default=128)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--long-seconds", type=float, default=1e9)
    parser.add_argument("--ttft", action="store_true", help="load, generate one token, exit")
    parser.add_argument("--prefill", action="store_true",
                        help="time the prompt of --input-len tokens (batch 1) up to the first token's logits")
    parser.add_argument("--ubatch", type=int, default=2048, help="llama.cpp's n_ubatch in --prefill")
    parser.add_argument("--no-extra-bufts", action="store_true", help="llama.cpp: no AMX / repacked weights")
    args = parser.parse_args(argv)
    try:
        result = (llama_worker if args.kind == "llama" else hf_worker)(args)
    except Failed as e:
        print(f"cpu_bench worker: {e}", file=sys.stderr, flush=True)
        os._exit(1)
    print(json.dumps(result), flush=True)
    os._exit(0)  # skip interpreter teardown (it is not part of any measurement)


# --------------------------------------------------------------------------------------------------
# The driver.
# --------------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Cell:
    """One table entry: the median of its runs, or the reason there is none."""
    value: float | None = None
    runs: list[float] = dataclasses.field(default_factory=list)
    failed: str | None = None
    others: list[float] = dataclasses.field(default_factory=list)  # CPU share of other processes meanwhile
    detail: str = ""  # for the list of runs under the table

    @staticmethod
    def of(runs: list[float], others: list[float], detail: str = "") -> "Cell":
        return Cell(statistics.median(runs), runs, others=others, detail=detail)


def cpu_counters() -> tuple[float, float, float]:
    """(busy, total) CPU seconds of the whole machine from /proc/stat, and the CPU seconds of this
    process and its finished children: their difference is what other processes took."""
    ticks = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    busy = user + nice + system + irq + softirq + steal
    t = os.times()
    return busy / ticks, (busy + idle + iowait) / ticks, t.user + t.system + t.children_user + t.children_system


def others_share(before: tuple[float, float, float], after: tuple[float, float, float]) -> float:
    total = after[1] - before[1]
    return max(0.0, ((after[0] - before[0]) - (after[2] - before[2])) / total) if total > 0 else 0.0


@dataclasses.dataclass
class Run:
    stdout: str
    wall_s: float
    others: float  # share of all CPUs used by other processes while it ran


class Runner:
    """Runs subprocesses, keeps their stderr in build/perf-logs, turns failures into Failed.

    Every engine here uses all cores, so a compiler or another benchmark on the machine slows it badly
    (a thread team waits for its descheduled member at each barrier). Before each measured run the
    runner waits, up to `quiet_wait` seconds, for a second in which other processes use under 10% of
    the CPUs, and it records their share during the run."""

    def __init__(self, logs: Path, timeout: float, quiet_wait: float):
        self.logs = logs
        self.timeout = timeout
        self.quiet_wait = quiet_wait
        logs.mkdir(parents=True, exist_ok=True)

    def wait_for_quiet(self) -> None:
        deadline = time.monotonic() + self.quiet_wait
        while True:
            before = cpu_counters()
            time.sleep(1.0)
            share = others_share(before, cpu_counters())
            if share < 0.10 or time.monotonic() > deadline:
                if share >= 0.10:
                    log(f"other processes still use {share:.0%} of the CPUs; measuring anyway")
                return

    def run(self, name: str, cmd: list, timeout: float | None = None, measured: bool = True) -> Run:
        if measured and self.quiet_wait > 0:
            self.wait_for_quiet()
        log(f"{name}: {shlex.join(str(c) for c in cmd)}")
        before = cpu_counters()
        started = time.perf_counter()
        try:
            p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                               timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            raise Failed(f"timed out after {timeout or self.timeout:.0f} s") from None
        except OSError as e:
            raise Failed(str(e)) from None
        wall = time.perf_counter() - started
        (self.logs / f"{name}.stderr").write_text(p.stderr)
        if p.returncode < 0:
            raise Failed(f"crashed ({signal.Signals(-p.returncode).name})")
        if p.returncode != 0:
            raise Failed(f"exit code {p.returncode}: {error_line(p.stderr)}")
        return Run(p.stdout, wall, others_share(before, cpu_counters()))

    def json(self, name: str, cmd: list, timeout: float | None = None) -> tuple[dict, Run]:
        """The last JSON line a measured run prints, and the run (its wall time, other processes' CPU share)."""
        run = self.run(name, cmd, timeout)
        for line in reversed(run.stdout.splitlines()):
            if line.startswith("{"):
                return json.loads(line), run
        raise Failed(f"no JSON in the output of {name}")


def error_line(stderr: str) -> str:
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    for line in reversed(lines):
        if re.search(r"error|failed|cannot|exception|abort|killed|pagoda|worker", line, re.I):
            return line[:200]
    return (lines[-1][:200] if lines else "no output")


def log(message: str) -> None:
    print(f"[cpu_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


ROW_KINDS = ("decode", "throughput", "prefill", "ttft")
VARIANTS = ("bf16", "int8")


@dataclasses.dataclass
class Workload:
    key: str
    label: str
    batch: int          # requests in flight at once
    num_prompts: int    # requests in total
    metric: str         # "decode" (tok/s from TPOT), "throughput" (total tok/s) or "prefill" (prompt tok/s)
    input_len: int
    output_len: int


def workloads(args: argparse.Namespace) -> list[Workload]:
    """The in-process measurements --rows asks for (start to first token, a process's, is not one)."""
    io = f"{args.input_len} in + {args.output_len} out"
    result = []
    if "decode" in args.kinds:
        result.append(Workload("decode", f"decode, batch 1 ({io}), tok/s", 1, 3, "decode", args.input_len,
                               args.output_len))
    if "throughput" in args.kinds:
        for n in args.num_prompts:
            result.append(Workload(f"throughput_{n}", f"throughput, {n} concurrent requests ({io}), total tok/s",
                                   n, n, "throughput", args.input_len, args.output_len))
    if "prefill" in args.kinds:
        for n in args.prefill_lens:
            result.append(Workload(f"prefill_{n}", f"prefill {n} tokens, tok/s", 1, 1, "prefill", n, 1))
    return result


def parse_rows(text: str) -> tuple[set[str], set[str]]:
    """--rows: row kinds and weight variants; a group none of whose names is given is taken whole."""
    names = set(filter(None, text.split(",")))
    unknown = names - set(ROW_KINDS) - set(VARIANTS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown row(s) {', '.join(sorted(unknown))}; "
                                         f"choose from {', '.join(ROW_KINDS + VARIANTS)}")
    return (names & set(ROW_KINDS)) or set(ROW_KINDS), (names & set(VARIANTS)) or set(VARIANTS)


# Rough speeds on the 2-core Xeon of the last report, only for the duration estimate printed at the start where
# the last report's JSON has no figure: tok/s, and prefill seconds as a·n + b·n² for a prompt of n tokens (the
# second term is attention). Pagoda's a and b fit its 512- and 2048-token runs of 2026-12-07; the peers' a comes
# from 128-token runs and their b is a guess.
TYPICAL_RATES = {"decode": {"pagoda": 18, "pagoda_int8": 30, "llama": 20, "llama_q8_0": 22, "hf": 16},
                 "throughput": {"pagoda": 110, "pagoda_int8": 115, "llama": 125, "llama_q8_0": 130, "hf": 260}}
TYPICAL_PREFILL = {"pagoda": (4.9e-3, 2.3e-6), "pagoda_int8": (5.5e-3, 2.3e-6), "llama": (5.5e-3, 1.5e-6),
                   "llama_q8_0": (5.5e-3, 1.5e-6), "hf": (1.3e-3, 1e-6)}
STARTUP_S = {"pagoda": 0.5, "pagoda_int8": 2.0, "llama": 1.5, "llama_q8_0": 1.5, "hf": 4.0}


def estimate_seconds(args: argparse.Namespace, engines: list[str], previous: dict) -> float:
    """How long the measurements take: each workload's tokens at the last report's speed (or a typical one),
    repeated unless one run passes --long-seconds, plus process start-up and the quiet wait."""
    total = 0.0
    for engine in engines:
        cells = previous.get("engines", {}).get(engine, {}).get("cells", {})
        kind = "pagoda" if engine.startswith("pagoda") else "peer"
        for w in workloads(args):
            rate = cells.get(w.key, {}).get("value")
            if not rate and w.metric == "prefill":
                a, b = TYPICAL_PREFILL[engine]
                rate = 1.0 / (a + b * w.input_len)
            rate = rate or TYPICAL_RATES[w.metric][engine]
            requests = w.num_prompts if kind == "pagoda" else 1  # a peer's decode run is one request
            tokens = {"decode": requests * w.output_len, "throughput": w.num_prompts * (w.input_len + w.output_len),
                      "prefill": w.input_len}[w.metric]
            one = tokens / rate
            runs = 1 if one > args.long_seconds else args.repeats
            startup = STARTUP_S[engine] + 1.0  # the quiet wait is at least a second
            total += runs * (one + startup) if kind == "pagoda" else runs * one + startup + 1.0  # + warm-up
        if "ttft" in args.kinds:
            total += args.repeats * (STARTUP_S[engine] + 1.5)
    return total


# ---- setup ------------------------------------------------------------------------------------------

def ensure_model(runner: Runner, model_dir: Path) -> Path:
    # gguf_bench.py writes the same shape into the same folder as one shard with an index: either will do.
    if (model_dir / "config.json").exists() and any(model_dir.glob("*.safetensors")):
        return model_dir
    runner.run("make_bench_model", [sys.executable, HERE / "make_bench_model.py", model_dir], timeout=1800,
               measured=False)
    return model_dir


def checkpoint_bytes(model_dir: Path) -> dict:
    """Tensor bytes of the checkpoint (what one decode step reads) and how many of them are matrices."""
    total = matrix_elements = other_bytes = 0
    for path in sorted(model_dir.glob("*.safetensors")):
        with open(path, "rb") as f:
            header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
        for name, t in header.items():
            if name == "__metadata__":
                continue
            size = t["data_offsets"][1] - t["data_offsets"][0]
            total += size
            if len(t["shape"]) == 2:
                matrix_elements += t["shape"][0] * t["shape"][1]
            else:
                other_bytes += size
    return {"tensor_bytes": total, "matrix_elements": matrix_elements, "other_bytes": other_bytes}


def ensure_gguf(runner: Runner, args: argparse.Namespace, model_dir: Path, outtype: str) -> Path:
    out = args.models_dir / f"{MODEL_NAME}-{outtype}.gguf"
    weights = max(p.stat().st_mtime for p in model_dir.glob("*.safetensors"))
    if out.exists() and out.stat().st_mtime >= weights:
        return out
    if not args.llama_cpp_src:
        raise Failed("no llama.cpp source (--llama-cpp-src) for convert_hf_to_gguf.py")
    converter = args.llama_cpp_src / "vendor" / "llama.cpp" / "convert_hf_to_gguf.py"
    if not converter.exists():
        raise Failed(f"{converter} not found (llama-cpp-python sdist missing?)")
    tmp = out.with_suffix(".gguf.partial")
    started = time.perf_counter()
    try:
        runner.run(f"convert_hf_to_gguf-{outtype}",
                   [sys.executable, converter, model_dir, "--outtype", outtype, "--outfile", tmp], timeout=1800,
                   measured=False)
    except Failed as e:
        raise Failed(f"convert_hf_to_gguf.py --outtype {outtype}: {e}") from None
    tmp.rename(out)
    log(f"converted to {out.name} in {time.perf_counter() - started:.0f} s")
    return out


def llama_cpp_commit(src: Path | None, version: str | None) -> str:
    """llama-cpp-python's changelog names the llama.cpp commit each release vendors."""
    if not src or not version:
        return "unknown"
    try:
        text = (src / "CHANGELOG.md").read_text()
    except OSError:
        return "unknown"
    section = text.split(f"## [{version}]", 1)
    if len(section) < 2:
        return "unknown"
    m = re.search(r"llama\.cpp@([0-9a-f]{7,40})", section[1].split("\n## [", 1)[0])
    return m.group(1) if m else "unknown"


def machine_info() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    family = re.search(r"^cpu family\s*:\s*(\d+)$", cpuinfo, re.M)
    number = re.search(r"^model\s*:\s*(\d+)$", cpuinfo, re.M)
    flags = set((re.search(r"^flags\s*:\s*(.*)$", cpuinfo, re.M) or ["", ""])[1].split())
    cores = {(m.group(1), m.group(2)) for m in re.finditer(
        r"physical id\s*:\s*(\d+).*?core id\s*:\s*(\d+)", cpuinfo, re.S)}
    mem = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
    return {
        "cpu": (model.group(1).strip() if model else platform.processor())
        + (f" (family {family.group(1)}, model {number.group(1)})" if family and number else ""),
        "logical_cpus": os.cpu_count(),
        "physical_cores": len(cores) or None,
        "ram_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "flags": {f: f in flags for f in ("avx2", "fma", "f16c", "avx512f", "avx512_bf16", "amx_bf16")},
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def pagoda_revision() -> str:
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---- measurements -------------------------------------------------------------------------------------

def measure_bandwidth(runner: Runner, args: argparse.Namespace) -> tuple[Cell, dict]:
    binary = args.build_dir / "tests" / "perf" / "pagoda_memory_bandwidth"
    try:
        r, run = runner.json("memory_bandwidth", [binary, "--json", "--threads", args.threads,
                                                  "--repeats", 3 if args.quick else 10])
    except Failed as e:
        return Cell(failed=str(e)), {}
    return Cell(r["median_gb_s"], r["runs_gb_s"], others=[run.others]), r


def measure_pagoda(runner: Runner, args: argparse.Namespace, model_dir: Path, quantization: str | None,
                   generate_has_quantization: bool) -> dict:
    binary = args.build_dir / "app" / "pagoda"
    extra = ["--quantization", quantization] if quantization else []
    name = f"pagoda-{quantization}" if quantization else "pagoda"
    cells: dict[str, Cell] = {}
    for w in workloads(args):
        # Greedy, as the peers decode; one untimed warm-up request, as the peers' worker processes run one.
        cmd = [binary, "bench", "--model", model_dir, "--input-len", w.input_len, "--output-len", w.output_len,
               "--num-prompts", w.num_prompts, "--seed", args.seed, "--threads", args.threads, "--temperature", 0,
               "--warmup", 1, "--json", *extra] + (["--concurrency", 1] if w.batch == 1 else [])
        results, others = [], []
        try:
            for i in range(args.repeats):
                r, run = runner.json(f"{name}-{w.key}-{i + 1}", cmd)
                results.append(r)
                others.append(run.others)
                if run.wall_s > args.long_seconds:
                    break
        except Failed as e:
            cells[w.key] = Cell(failed=str(e))
            continue
        values = [1.0 / r["tpot_median_s"] if w.metric == "decode" else
                  w.input_len / r["ttft_median_s"] if w.metric == "prefill" else r["total_tokens_per_s"]
                  for r in results]
        detail = "load_s " + ", ".join(f"{r['load_s']:.2f}" for r in results)
        if any(r.get("preemptions") for r in results):
            detail += "; preemptions " + ", ".join(str(r["preemptions"]) for r in results)
        cells[w.key] = Cell.of(values, others, detail)
    if "ttft" not in args.kinds:
        return {"cells": cells, "info": {}}
    if quantization and not generate_has_quantization:
        cells["ttft"] = Cell(failed="`pagoda generate` has no --quantization")
        return {"cells": cells, "info": {}}
    ids = ",".join(map(str, random_prompts(args.seed, 1, args.input_len, args.vocab)[0]))
    cmd = [binary, "generate", "--model", model_dir, "--prompt-ids", ids, "--max-tokens", 1,
           "--threads", args.threads, *extra]
    try:
        runs = [runner.run(f"{name}-ttft-{i + 1}", cmd) for i in range(args.repeats)]
        cells["ttft"] = Cell.of([r.wall_s for r in runs], [r.others for r in runs])
    except Failed as e:
        cells["ttft"] = Cell(failed=str(e))
    return {"cells": cells, "info": {}}


def measure_peer(runner: Runner, args: argparse.Namespace, name: str, worker: list) -> dict:
    """The workloads and start-to-first-token of one peer, each in its own worker process."""
    cells: dict[str, Cell] = {}
    info: dict = {}
    common = ["--threads", args.threads, "--seed", args.seed, "--long-seconds", args.long_seconds]
    for w in workloads(args):
        shape = ["--input-len", w.input_len, "--output-len", w.output_len, "--batch", w.batch]
        prefill = ["--prefill", "--ubatch", args.llama_ubatch] if w.metric == "prefill" else []
        try:
            r, run = runner.json(f"{name}-{w.key}", worker + common + shape + prefill + ["--repeats", args.repeats])
        except Failed as e:
            cells[w.key] = Cell(failed=str(e))
            continue
        runs = r.pop("runs")
        batches = {k: r.pop(k) for k in ("n_batch", "n_ubatch") if k in r}
        if w.metric == "prefill" and batches:
            info.setdefault("prefill_batches", {})[w.key] = batches
        info = {**r, **info}
        cells[w.key] = Cell.of([1.0 / x["tpot_s"] if w.metric == "decode" else
                                x["prefill_tokens_per_s"] if w.metric == "prefill" else x["total_tokens_per_s"]
                                for x in runs], [run.others])
    if "ttft" not in args.kinds:
        return {"cells": cells, "info": info}
    common += ["--input-len", args.input_len, "--output-len", args.output_len]
    try:
        runs = [runner.run(f"{name}-ttft-{i + 1}", worker + common + ["--ttft"]) for i in range(args.repeats)]
        cells["ttft"] = Cell.of([r.wall_s for r in runs], [r.others for r in runs])
    except Failed as e:
        cells["ttft"] = Cell(failed=str(e))
    return {"cells": cells, "info": info}


def measure_llama(runner: Runner, args: argparse.Namespace, model_dir: Path, outtypes: list[str]) -> dict:
    """llama.cpp on the first GGUF type of `outtypes` that converts and runs.

    If a type crashes with llama.cpp's defaults, it is tried once more without the extra weight buffer
    types (AMX / repacked layouts; llama-cli's --no-repack), and the table says so."""
    status = args.llama_build_info.get("status", "ok")
    if status != "ok":
        return failed(args, status)
    if package_version("llama_cpp_python") is None:
        return failed(args, "llama-cpp-python is not installed in this Python")
    reasons = []
    for outtype in outtypes:
        try:
            gguf = ensure_gguf(runner, args, model_dir, outtype)
        except Failed as e:
            reasons.append(str(e))
            continue
        for flags in ([], ["--no-extra-bufts"]):
            worker = [sys.executable, __file__, "_worker", "llama", "--gguf", gguf, *flags]
            try:
                # A tiny run first: does this weight type run on the CPU backend at all?
                runner.run(f"llama-{outtype}-smoke", worker + ["--input-len", 4, "--output-len", 2, "--repeats", 1,
                                                               "--threads", args.threads], measured=False)
            except Failed as e:
                reasons.append(f"{outtype}{' ' + flags[0] if flags else ''}: {e}")
                log(f"llama.cpp: {reasons[-1]}")
                continue
            result = measure_peer(runner, args, f"llama-{outtype}", worker)
            result["info"]["weights"] = f"{outtype} GGUF" + (
                f" with use_extra_bufts off (with llama.cpp's defaults: {reasons[-1]})" if flags else "")
            if reasons and not flags:
                result["info"]["weights"] += f" ({'; '.join(reasons)})"
            # Said beside every figure of this engine in the table, not only under it.
            caveats = ([f"{outtype} GGUF"] if outtype != outtypes[0] else []) + (
                [f"weight repacking off: with llama.cpp's defaults it {reasons[-1].split(': ', 1)[-1]}"] if flags else [])
            if caveats:
                result["info"]["caveat"] = "; ".join(caveats)
            return result
    return failed(args, "; ".join(reasons))


def failed(args: argparse.Namespace, reason: str) -> dict:
    keys = [w.key for w in workloads(args)] + (["ttft"] if "ttft" in args.kinds else [])
    return {"cells": {k: Cell(failed=reason) for k in keys}, "info": {}}


# ---- the report --------------------------------------------------------------------------------------

def fmt_cell(c: Cell | None, repeats: int, digits: int = 1, caveat: str = "") -> str:
    if c is None:
        return "—"
    if c.failed:
        return f"failed: {c.failed}".replace("|", "\\|")
    runs = f" ({len(c.runs)} run{'s' if len(c.runs) > 1 else ''})" if len(c.runs) < repeats else ""
    busy = " †" if c.others and max(c.others) >= BUSY else ""
    return f"{c.value:.{digits}f}{runs}{busy}" + (f" ({caveat})" if caveat else "").replace("|", "\\|")


def ratio(ours: Cell | None, peer: Cell | None, lower_is_better: bool = False) -> str:
    if not ours or not peer or not ours.value or not peer.value:
        return "—"
    return f"{(peer.value / ours.value if lower_is_better else ours.value / peer.value):.2f}×"


def fall(cells: dict, first: str, last: str) -> str:
    a, b = cells.get(first), cells.get(last)
    if not (a and b and a.value and b.value):
        return "—"
    change = 1 - b.value / a.value
    return f"{change:.0%}" if change >= 0 else f"none (rises {-change:.0%})"


def table(args: argparse.Namespace, data: dict) -> list[str]:
    bw: Cell = data["bandwidth"]
    ckpt = data["checkpoint"]
    engines = data["engines"]
    rows = ["| workload | Pagoda | llama.cpp | transformers | Pagoda / llama.cpp | Pagoda / transformers "
            "| bandwidth bound | Pagoda / bound |", "|" + "---|" * 8]
    # (label suffix, Pagoda, llama.cpp, transformers, weight bytes read per decoded token, bound remark)
    variants = []
    if "bf16" in args.variants:
        variants.append(("", "pagoda", "llama", "hf", ckpt["tensor_bytes"], ""))
    if "pagoda_int8" in engines or "llama_q8_0" in engines:
        variants.append((", int8 weights (llama.cpp: Q8_0)", "pagoda_int8", "llama_q8_0", None,
                         ckpt["matrix_elements"] + ckpt["other_bytes"], " (≈: 1 byte per matrix weight)"))
    empty: dict = {}
    prefill = [w.key for w in workloads(args) if w.metric == "prefill"]
    for suffix, p_key, l_key, h_key, bytes_per_token, remark in variants:
        p, l, h = (engines.get(k, {}).get("cells", empty) if k else empty for k in (p_key, l_key, h_key))
        caveat = engines.get(l_key, {}).get("info", {}).get("caveat", "")

        def row(label: str, key: str, digits: int = 1, lower_is_better: bool = False, bound: str = "",
                frac: str = "") -> str:
            return (f"| {label} | {fmt_cell(p.get(key), args.repeats, digits)} | "
                    f"{fmt_cell(l.get(key), args.repeats, digits, caveat)} | "
                    f"{fmt_cell(h.get(key), args.repeats, digits)} | {ratio(p.get(key), l.get(key), lower_is_better)} "
                    f"| {ratio(p.get(key), h.get(key), lower_is_better)} | {bound} | {frac} |")

        for w in workloads(args):
            bound = frac = ""
            if w.metric == "decode":
                if bw.value:
                    b = bw.value * 1e9 / bytes_per_token
                    bound = f"{b:.1f} tok/s{remark}"
                    pv = p.get(w.key)
                    frac = f"{pv.value / b:.0%}" if pv and pv.value else "—"
                else:
                    bound = fmt_cell(bw, 1)
            rows.append(row(f"{w.label}{suffix}", w.key, bound=bound, frac=frac))
        if len(prefill) > 1:
            first, last = prefill[0], prefill[-1]
            rows.append(f"| prefill tok/s fall from {first.split('_')[1]} to {last.split('_')[1]} tokens (Pagoda's "
                        f"target: at most 25%){suffix} | {fall(p, first, last)} | {fall(l, first, last)} | "
                        f"{fall(h, first, last)} | | | | |")
        if "ttft" in args.kinds:
            rows.append(row(f"start to first token{suffix}, s (lower is better)", "ttft", 2, True))
    return rows


def write_report(args: argparse.Namespace, data: dict, out_md: Path) -> None:
    m, bw, ckpt, engines = data["machine"], data["bandwidth"], data["checkpoint"], data["engines"]
    lb = data["llama_build"]
    llama_info = engines.get("llama", {}).get("info", {})
    flags = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in m["flags"].items())
    kv_mb = 24 * 2 * 2 * 64 * 4 * (args.input_len + args.output_len) / 1e6
    lines = [
        "# CPU benchmark: Pagoda, llama.cpp, transformers",
        "",
        f"Measured {data['date']} with `tests/perf/run_cpu_bench.sh`"
        + (" in **--quick** mode (tiny shapes: a functional check, not a result)" if args.quick else "")
        + (f", only the rows `--rows {args.rows}`" if args.rows else "") + ".",
        "**Every engine decodes greedily** (argmax of the logits; Pagoda: `pagoda bench --temperature 0`), so no "
        "engine pays for sampling that another skips. Prefill rows: one prompt of that many random tokens, timed "
        "in-process after the model is loaded and warmed up, until the first token's logits (tokens ÷ seconds).",
        "Ratios are Pagoda's speed over the peer's, so above 1× Pagoda is faster (for start to first token: the "
        "peer's time ÷ Pagoda's). "
        + (f"Each number is the median of {args.repeats} runs unless it says otherwise." if args.repeats > 1
           else "Each number is a single run."),
        "",
        *table(args, data),
        "",
        f"Model: Qwen2.5-0.5B shape (hidden 896, 24 layers, 14 query / 2 KV heads, intermediate 4864, vocabulary "
        f"{args.vocab}, tied embeddings) with random bf16 weights: {ckpt['tensor_bytes'] / 1e6:.0f} MB of tensors, "
        "all read once per decoded token (the tied embedding matrix once, as the LM head; the embedding gather "
        "reads a single row). Bandwidth bound = those bytes ÷ the read bandwidth measured in this run"
        + (f" ({bw.value:.1f} GB/s)" if bw.value else "")
        + f"; KV-cache reads (at most ~{kv_mb:.0f} MB per token here, in fp32) are not counted.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}; {m['logical_cpus']} logical CPUs, {m['physical_cores']} cores; {m['ram_gib']} GiB RAM",
        f"- Flags: {flags}",
        f"- Memory read bandwidth, all cores: {fmt_cell(bw, 1, 2)}" + (
            f" GB/s (median of {len(bw.runs)} passes over 1 GiB, `pagoda_memory_bandwidth`, "
            f"{data['bandwidth_raw'].get('threads', '?')} threads, {data['bandwidth_raw'].get('isa', '?')} loads)"
            if bw.runs else ""),
        f"- Linux {m['kernel']}, Python {m['python']}; threads given to every engine: {args.threads}",
        "",
        "## Versions",
        "",
        f"- Pagoda: {data['pagoda_revision']}",
        f"- llama-cpp-python {package_version('llama_cpp_python') or lb.get('version', '?')} (llama.cpp "
        f"{data['llama_cpp_commit']}), built from the PyPI sdist with CMAKE_ARGS=\"{lb.get('cmake_args', '?')}\" "
        f"in {lb.get('build_seconds', '?')} s on {lb.get('built_at', '?')}; weights: "
        f"{llama_info.get('weights', 'bf16 GGUF')} from llama.cpp's convert_hf_to_gguf.py",
        *([f"- llama.cpp in the int8 rows: {engines['llama_q8_0']['info'].get('weights', 'failed')}"]
          if "llama_q8_0" in engines else []),
        f"- llama.cpp system info: `{llama_info.get('system_info', 'n/a')}`",
        f"- torch {package_version('torch')}, transformers {package_version('transformers')}, "
        f"numpy {package_version('numpy')}",
        "",
        "## How",
        "",
        f"- Command: `{args.command or shlex.join(sys.argv)}` ({data['wall_s'] / 60:.0f} min in all).",
        f"- Pagoda: `pagoda bench --model DIR --input-len {args.input_len} --output-len {args.output_len} "
        f"--num-prompts N --seed {args.seed} --threads {args.threads} --temperature 0 --warmup 1 --json` with N = "
        f"{', '.join(map(str, args.num_prompts))} (all concurrent; total_tokens_per_s) and, for decode, "
        "`--num-prompts 3 --concurrency 1` (1 / tpot_median_s); prefill: `--input-len L --output-len 1 "
        "--num-prompts 1 --concurrency 1` (L / ttft_median_s; prompts longer than --max-num-batched-tokens, "
        "default 2048, are prefilled in chunks of 2048 tokens, one engine step each; max_model_len is the model's "
        f"{args.max_position_embeddings}); one process per run; its own random prompts, greedy, EOS ignored; "
        "`--warmup 1` runs one untimed 16-token request first. Start to first token: `pagoda generate --model "
        f"DIR --prompt-ids <{args.input_len} ids> --max-tokens 1`, spawn to exit.",
        "- llama.cpp: llama-cpp-python's low-level API; n_batch 2048, n_ubatch 512, n_seq_max = requests, f16 KV "
        "cache, flash attention auto (the defaults); every prompt prefilled in one batch, then one llama_decode "
        "per step with one token per sequence, greedy argmax of each sequence's logits (llama-batched-bench's "
        "pattern). Prefill: the whole prompt in one llama_decode (llama-bench's pp test) with n_batch = prompt "
        f"length and n_ubatch = min(prompt length, {args.llama_ubatch}) (`--llama-ubatch`; llama.cpp's default "
        "n_ubatch is 512, Pagoda's step budget 2048), n_ctx = prompt rounded up to 256. Start to first token: a "
        "fresh Python process that imports llama_cpp, loads the GGUF and decodes the prompt.",
        f"- transformers: `from_pretrained(dtype=torch.bfloat16)`, `torch.set_num_threads({args.threads})`, "
        f"`generate(do_sample=False, min_new_tokens=max_new_tokens={args.output_len})` on one static batch of "
        "all prompts (benchmark_throughput.py's hf backend); batch-1 decode timed per step with a streamer. "
        "Prefill: one `model(input_ids, use_cache=True, logits_to_keep=1)` forward of the prompt and the argmax "
        "of its last logits (generate(max_new_tokens=1) without its bookkeeping), attention as transformers "
        "chooses (sdpa). Start to first token: a fresh Python process that imports torch and transformers, loads "
        "and generates.",
        "- int8 rows (when `pagoda bench --help` lists `--quantization`): Pagoda with `--quantization int8` "
        "against llama.cpp on a Q8_0 GGUF (8-bit weights, one scale per 32) from the same converter; "
        "transformers has no counterpart there. A GGUF type that crashes with llama.cpp's defaults is run again "
        "with use_extra_bufts off (no AMX / repacked weight layouts, llama-cli's --no-repack); every llama.cpp "
        "figure from such a run says so in its table cell.",
        "- llama.cpp and transformers get the same random prompts and run one untimed warm-up generation "
        f"(16-token prompt, 2 tokens) per worker process; a run of any engine longer than {args.long_seconds:.0f} s "
        "is not repeated (the table says how many runs a figure has). Throughput = (prompt + generated tokens of all requests) ÷ wall time, as in `pagoda bench`.",
        "",
        "## Runs",
        "",
        "Each run's values, then the share of all CPUs that other processes took while it ran (from "
        "/proc/stat minus this benchmark's own CPU time; one figure per process, so a peer's in-process "
        f"repeats share one). † in the table: some run of that cell had other processes above {BUSY:.0%}.",
        "",
    ]
    if bw.runs:
        lines.append(f"- memory bandwidth, GB/s: {', '.join(f'{v:.1f}' for v in bw.runs)} (other processes: "
                     f"{', '.join(f'{o:.0%}' for o in bw.others)})")
    names = {"pagoda": "Pagoda", "pagoda_int8": "Pagoda int8", "llama": "llama.cpp",
             "llama_q8_0": "llama.cpp Q8_0", "hf": "transformers"}
    for key, result in engines.items():
        for workload, c in result["cells"].items():
            if c.runs:
                lines.append(f"- {names[key]}, {workload}: " + ", ".join(f"{v:.4g}" for v in c.runs)
                             + f" (other processes: {', '.join(f'{o:.0%}' for o in c.others)} of the CPUs"
                             + (f"; {c.detail})" if c.detail else ")"))
    if "pagoda_int8" not in engines and "int8" in args.variants:
        lines.append("- `pagoda bench --help` lists no `--quantization`, so there are no int8 rows.")
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text("\n".join(lines) + "\n")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        worker_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--build-dir", type=Path, default=REPO / "build")
    parser.add_argument("--models-dir", type=Path, help="default: BUILD_DIR/perf-models")
    parser.add_argument("--llama-cpp-src", type=Path, help="the unpacked llama-cpp-python sdist")
    parser.add_argument("--llama-cpp-build-info", type=Path, help="the JSON run_cpu_bench.sh writes")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--input-len", type=int, default=64)
    parser.add_argument("--output-len", type=int, default=128)
    parser.add_argument("--num-prompts", type=lambda s: [int(x) for x in s.split(",")], default=[25, 64],
                        help="comma-separated throughput workloads, all requests concurrent (default 25,64)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--long-seconds", type=float, default=60.0,
                        help="a run (of any engine) longer than this is not repeated (default 60)")
    parser.add_argument("--rows", default="",
                        help="comma-separated rows to measure: any of decode, throughput, prefill, ttft (start to "
                             "first token) and the weights bf16, int8; a group left unnamed is measured whole, "
                             "so 'prefill' is the prefill rows of both weights and 'int8' all int8 rows "
                             "(default: everything)")
    parser.add_argument("--prefill-lens", type=lambda s: [int(x) for x in s.split(",")], default=[512, 2048, 8192],
                        help="comma-separated prompt lengths of the prefill rows (default 512,2048,8192)")
    parser.add_argument("--llama-ubatch", type=int, default=2048,
                        help="llama.cpp's n_ubatch in the prefill rows (default 2048, Pagoda's step budget; "
                             "llama.cpp's own default is 512)")
    parser.add_argument("--skip", default="", help="comma-separated engines to leave out: pagoda, llama, hf")
    parser.add_argument("--quick", action="store_true",
                        help="16 in / 8 out, 4 and 8 requests, prefill 32 and 128 tokens, 1 run: a functional "
                             "check, not a result")
    parser.add_argument("--out", type=Path, help="markdown report (default tests/perf/results/cpu_bench.md)")
    parser.add_argument("--command", help="the command line to record in the report")
    parser.add_argument("--estimate", action="store_true", help="print the expected duration and exit")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per subprocess, seconds (default 3600)")
    parser.add_argument("--quiet-wait", type=float, default=60.0,
                        help="before each measured run, wait up to this many seconds for other processes to "
                             "leave the CPUs (under 10%% busy); 0 disables (default 60)")
    args = parser.parse_args()
    try:
        args.kinds, args.variants = parse_rows(args.rows)
    except argparse.ArgumentTypeError as e:
        parser.error(f"--rows: {e}")
    if args.quick:
        args.input_len, args.output_len, args.num_prompts, args.repeats = 16, 8, [4, 8], 1
        args.prefill_lens = [32, 128]
    args.models_dir = args.models_dir or args.build_dir / "perf-models"
    logs = args.build_dir / "perf-logs"
    out_md = args.out or (logs / "cpu_bench-quick.md" if args.quick else logs / "cpu_bench-rows.md" if args.rows
                          else HERE / "results" / "cpu_bench.md")
    llama_build = {}
    if args.llama_cpp_build_info and args.llama_cpp_build_info.exists():
        llama_build = json.loads(args.llama_cpp_build_info.read_text())
    args.llama_build_info = llama_build
    skip = set(filter(None, args.skip.split(",")))

    started = time.perf_counter()
    runner = Runner(logs, args.timeout, args.quiet_wait)
    try:
        model_dir = ensure_model(runner, args.models_dir / MODEL_NAME)
    except Failed as e:
        sys.exit(f"cpu_bench: could not write the benchmark model with make_bench_model.py: {e}")
    config = json.loads((model_dir / "config.json").read_text())
    args.vocab, args.max_position_embeddings = config["vocab_size"], config["max_position_embeddings"]
    too_long = [n for n in args.prefill_lens if n + 1 > args.max_position_embeddings]
    if "prefill" in args.kinds and too_long:
        sys.exit(f"cpu_bench: prefill lengths {too_long} do not fit the model's max_position_embeddings "
                 f"{args.max_position_embeddings}")
    data: dict = {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                  "machine": machine_info(), "checkpoint": checkpoint_bytes(model_dir),
                  "pagoda_revision": pagoda_revision(), "llama_build": llama_build,
                  "llama_cpp_commit": llama_cpp_commit(args.llama_cpp_src, package_version("llama_cpp_python"))}


    def has_quantization(command: str) -> bool:
        try:
            return "--quantization" in runner.run(f"pagoda-{command}-help", [args.build_dir / "app" / "pagoda",
                                                                             command, "--help"], measured=False).stdout
        except Failed:
            return False

    int8 = "int8" in args.variants and has_quantization("bench")
    bf16 = "bf16" in args.variants
    planned = [e for e, wanted in [("pagoda", bf16 and "pagoda" not in skip),
                                   ("pagoda_int8", int8 and "pagoda" not in skip),
                                   ("llama", bf16 and "llama" not in skip),
                                   ("llama_q8_0", int8 and "llama" not in skip), ("hf", bf16 and "hf" not in skip)]
               if wanted]
    previous_json = HERE / "results" / "cpu_bench.json"
    previous = json.loads(previous_json.read_text()) if previous_json.exists() and not args.quick else {}
    log(f"estimated duration of the measurements: about {estimate_seconds(args, planned, previous) / 60:.0f} min "
        f"({', '.join(planned)}; speeds from {previous_json.name if previous else 'typical figures'}, not "
        "counting GGUF conversion or waits for a quiet machine)")
    if args.estimate:
        return

    if "decode" in args.kinds:
        data["bandwidth"], data["bandwidth_raw"] = measure_bandwidth(runner, args)
    else:
        data["bandwidth"], data["bandwidth_raw"] = Cell(failed="not measured (--rows has no decode)"), {}

    engines: dict = {}
    if "pagoda" in planned:
        engines["pagoda"] = measure_pagoda(runner, args, model_dir, None, False)
    if "pagoda_int8" in planned:
        engines["pagoda_int8"] = measure_pagoda(runner, args, model_dir, "int8", has_quantization("generate"))
    if "llama" in planned:
        engines["llama"] = measure_llama(runner, args, model_dir, ["bf16", "f16"])
    if "llama_q8_0" in planned:
        engines["llama_q8_0"] = measure_llama(runner, args, model_dir, ["q8_0"])
    if "hf" in planned:
        engines["hf"] = measure_peer(runner, args, "hf", [sys.executable, __file__, "_worker", "hf",
                                                           "--model", model_dir])
    data["engines"] = engines
    data["wall_s"] = time.perf_counter() - started

    write_report(args, data, out_md)
    out_md.with_suffix(".json").write_text(json.dumps(
        {**data, "args": vars(args)}, indent=1,
        default=lambda o: dataclasses.asdict(o) if isinstance(o, Cell) else str(o)))
    log(f"wrote {out_md} after {data['wall_s'] / 60:.1f} min")
    print(out_md.read_text())


if __name__ == "__main__":
    main()
