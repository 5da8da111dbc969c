#!/usr/bin/env python3
"""Pagoda and llama.cpp on the same GGUF files, same threads, one run (issue 18, "Performance").

    bash tests/perf/run_gguf_bench.sh            # the way to run it: setup as run_cpu_bench.sh, then this
    bash tests/perf/run_gguf_bench.sh --quick    # a tiny model, one run each: checks that every piece works
    build/perf-venv/bin/python tests/perf/gguf_bench.py --build-dir build --llama-cpp-src DIR [options]

Models: Qwen2.5-0.5B-shaped and Qwen2.5-3B-shaped Qwen2 checkpoints (real dimensions, vocabulary 151936, tied
embeddings, q/k/v bias) with random bf16 weights (normal, std 0.02, as transformers initializes them), the Qwen
tokenizer of tests/fixtures/tokenizers/qwen3, written into build/perf-models/; converted by llama.cpp's own
convert_hf_to_gguf.py to a BF16 GGUF and quantized by llama.cpp's quantizer (llama_cpp.llama_model_quantize) to
Q4_K_M and Q8_0 (--quants). Both engines then read exactly those .gguf files.

Measured for each model and quant, with the same number of threads (default: every core):
  * decode at batch 1: 64 prompt tokens, 128 generated, 1 / median time per output token (first token excluded);
  * prefill of 512 tokens: 512 / time to first token of a lone 512-token request;
  * 25 concurrent requests of 64 random prompt tokens and 128 generated tokens, EOS ignored: generated tokens of
    all requests / wall time (aggregate output tokens/s);
  * start to first token: spawn a process, load the file, prefill 64 tokens, generate one token, exit;
  * the batch-1 decode bound: the tensor bytes a decoded token reads (every tensor of the file; the token embedding
    only where it is also the LM head, i.e. tied) / the read bandwidth of pagoda_memory_bandwidth.

Pagoda: `pagoda bench --model FILE.gguf ... --json` (one process per run) and `pagoda generate --model FILE.gguf
--prompt-ids ... --max-tokens 1`. llama.cpp: cpu_bench.py's worker, llama-cpp-python's low-level API, all requests
in one llama_batch with their own seq_id (as llama-batched-bench), f16 KV cache and flash attention auto (its
defaults); if a file crashes llama.cpp with its default weight buffer types (AMX, repacked layouts), it runs again
without them, and the report says so. A side that fails shows up as "failed: <reason>" and the run goes on.
Medians of --repeats runs. Writes tests/perf/results/gguf_bench.md and .json (--quick: build/perf-logs/).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import shlex
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cpu_bench as cb  # noqa: E402  the same runner, cells, machine facts and llama.cpp worker
from cpu_bench import Cell, Failed, log  # noqa: E402

REPO = HERE.parents[1]
TOKENIZER = REPO / "tests" / "fixtures" / "tokenizers" / "qwen3"
VOCAB = 151936


@dataclasses.dataclass(frozen=True)
class Shape:
    key: str
    label: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    intermediate: int


SHAPES = {
    "0.5b": Shape("0.5b", "Qwen2.5-0.5B", 896, 24, 14, 2, 4864),
    "3b": Shape("3b", "Qwen2.5-3B", 2048, 36, 16, 2, 11008),
    "tiny": Shape("tiny", "tiny Qwen2 (--quick)", 256, 2, 4, 2, 512),
}
IN, OUT, PREFILL, CONCURRENT = 64, 128, 512, 25


# ---- models --------------------------------------------------------------------------------------------------------

def write_checkpoint(shape: Shape, out: Path) -> None:
    """A Qwen2 checkpoint of `shape` with random bf16 weights, written tensor by tensor (the 3B one never sits in
    memory whole; a transformers model would first build it in f32: 12 GB)."""
    import shutil

    import torch
    from safetensors.torch import save_file
    from transformers import Qwen2Config

    out.mkdir(parents=True, exist_ok=True)
    config = Qwen2Config(vocab_size=VOCAB, hidden_size=shape.hidden, intermediate_size=shape.intermediate,
                         num_hidden_layers=shape.layers, num_attention_heads=shape.heads,
                         num_key_value_heads=shape.kv_heads, max_position_embeddings=32768, rope_theta=1000000.0,
                         rms_norm_eps=1e-6, tie_word_embeddings=True, bos_token_id=151643, eos_token_id=151645,
                         torch_dtype="bfloat16", architectures=["Qwen2ForCausalLM"])
    config.to_json_file(out / "config.json")
    head_dim = shape.hidden // shape.heads
    kv = shape.kv_heads * head_dim
    gen = torch.Generator().manual_seed(0)

    def normal(*size):
        return (torch.randn(*size, generator=gen) * 0.02).to(torch.bfloat16)

    def ones(n):
        return torch.ones(n, dtype=torch.bfloat16)

    def zeros(n):
        return torch.zeros(n, dtype=torch.bfloat16)

    shards, index = [], {}
    current: dict = {"model.embed_tokens.weight": normal(VOCAB, shape.hidden), "model.norm.weight": ones(shape.hidden)}
    for i in range(shape.layers):
        p = f"model.layers.{i}."
        current.update({
            p + "input_layernorm.weight": ones(shape.hidden), p + "post_attention_layernorm.weight": ones(shape.hidden),
            p + "self_attn.q_proj.weight": normal(shape.hidden, shape.hidden), p + "self_attn.q_proj.bias": zeros(shape.hidden),
            p + "self_attn.k_proj.weight": normal(kv, shape.hidden), p + "self_attn.k_proj.bias": zeros(kv),
            p + "self_attn.v_proj.weight": normal(kv, shape.hidden), p + "self_attn.v_proj.bias": zeros(kv),
            p + "self_attn.o_proj.weight": normal(shape.hidden, shape.hidden),
            p + "mlp.gate_proj.weight": normal(shape.intermediate, shape.hidden),
            p + "mlp.up_proj.weight": normal(shape.intermediate, shape.hidden),
            p + "mlp.down_proj.weight": normal(shape.hidden, shape.intermediate)})
        if sum(t.numel() * 2 for t in current.values()) > 2e9 or i == shape.layers - 1:
            shards.append(current)
            current = {}
    names = [f"model-{n + 1:05d}-of-{len(shards):05d}.safetensors" for n in range(len(shards))]
    for name, tensors in zip(names, shards):
        save_file(tensors, str(out / name), metadata={"format": "pt"})
        index.update({k: name for k in tensors})
    total = sum(t.numel() * 2 for s in shards for t in s.values())
    (out / "model.safetensors.index.json").write_text(json.dumps({"metadata": {"total_size": total},
                                                                  "weight_map": index}, indent=1))
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(TOKENIZER / name, out / name)


def quantize_main(argv: list[str]) -> None:
    """`_quantize SRC OUT TYPE`: llama.cpp's quantizer, in its own process (a crash is a failed cell)."""
    import ctypes

    import llama_cpp as L

    src, out, kind = argv
    ftypes = {"Q4_K_M": L.LLAMA_FTYPE_MOSTLY_Q4_K_M, "Q8_0": L.LLAMA_FTYPE_MOSTLY_Q8_0,
              "Q4_0": L.LLAMA_FTYPE_MOSTLY_Q4_0, "Q6_K": L.LLAMA_FTYPE_MOSTLY_Q6_K, "Q5_K_M": L.LLAMA_FTYPE_MOSTLY_Q5_K_M}
    L.llama_backend_init()
    params = L.llama_model_quantize_default_params()
    params.ftype = ftypes[kind]
    params.nthread = os.cpu_count()
    rc = L.llama_model_quantize(src.encode(), out.encode(), ctypes.byref(params))
    if rc != 0:
        print(f"llama_model_quantize returned {rc}", file=sys.stderr)
        os._exit(1)
    os._exit(0)


