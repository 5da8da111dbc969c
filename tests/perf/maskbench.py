#!/usr/bin/env python3
"""MaskBench (issue 19): Pagoda's grammar engine, LLGuidance and XGrammar on JSONSchemaBench's schemas and instances.

    bash tests/perf/run_maskbench.sh --per-split 50        # the way to run it: venv, build, then this
    build/maskbench-venv/bin/python tests/perf/maskbench.py --data DIR [options]

The data is maskbench/data of github.com/guidance-ai/jsonschemabench: one file per schema, {"schema", "tests":
[{"data", "valid"}]}, named SPLIT---NAME.json (the BFCL and JME files: SPLIT_N.json). Development splits are
Github_easy, Github_medium, Github_trivial, Glaiveai2K, Kubernetes, Handwritten and Synthesized; every other split
is held out and reported on its own.

What is measured follows maskbench/maskbench/runner.py of that repository, for every engine alike:
  * an instance is json.dumps(data, indent=None, ensure_ascii=False), tokenized without special tokens (HF
    tokenizers here; Pagoda's own tokenizer in the C++ runner, checked to give the same ids);
  * per token: compute the mask, the token must be allowed, then accept it; TBM is the mask plus accept time of
    one token (the time a generated token waits on the grammar). After the last token one more mask is computed
    (also a TBM sample) and end-of-sequence must be allowed. That final check is stricter than runner.py, which
    stops after the last token: an invalid instance that is only a prefix of a valid one counts as rejected;
  * TTFM (time to first mask) is grammar compilation plus the first mask of a fresh matcher;
  * a schema passes when it compiles, every valid instance is accepted and every invalid one rejected. Outcomes
    are exclusive, in this order: crash, timeout, compile error, validation error (a valid instance rejected, or
    the engine failing on it), invalidation error (an invalid instance accepted), passing;
  * TTFM percentiles are over schemas that did not fail to compile; a compile-phase timeout counts as the
    limit (as runner.py counts its 900 s). TBM percentiles are over every mask of the schemas that finished.
Each engine runs single-threaded in its own worker process, restarted after a crash or a timeout (a schema that
makes no progress for --compile-timeout seconds while compiling or --instance-timeout seconds on one instance).
XGrammar runs in its default configuration (strict_mode, any whitespace) as the published "XGrammar" column.
Results are cached per engine and tokenizer in --out-dir (JSONL, one line per schema); --resume skips schemas
already there. Writes the report to --report.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import select
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TOKENIZERS = {"llama3": REPO / "tests/fixtures/tokenizers/llama3", "qwen3": REPO / "tests/fixtures/tokenizers/qwen3"}
DEV_SPLITS = ["Github_easy", "Github_medium", "Github_trivial", "Glaiveai2K", "Kubernetes", "Handwritten",
              "Synthesized"]
ENGINES = ["pagoda", "llguidance", "xgrammar"]
OUTCOMES = ["pass", "compile_error", "validation_error", "invalidation_error", "crash", "timeout"]
MEMORY_LIMIT = 8 << 30  # per worker (address space), so a runaway grammar fails instead of starving the machine


def log(msg: str) -> None:
    print(f"[maskbench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def split_of(name: str) -> str:
    """SPLIT---NAME.json, or SPLIT_N.json for the BFCL and JME files."""
    if "---" in name:
        return name.split("---", 1)[0]
    return re.sub(r"_\d+\.json$", "", name)


def select_files(data: Path, splits: str, per_split: int, seed: str = "maskbench") -> list[Path]:
    """The schema files of the chosen splits; with per_split, the same pseudo-random N of each split every run."""
    files = sorted(p for p in data.glob("*.json"))
    if splits == "dev":
        files = [f for f in files if split_of(f.name) in DEV_SPLITS]
    elif splits == "heldout":
        files = [f for f in files if split_of(f.name) not in DEV_SPLITS]
    elif splits != "all":
        wanted = set(splits.split(","))
        files = [f for f in files if split_of(f.name) in wanted]
    if per_split > 0:
        key = lambda f: hashlib.sha256((seed + f.name).encode()).hexdigest()  # noqa: E731
        by_split: dict[str, list[Path]] = {}
        for f in files:
            by_split.setdefault(split_of(f.name), []).append(f)
        files = sorted(f for group in by_split.values() for f in sorted(group, key=key)[:per_split])
    return files


def instance_text(data) -> str:
    return json.dumps(data, indent=None, ensure_ascii=False)


class TokenHash:
    """FNV-1a over every instance's token ids (uint32 little-endian, then 0xFFFFFFFF after each instance): the C++
    runner computes the same, so the report can say whether Pagoda's tokenizer gave the engines the same tokens."""

    def __init__(self) -> None:
        self.h = 0xCBF29CE484222325

    def add(self, ids: list[int]) -> None:
        h = self.h
        for v in [*ids, 0xFFFFFFFF]:
            for b in (v & 0xFFFFFFFF).to_bytes(4, "little"):
                h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        self.h = h

    def hex(self) -> str:
        return f"{self.h:016x}"