def ensure_gguf(runner: cb.Runner, args: argparse.Namespace, shape: Shape, quant: str) -> Path:
    base = args.models_dir / f"qwen2.5-{shape.key}-random"
    out = args.models_dir / f"qwen2.5-{shape.key}-random-{quant}.gguf"
    if out.exists():
        return out
    if not (base / "model.safetensors.index.json").exists():
        log(f"writing the {shape.label}-shaped checkpoint into {base}")
        started = time.perf_counter()
        write_checkpoint(shape, base)
        log(f"wrote it in {time.perf_counter() - started:.0f} s")
    bf16 = args.models_dir / f"qwen2.5-{shape.key}-random-BF16.gguf"
    if not bf16.exists():
        converter = args.llama_cpp_src / "vendor" / "llama.cpp" / "convert_hf_to_gguf.py" if args.llama_cpp_src else None
        if not converter or not converter.exists():
            raise Failed(f"convert_hf_to_gguf.py not found under {args.llama_cpp_src} (llama-cpp-python sdist missing?)")
        tmp = bf16.with_suffix(".partial")
        runner.run(f"convert-{shape.key}-bf16", [sys.executable, converter, base, "--outtype", "bf16", "--outfile", tmp],
                   timeout=3600, measured=False)
        tmp.rename(bf16)
    tmp = out.with_suffix(".partial")
    runner.run(f"quantize-{shape.key}-{quant}", [sys.executable, __file__, "_quantize", bf16, tmp, quant], timeout=3600,
               measured=False)
    tmp.rename(out)
    return out