# ---- the Python engines (worker side) ------------------------------------------------------------------------------

class CompileError(Exception):
    pass


class LlgEngine:
    def __init__(self, hf, eos: int) -> None:
        import llguidance
        import llguidance.hf
        from llguidance.numpy import allocate_token_bitmask, fill_next_token_bitmask

        self.llg = llguidance
        self.fill = fill_next_token_bitmask
        self.tokenizer = llguidance.hf.from_tokenizer(hf, n_vocab=len(hf), eos_token=eos)
        self.mask = allocate_token_bitmask(1, self.tokenizer.vocab_size)
        self.eos = eos

    def compile(self, schema) -> None:
        grammar = json.dumps({"grammars": [{"json_schema": schema}]})
        self.initial = self.llg.LLMatcher(self.tokenizer, grammar, log_level=0)
        if self.initial.is_error():
            raise CompileError(self.initial.get_error())

    def start(self) -> None:
        self.matcher = self.initial.deep_copy()

    def compute_mask(self) -> None:
        self.fill(self.matcher, self.mask, 0)
        if self.matcher.is_error():
            raise RuntimeError(self.matcher.get_error())

    def allowed(self, token: int) -> bool:
        return (int(self.mask[0, token >> 5]) >> (token & 31)) & 1 == 1

    def accept(self, token: int) -> bool:
        return self.matcher.consume_token(token)


class XgrEngine:
    def __init__(self, hf, eos: int) -> None:
        import xgrammar

        self.xgr = xgrammar
        info = xgrammar.TokenizerInfo.from_huggingface(hf, vocab_size=len(hf), stop_token_ids=[eos])
        self.compiler = xgrammar.GrammarCompiler(info, max_threads=1, cache_enabled=False)
        self.bitmask = xgrammar.allocate_token_bitmask(1, info.vocab_size)
        self.mask = self.bitmask.numpy()
        self.eos = eos

    def compile(self, schema) -> None:
        try:
            self.compiled = self.compiler.compile_json_schema(json.dumps(schema))
        except Exception as e:  # noqa: BLE001  xgrammar raises RuntimeError/ValueError/its own types for bad schemas
            raise CompileError(repr(e)) from e

    def start(self) -> None:
        self.matcher = self.xgr.GrammarMatcher(self.compiled)

    def compute_mask(self) -> None:
        self.matcher.fill_next_token_bitmask(self.bitmask)

    def allowed(self, token: int) -> bool:
        return (int(self.mask[0, token >> 5]) >> (token & 31)) & 1 == 1

    def accept(self, token: int) -> bool:
        return self.matcher.accept_token(token)


def run_schema(engine, hf, path: Path, emit) -> dict:
    doc = json.loads(path.read_text(encoding="utf-8"))
    tests = doc.get("tests", [])
    rec = {"id": path.name, "split": split_of(path.name), "tests": len(tests), "tokens": 0, "mask_us": [],
           "valid_rejected": 0, "invalid_accepted": 0}
    ns = time.perf_counter_ns
    t0 = ns()
    try:
        engine.compile(doc["schema"])
        engine.start()
        engine.compute_mask()
    except CompileError as e:
        rec.update(status="compile_error", error=str(e)[:300])
        return rec
    rec["ttfm_us"] = (ns() - t0) / 1000
    emit({"event": "progress", "ttfm_us": rec["ttfm_us"]})

    hasher = TokenHash()
    masks = rec["mask_us"]
    first_error = ""
    for i, test in enumerate(tests):
        ids = hf.encode(instance_text(test["data"]), add_special_tokens=False)
        hasher.add(ids)
        rec["tokens"] += len(ids)
        accepted = True
        try:
            engine.start()
            for token in [*ids, engine.eos]:
                a = ns()
                engine.compute_mask()
                b = ns()
                if not engine.allowed(token):
                    masks.append((b - a) / 1000)
                    accepted = False
                    break
                if token == engine.eos:
                    masks.append((b - a) / 1000)
                    break
                c = ns()
                ok = engine.accept(token)
                masks.append((b - a + ns() - c) / 1000)
                if not ok:  # the mask allowed it but the matcher refused: counts as rejected
                    accepted = False
                    break
        except Exception as e:  # noqa: BLE001  an engine failing on an instance is a validation error (runner.py)
            accepted = False
            if test["valid"]:
                first_error = first_error or f"test #{i}: {e!r}"[:300]
        if test["valid"] and not accepted:
            rec["valid_rejected"] += 1
            first_error = first_error or f"test #{i}: valid instance rejected"
        elif not test["valid"] and accepted:
            rec["invalid_accepted"] += 1
        emit({"event": "progress"})
    rec["token_hash"] = hasher.hex()
    if rec["valid_rejected"]:
        rec.update(status="validation_error", error=first_error)
    elif rec["invalid_accepted"]:
        rec.update(status="invalidation_error")
    else:
        rec["status"] = "pass"
    return rec