def bytes_per_token(gguf: Path) -> dict:
    """Tensor bytes of the file and those a decoded token reads (all but an untied token embedding)."""
    import gguf as gg

    reader = gg.GGUFReader(str(gguf))
    sizes = {t.name: int(t.n_bytes) for t in reader.tensors}
    total = sum(sizes.values())
    read = total - (sizes.get("token_embd.weight", 0) if "output.weight" in sizes else 0)
    return {"tensor_bytes": total, "bytes_per_token": read}


# ---- measurements --------------------------------------------------------------------------------------------------

def workloads() -> list[tuple[str, str]]:
    return [("decode", f"decode, batch 1 ({IN} in + {OUT} out), tok/s"),
            ("prefill", f"prefill, {PREFILL}-token prompt, tok/s"),
            ("concurrent", f"{CONCURRENT} concurrent requests ({IN} in + {OUT} out), output tok/s"),
            ("ttft", f"start to first token ({IN}-token prompt), s (lower is better)")]


def measure_pagoda(runner: cb.Runner, args: argparse.Namespace, gguf: Path, tag: str) -> dict[str, Cell]:
    binary = args.build_dir / "app" / "pagoda"
    common = ["--model", gguf, "--seed", args.seed, "--threads", args.threads, "--json"]
    specs = {"decode": (["--input-len", IN, "--output-len", OUT, "--num-prompts", 3, "--concurrency", 1],
                        lambda r: 1.0 / r["tpot_median_s"]),
             "prefill": (["--input-len", PREFILL, "--output-len", 1, "--num-prompts", 1],
                         lambda r: PREFILL / r["ttft_median_s"]),
             "concurrent": (["--input-len", IN, "--output-len", OUT, "--num-prompts", CONCURRENT],
                            lambda r: r["output_tokens_per_s"])}
    cells: dict[str, Cell] = {}
    for key, (extra, value) in specs.items():
        try:
            results = [runner.json(f"pagoda-{tag}-{key}-{i + 1}", [binary, "bench", *extra, *common])
                       for i in range(args.repeats)]
            cells[key] = Cell.of([value(r) for r, _ in results], [o for _, o in results],
                                 "load_s " + ", ".join(f"{r['load_s']:.2f}" for r, _ in results))
        except (Failed, KeyError, ZeroDivisionError, TypeError) as e:
            cells[key] = Cell(failed=str(e) if isinstance(e, Failed) else f"unexpected JSON ({e!r})")
    ids = ",".join(map(str, cb.random_prompts(args.seed, 1, IN, VOCAB)[0]))
    try:
        runs = [runner.run(f"pagoda-{tag}-ttft-{i + 1}", [binary, "generate", "--model", gguf, "--prompt-ids", ids,
                                                          "--max-tokens", 1, "--threads", args.threads])
                for i in range(args.repeats)]
        cells["ttft"] = Cell.of([r.wall_s for r in runs], [r.others for r in runs])
    except Failed as e:
        cells["ttft"] = Cell(failed=str(e))
    return cells