def worker_main(engine_name: str, tokenizer_dir: Path, files_from: Path) -> None:
    """Measures the schema files listed in files_from, one a line; writes {"event": ...} lines to stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    eos = hf.eos_token_id
    engine = {"llguidance": LlgEngine, "xgrammar": XgrEngine}[engine_name](hf, eos)
    out = sys.stdout

    def emit(obj: dict) -> None:
        out.write(json.dumps(obj) + "\n")
        out.flush()

    emit({"event": "ready"})
    for line in files_from.read_text().splitlines():
        path = Path(line)
        emit({"event": "start", "id": path.name})
        rec = run_schema(engine, hf, path, emit)
        emit({"event": "result", **rec})


# ---- the supervisor ------------------------------------------------------------------------------------------------

def supervise(cmd: list[str], files: list[Path], compile_timeout: float, instance_timeout: float, sink) -> None:
    """Feeds `files` to a worker, restarting it after a crash or a hang; every file gets one record via sink."""
    pending = list(files)
    listing = Path(tempfile.mkstemp(prefix="maskbench-", suffix=".todo")[1])
    while pending:
        listing.write_text("".join(f"{p}\n" for p in pending))
        proc = subprocess.Popen([*cmd, "--files-from", str(listing)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        buf = ""

        def read_event(deadline: float):
            nonlocal buf
            while "\n" not in buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    return "timeout"
                ready, _, _ = select.select([proc.stdout], [], [], left)
                if ready:
                    chunk = os.read(proc.stdout.fileno(), 1 << 16).decode()
                    if not chunk:
                        return "eof"
                    buf += chunk
            line, buf = buf.split("\n", 1)
            return json.loads(line)

        ev = read_event(time.monotonic() + 120)
        if not isinstance(ev, dict) or ev.get("event") != "ready":
            proc.kill()
            raise RuntimeError(f"worker {' '.join(cmd)} did not start ({ev})")
        while pending:
            current = pending[0]
            ttfm = None
            deadline = time.monotonic() + compile_timeout
            ev = read_event(deadline)
            if isinstance(ev, dict) and ev.get("event") == "start":
                ev = read_event(deadline)
            while isinstance(ev, dict) and ev.get("event") == "progress":
                ttfm = ev.get("ttfm_us", ttfm)
                ev = read_event(time.monotonic() + instance_timeout)
            if isinstance(ev, dict) and ev.get("event") == "result":
                ev.pop("event")
                sink(ev)
                pending.pop(0)
                continue
            proc.kill()
            code = proc.wait()
            rec = {"id": current.name, "split": split_of(current.name), "mask_us": []}
            if ev == "timeout":
                rec.update(status="timeout", error=f"no progress for {compile_timeout if ttfm is None else instance_timeout} s",
                           ttfm_us=ttfm if ttfm is not None else compile_timeout * 1e6)
            else:
                rec.update(status="crash", error=f"worker exit status {code}")
                if ttfm is not None:
                    rec["ttfm_us"] = ttfm
            sink(rec)
            pending.pop(0)
            break  # restart the worker on the rest
        proc.wait()
    listing.unlink(missing_ok=True)


def load_records(path: Path) -> dict[str, dict]:
    recs: dict[str, dict] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                recs[r["id"]] = r
    return recs


def run_python_engine(engine: str, tok: str, files: list[Path], args, out: Path) -> None:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, "--tokenizer-dir", str(TOKENIZERS[tok])]
    lock = threading.Lock()
    done = [0]
    t0 = time.monotonic()
    with out.open("a") as f:
        def sink(rec: dict) -> None:
            rec.update(engine=engine, tokenizer=tok)
            with lock:
                f.write(json.dumps(rec) + "\n")
                f.flush()
                done[0] += 1
                if done[0] % 100 == 0:
                    log(f"{engine}/{tok}: {done[0]}/{len(files)} schemas, {time.monotonic() - t0:.0f} s")

        chunks = [files[i::args.jobs] for i in range(args.jobs)]
        threads = [threading.Thread(target=supervise, args=(cmd, c, args.compile_timeout, args.instance_timeout, sink))
                   for c in chunks if c]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def pagoda_commit() -> str:
    """The commit the runner was built from, "+dirty" when engine/structured had uncommitted changes."""
    def git(*a: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *a], capture_output=True, text=True).stdout.strip()
    dirty = git("status", "--porcelain", "--", "engine/structured")
    return git("rev-parse", "--short", "HEAD") + ("+dirty" if dirty else "")


def run_pagoda(tok: str, files: list[Path], args, out: Path) -> None:
    listing = out.with_suffix(".todo")
    listing.write_text("".join(f"{p}\n" for p in files))
    tmp = out.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    cmd = [str(args.runner), str(TOKENIZERS[tok]), str(args.data), "--files", str(listing), "--out", str(tmp),
           "--compile-timeout", str(args.compile_timeout), "--instance-timeout", str(args.instance_timeout),
           "--jobs", str(args.jobs)]
    log(" ".join(cmd))
    commit = pagoda_commit()  # the tree the runner was (presumably) just built from
    subprocess.run(cmd, check=False)
    with out.open("a") as f:
        for rec in load_records(tmp).values():
            rec.update(engine="pagoda", tokenizer=tok, pagoda_commit=commit)
            f.write(json.dumps(rec) + "\n")
    tmp.unlink(missing_ok=True)
    listing.unlink(missing_ok=True)


# ---- the report ----------------------------------------------------------------------------------------------------

def pct(values: list[float], p: float):
    """runner.py's percentile: the sorted list at index len * p / 100."""
    if not values:
        return None
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def fmt_us(v) -> str:
    if v is None:
        return "–"
    if v < 10:
        return f"{v:.1f} µs"
    if v < 1000:
        return f"{v:.0f} µs"
    if v < 1e6:
        return f"{v / 1000:.1f} ms" if v < 1e4 else f"{v / 1000:.0f} ms"
    return f"{v / 1e6:.1f} s"


def summarize(recs: list[dict]) -> dict:
    counts = {o: 0 for o in OUTCOMES}
    ttfm, tbm = [], []
    tokens = 0
    for r in recs:
        counts[r["status"]] += 1
        if r["status"] != "compile_error" and r.get("ttfm_us") is not None:
            ttfm.append(r["ttfm_us"])
        if r["status"] in ("pass", "validation_error", "invalidation_error"):
            tbm.extend(r["mask_us"])
            tokens += r.get("tokens", 0)
    ttfm.sort()
    tbm.sort()
    return {"schemas": len(recs), **counts, "tokens": tokens, "masks": len(tbm),
            "ttfm": {p: pct(ttfm, p) for p in (50, 90, 99)}, "tbm": {p: pct(tbm, p) for p in (50, 90, 99)},
            "tbm_mean": sum(tbm) / len(tbm) if tbm else None}


def table(columns: list[tuple[str, dict]]) -> str:
    rows = [("schemas", lambda s: f"{s['schemas']:,}"), ("passing", lambda s: f"{s['pass']:,}"),
            ("compile error", lambda s: f"{s['compile_error']:,}"),
            ("validation error", lambda s: f"{s['validation_error']:,}"),
            ("invalidation error", lambda s: f"{s['invalidation_error']:,}"),
            ("crash", lambda s: f"{s['crash']:,}"), ("timeout", lambda s: f"{s['timeout']:,}"),
            ("TTFM p50", lambda s: fmt_us(s["ttfm"][50])), ("TTFM p90", lambda s: fmt_us(s["ttfm"][90])),
            ("TTFM p99", lambda s: fmt_us(s["ttfm"][99])), ("TBM p50", lambda s: fmt_us(s["tbm"][50])),
            ("TBM p90", lambda s: fmt_us(s["tbm"][90])),
            ("TBM p99", lambda s: fmt_us(s["tbm"][99])), ("TBM mean", lambda s: fmt_us(s["tbm_mean"])),
            ("masks", lambda s: f"{s['masks']:,}")]
    out = "| metric | " + " | ".join(name for name, _ in columns) + " |\n"
    out += "|:--|" + "--:|" * len(columns) + "\n"
    for label, get in rows:
        out += f"| {label} | " + " | ".join(get(s) for _, s in columns) + " |\n"
    return out


def split_table(by: dict[tuple[str, str], list[dict]], engines: list[str], tok: str) -> str:
    splits = sorted({r["split"] for recs in by.values() for r in recs},
                    key=lambda s: (s not in DEV_SPLITS, s))
    out = "| split | dev | " + " | ".join(f"{e} pass / compile / valid. / invalid. / crash+timeout" for e in engines)
    out += " |\n|:--|:--|" + "--:|" * len(engines) + "\n"
    for split in splits:
        cells = []
        for e in engines:
            s = summarize([r for r in by.get((e, tok), []) if r["split"] == split])
            cells.append(f"{s['pass']}/{s['schemas']} · {s['compile_error']} · {s['validation_error']} · "
                         f"{s['invalidation_error']} · {s['crash'] + s['timeout']}")
        out += f"| {split} | {'yes' if split in DEV_SPLITS else 'held out'} | " + " | ".join(cells) + " |\n"
    return out


def token_agreement(by: dict, tok: str) -> str:
    pag = {r["id"]: r.get("token_hash") for r in by.get(("pagoda", tok), []) if r.get("token_hash")}
    ref = {}
    for e in ("llguidance", "xgrammar"):
        for r in by.get((e, tok), []):
            if r.get("token_hash"):
                ref[r["id"]] = r["token_hash"]
    both = [i for i in pag if i in ref]
    differ = [i for i in both if pag[i] != ref[i]]
    if not both:
        return "no schema measured by Pagoda and a Python engine both"
    return (f"{len(both) - len(differ)} of {len(both)} schemas tokenized identically by Pagoda and HF tokenizers"
            + (f" (differ: {', '.join(differ[:5])}{'…' if len(differ) > 5 else ''})" if differ else ""))