def measure_llama(runner: cb.Runner, args: argparse.Namespace, gguf: Path, tag: str) -> tuple[dict[str, Cell], dict]:
    status = args.llama_build_info.get("status", "ok")
    if status != "ok":
        return {k: Cell(failed=status) for k, _ in workloads()}, {}
    if cb.package_version("llama_cpp_python") is None:
        return {k: Cell(failed="llama-cpp-python is not installed in this Python") for k, _ in workloads()}, {}
    base = [sys.executable, HERE / "cpu_bench.py", "_worker", "llama", "--gguf", gguf]
    common = ["--threads", args.threads, "--seed", args.seed, "--long-seconds", args.long_seconds]
    info: dict = {"weights": "llama.cpp defaults"}
    worker = None
    for flags in ([], ["--no-extra-bufts"]):
        try:  # does this file run with these buffer types at all?
            runner.run(f"llama-{tag}-smoke", base + flags + common + ["--input-len", 4, "--output-len", 2,
                                                                       "--repeats", 1], measured=False)
            worker = base + flags
            if flags:
                info["weights"] = f"use_extra_bufts off (with llama.cpp's defaults: {info['default_failure']})"
            break
        except Failed as e:
            info["default_failure"] = str(e)
            log(f"llama.cpp on {gguf.name}{' ' + flags[0] if flags else ''}: {e}")
    if worker is None:
        return {k: Cell(failed=info["default_failure"]) for k, _ in workloads()}, info
    specs = {"decode": (1, IN, OUT, lambda r: 1.0 / r["tpot_s"]),
             "prefill": (1, PREFILL, 2, lambda r: PREFILL / r["ttft_s"]),
             "concurrent": (CONCURRENT, IN, OUT, lambda r: CONCURRENT * OUT / r["elapsed_s"])}
    cells: dict[str, Cell] = {}
    for key, (batch, input_len, output_len, value) in specs.items():
        try:
            r, others = runner.json(f"llama-{tag}-{key}", worker + common + [
                "--batch", batch, "--input-len", input_len, "--output-len", output_len, "--repeats", args.repeats])
            info.setdefault("system_info", r.get("system_info"))
            cells[key] = Cell.of([value(run) for run in r["runs"]], [others])
        except Failed as e:
            cells[key] = Cell(failed=str(e))
    try:
        runs = [runner.run(f"llama-{tag}-ttft-{i + 1}", worker + common + ["--input-len", IN, "--ttft"])
                for i in range(args.repeats)]
        cells["ttft"] = Cell.of([r.wall_s for r in runs], [r.others for r in runs])
    except Failed as e:
        cells["ttft"] = Cell(failed=str(e))
    return cells, info


# ---- report --------------------------------------------------------------------------------------------------------

TARGETS = {"decode": "≥ 1.0× (aim 1.2×), ≥ 80% of bound", "prefill": "≥ 1.0×", "concurrent": "≥ 1.2×",
           "ttft": "< 2 s"}


def report(args: argparse.Namespace, data: dict) -> list[str]:
    bw: Cell = data["bandwidth"]
    lines = ["| model | workload | Pagoda | llama.cpp | Pagoda / llama.cpp | target | bandwidth bound | "
             "Pagoda / bound | llama.cpp / bound |", "|" + "---|" * 9]
    for entry in data["runs"]:
        p, l = entry["pagoda"], entry["llama"]
        for key, label in workloads():
            bound = pf = lf = ""
            if key == "decode" and bw.value:
                b = bw.value * 1e9 / entry["bytes"]["bytes_per_token"]
                bound = f"{b:.1f} tok/s"
                pf = f"{p[key].value / b:.0%}" if p[key].value else "—"
                lf = f"{l[key].value / b:.0%}" if l[key].value else "—"
            digits = 2 if key == "ttft" else 1
            lines.append(f"| {entry['label']} | {label} | {cb.fmt_cell(p[key], args.repeats, digits)} | "
                         f"{cb.fmt_cell(l[key], args.repeats, digits)} | "
                         f"{cb.ratio(p[key], l[key], lower_is_better=key == 'ttft')} | {TARGETS[key]} | {bound} | "
                         f"{pf} | {lf} |")
    return lines