def pagoda_failures(by: dict, tok: str, wanted: set[str], limit: int = 40) -> str:
    """Schemas LLGuidance passes and Pagoda does not (compile errors aside): where to look for engine bugs."""
    ref = {r["id"]: r["status"] for r in by.get(("llguidance", tok), [])}
    rows = [r for r in by.get(("pagoda", tok), []) if r["id"] in wanted and ref.get(r["id"]) == "pass"
            and r["status"] not in ("pass", "compile_error")]
    if not rows:
        return ""
    rows.sort(key=lambda r: (OUTCOMES.index(r["status"]), r["id"]))
    out = [f"### {tok}: {len(rows)} schemas LLGuidance passes and Pagoda fails (not counting compile errors)", "",
           "| schema | Pagoda | what happened |", "|:--|:--|:--|"]
    for r in rows[:limit]:
        error = (r.get("error") or "").replace("|", "\\|").replace("\n", " ")
        out.append(f"| {r['id']} | {r['status']} | {error[:160]} |")
    if len(rows) > limit:
        out.append(f"| … {len(rows) - limit} more in pagoda-{tok}.jsonl of --out-dir | | |")
    return "\n".join(out) + "\n"


def machine() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip() + f", {os.cpu_count()} logical CPUs"
    except OSError:
        pass
    return platform.processor()


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for m in ("llguidance", "xgrammar", "tokenizers", "transformers"):
        try:
            out.append(f"{m} {version(m)}")
        except PackageNotFoundError:
            out.append(f"{m} (not installed)")
    return ", ".join(out)