def write_report(args: argparse.Namespace, data: dict, out_md: Path) -> None:
    m, bw = data["machine"], data["bandwidth"]
    lb = args.llama_build_info
    flags = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in m["flags"].items())
    lines = [
        "# GGUF benchmark: Pagoda and llama.cpp on the same files",
        "",
        f"Measured {data['date']} with `tests/perf/run_gguf_bench.sh`"
        + (" in **--quick** mode (a tiny model: a functional check, not a result)" if args.quick else "") + ". "
        "Ratios are Pagoda's speed over llama.cpp's (for start to first token: llama.cpp's time ÷ Pagoda's), so "
        "above 1× Pagoda is faster. "
        + (f"Each number is the median of {args.repeats} runs unless it says otherwise." if args.repeats > 1
           else "Each number is a single run."),
        "",
        *report(args, data),
        "",
        "Files (random weights, real dimensions, vocabulary 151936, tied embeddings; converted by llama.cpp's "
        "convert_hf_to_gguf.py to BF16 and quantized by llama.cpp's quantizer):",
        "",
        *[f"- {e['label']}: `{e['file']}`, {e['bytes']['tensor_bytes'] / 1e6:.0f} MB of tensors, "
          f"{e['bytes']['bytes_per_token'] / 1e6:.0f} MB read per decoded token; llama.cpp weights: "
          f"{e['llama_info'].get('weights', '?')}" for e in data["runs"]],
        "",
        "Bandwidth bound = bytes read per decoded token ÷ the read bandwidth measured in this run"
        + (f" ({bw.value:.1f} GB/s)" if bw.value else f" ({cb.fmt_cell(bw, 1)})")
        + "; KV-cache reads are not counted.",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}; {m['logical_cpus']} logical CPUs, {m['physical_cores']} cores; {m['ram_gib']} GiB RAM",
        f"- Flags: {flags}",
        f"- Memory read bandwidth, all cores: {cb.fmt_cell(bw, 1, 2)} GB/s (`pagoda_memory_bandwidth`, "
        f"{data['bandwidth_raw'].get('threads', '?')} threads)",
        f"- Threads given to both engines: {args.threads}",
        "",
        "## Versions",
        "",
        f"- Pagoda: {data['pagoda_revision']}",
        f"- llama-cpp-python {cb.package_version('llama_cpp_python') or lb.get('version', '?')} (llama.cpp "
        f"{data['llama_cpp_commit']}), built from the PyPI sdist with CMAKE_ARGS=\"{lb.get('cmake_args', '?')}\"",
        f"- llama.cpp system info: `{next((e['llama_info'].get('system_info') for e in data['runs'] if e['llama_info'].get('system_info')), 'n/a')}`",
        "",
        "## How",
        "",
        f"- Command: `{args.command or shlex.join(sys.argv)}` ({data['wall_s'] / 60:.0f} min in all).",
        f"- Pagoda: `pagoda bench --model FILE.gguf --threads {args.threads} --seed {args.seed} --json` with "
        f"`--input-len {IN} --output-len {OUT} --num-prompts 3 --concurrency 1` (decode: 1 / tpot_median_s), "
        f"`--input-len {PREFILL} --output-len 1 --num-prompts 1` (prefill: {PREFILL} / ttft_median_s), "
        f"`--input-len {IN} --output-len {OUT} --num-prompts {CONCURRENT}` (output_tokens_per_s); one process per "
        f"run. Start to first token: `pagoda generate --model FILE.gguf --prompt-ids <{IN} ids> --max-tokens 1`, "
        "spawn to exit.",
        "- llama.cpp: tests/perf/cpu_bench.py's worker (llama-cpp-python's low-level API: n_batch 2048, n_ubatch "
        "512, f16 KV cache, flash attention auto; every prompt in one llama_batch with its own seq_id, then one "
        "llama_decode per step with one token per sequence, greedy argmax), one untimed warm-up per worker process; "
        f"decode = 1 / time per output token, prefill = {PREFILL} / time to the first token of a lone request, "
        f"{CONCURRENT} concurrent = {CONCURRENT}×{OUT} / wall time. Start to first token: a fresh Python process "
        "that imports llama_cpp, loads the file and decodes the prompt.",
        "",
        "## Runs",
        "",
        f"- memory bandwidth, GB/s: {', '.join(f'{v:.1f}' for v in bw.runs)}",
    ]
    for e in data["runs"]:
        for side in ("pagoda", "llama"):
            for key, c in e[side].items():
                if c.runs:
                    lines.append(f"- {e['label']}, {'Pagoda' if side == 'pagoda' else 'llama.cpp'}, {key}: "
                                 + ", ".join(f"{v:.4g}" for v in c.runs)
                                 + f" (other processes: {', '.join(f'{o:.0%}' for o in c.others)} of the CPUs"
                                 + (f"; {c.detail})" if c.detail else ")"))
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text("\n".join(lines) + "\n")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_quantize":
        quantize_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--build-dir", type=Path, default=REPO / "build")
    parser.add_argument("--models-dir", type=Path, help="default: BUILD_DIR/perf-models")
    parser.add_argument("--llama-cpp-src", type=Path, help="the unpacked llama-cpp-python sdist")
    parser.add_argument("--llama-cpp-build-info", type=Path, help="the JSON run_cpu_bench.sh writes")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--models", default="0.5b,3b", help="comma-separated: 0.5b, 3b (default both)")
    parser.add_argument("--quants", default="Q4_K_M,Q8_0", help="comma-separated llama.cpp types (default Q4_K_M,Q8_0)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--long-seconds", type=float, default=300.0)
    parser.add_argument("--skip", default="", help="comma-separated sides to leave out: pagoda, llama")
    parser.add_argument("--quick", action="store_true", help="the tiny model only, one run each: a functional check")
    parser.add_argument("--out", type=Path, help="markdown report (default tests/perf/results/gguf_bench.md)")
    parser.add_argument("--command", help="the command line to record in the report")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per subprocess, seconds (default 3600)")
    parser.add_argument("--quiet-wait", type=float, default=60.0,
                        help="before each measured run, wait up to this long for other processes to leave the CPUs")
    args = parser.parse_args()
    if args.quick:
        args.models, args.repeats = "tiny", 1
    args.models_dir = args.models_dir or args.build_dir / "perf-models"
    args.llama_build_info = (json.loads(args.llama_cpp_build_info.read_text())
                             if args.llama_cpp_build_info and args.llama_cpp_build_info.exists() else {})
    logs = args.build_dir / "perf-logs"
    out_md = args.out or (logs / "gguf_bench-quick.md" if args.quick else HERE / "results" / "gguf_bench.md")
    skip = set(filter(None, args.skip.split(",")))

    started = time.perf_counter()
    runner = cb.Runner(logs, args.timeout, args.quiet_wait)
    data: dict = {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                  "machine": cb.machine_info(), "pagoda_revision": cb.pagoda_revision(),
                  "llama_cpp_commit": cb.llama_cpp_commit(args.llama_cpp_src, cb.package_version("llama_cpp_python")),
                  "runs": []}
    data["bandwidth"], data["bandwidth_raw"] = cb.measure_bandwidth(runner, args)
    for model in args.models.split(","):
        shape = SHAPES[model]
        for quant in args.quants.split(","):
            label = f"{shape.label} {quant}"
            entry = {"label": label, "file": "", "bytes": {"tensor_bytes": 0, "bytes_per_token": 0}, "llama_info": {}}
            try:
                gguf = ensure_gguf(runner, args, shape, quant)
            except Failed as e:
                failed = {k: Cell(failed=f"could not make the GGUF: {e}") for k, _ in workloads()}
                data["runs"].append({**entry, "pagoda": failed, "llama": dict(failed)})
                continue
            entry["file"] = str(gguf.relative_to(REPO) if gguf.is_relative_to(REPO) else gguf)
            entry["bytes"] = bytes_per_token(gguf)
            tag = f"{shape.key}-{quant}"
            skipped = {k: Cell(failed="skipped (--skip)") for k, _ in workloads()}
            entry["pagoda"] = measure_pagoda(runner, args, gguf, tag) if "pagoda" not in skip else skipped
            if "llama" in skip:
                entry["llama"] = dict(skipped)
            else:
                entry["llama"], entry["llama_info"] = measure_llama(runner, args, gguf, tag)
            data["runs"].append(entry)
    data["wall_s"] = time.perf_counter() - started
    write_report(args, data, out_md)
    out_md.with_suffix(".json").write_text(json.dumps(
        {**data, "args": vars(args)}, indent=1,
        default=lambda o: dataclasses.asdict(o) if isinstance(o, Cell) else str(o)))
    log(f"wrote {out_md} after {data['wall_s'] / 60:.1f} min")
    print(out_md.read_text())


if __name__ == "__main__":
    main()