def report(by: dict, files: list[Path], args, command: str) -> str:
    engines = [e for e in args.engines.split(",") if any(k[0] == e for k in by)]
    toks = [t for t in TOKENIZERS if any(k[1] == t for k in by)]
    wanted = {p.name for p in files}
    dev_n = sum(split_of(n) in DEV_SPLITS for n in wanted)
    names = {"pagoda": "Pagoda", "llguidance": "LLGuidance", "xgrammar": "XGrammar"}
    which = f"{args.per_split} schemas per split" if args.per_split else "every schema"
    md = [f"# MaskBench: {', '.join(names[e] for e in engines)} on JSONSchemaBench, {which} ({args.splits})", "",
          f"Generated by `{command}` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC.", "",
          f"* CPU: {machine()}; every engine single-threaded, one schema at a time.",
          f"* Schemas: {len(wanted):,} ({dev_n:,} from the development splits, {len(wanted) - dev_n:,} held out)"
          + (f", {args.per_split} per split (the same pseudo-random pick every run)" if args.per_split else "")
          + f"; limits: {args.compile_timeout:g} s without progress while compiling, {args.instance_timeout:g} s "
            "per instance, 8 GiB address space per worker.",
          f"* Versions: {versions()}; Pagoda at commit "
          f"{', '.join(sorted({r.get('pagoda_commit', '?') for k, v in by.items() if k[0] == 'pagoda' for r in v if r['id'] in wanted})) or '–'}.",
          "* Definitions: see the docstring of tests/perf/maskbench.py (runner.py's, plus an end-of-sequence check "
          "after the last token; TTFM includes the first mask; TBM is mask plus accept of one token, Python call "
          "overhead included for LLGuidance and XGrammar).", ""]
    for tok in toks:
        # Engines are compared on the schemas every one of them measured (a run cut short leaves fewer).
        measured = [{r["id"] for r in by.get((e, tok), [])} for e in engines]
        common = set(wanted).intersection(*measured)
        if len(common) < len(wanted):
            md += [f"{tok}: {len(wanted) - len(common)} of the {len(wanted):,} chosen schemas are left out of the "
                   f"{tok} tables below: not every engine has measured them yet.", ""]
        for title, pick in (("all measured splits", lambda r: True),
                            ("development splits", lambda r: r["split"] in DEV_SPLITS),
                            ("held-out splits", lambda r: r["split"] not in DEV_SPLITS)):
            cols = [(e, summarize([r for r in by.get((e, tok), []) if r["id"] in common and pick(r)]))
                    for e in engines]
            if not any(s["schemas"] for _, s in cols):
                continue
            md += [f"## {tok}: {title}", "", table(cols)]
        md += [f"### {tok}: by split", "", "Each cell: passing/schemas · compile errors · validation errors · "
               "invalidation errors · crashes and timeouts.", "",
               split_table({k: [r for r in v if r["id"] in common] for k, v in by.items()}, engines, tok),
               f"Tokens: {token_agreement(by, tok)}.", "", pagoda_failures(by, tok, common)]
    return "\n".join(md) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", choices=["llguidance", "xgrammar"], help=argparse.SUPPRESS)
    ap.add_argument("--tokenizer-dir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--files-from", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, default=REPO / "build/maskbench-data",
                    help="maskbench/data of a clone of guidance-ai/jsonschemabench")
    ap.add_argument("--splits", default="dev", help="dev, heldout, all, or a comma-separated list of split names")
    ap.add_argument("--per-split", type=int, default=0, help="at most N schemas per split (0: all)")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--tokenizers", default="llama3,qwen3")
    ap.add_argument("--runner", type=Path, default=REPO / "build/tests/perf/maskbench", help="the C++ runner")
    ap.add_argument("--compile-timeout", type=float, default=10.0)
    ap.add_argument("--instance-timeout", type=float, default=10.0)
    ap.add_argument("--jobs", type=int, default=1, help="schemas measured at once (each single-threaded)")
    ap.add_argument("--out-dir", type=Path, default=REPO / "build/maskbench-out")
    ap.add_argument("--resume", action="store_true", help="keep cached results and measure only what is missing")
    ap.add_argument("--report", type=Path, default=HERE / "results/maskbench.md")
    ap.add_argument("--report-only", action="store_true", help="write the report from the cached results")
    ap.add_argument("--append", action="store_true", help="add to the report instead of replacing it")
    ap.add_argument("--command", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        worker_main(args.worker, args.tokenizer_dir, args.files_from)
        return

    files = select_files(args.data, args.splits, args.per_split)
    if not files:
        sys.exit(f"maskbench: no schema files in {args.data} for splits {args.splits!r}")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    engines = [e for e in args.engines.split(",") if e]
    toks = [t for t in args.tokenizers.split(",") if t]
    log(f"{len(files)} schemas, engines {engines}, tokenizers {toks}")
    if not args.report_only:
        for tok in toks:
            for engine in engines:
                out = args.out_dir / f"{engine}-{tok}.jsonl"
                if not args.resume:
                    out.unlink(missing_ok=True)
                have = load_records(out)
                todo = [f for f in files if f.name not in have]
                log(f"{engine}/{tok}: {len(todo)} schemas to measure ({len(files) - len(todo)} cached)")
                if not todo:
                    continue
                t0 = time.monotonic()
                if engine == "pagoda":
                    run_pagoda(tok, todo, args, out)
                else:
                    run_python_engine(engine, tok, todo, args, out)
                log(f"{engine}/{tok}: done in {time.monotonic() - t0:.0f} s")

    by: dict[tuple[str, str], list[dict]] = {}
    for path in sorted(args.out_dir.glob("*.jsonl")):
        engine, tok = path.stem.rsplit("-", 1)
        by[(engine, tok)] = list(load_records(path).values())
    command = args.command or " ".join(["tests/perf/maskbench.py", *sys.argv[1:]])
    text = report(by, files, args, command)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    with args.report.open("a" if args.append else "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
