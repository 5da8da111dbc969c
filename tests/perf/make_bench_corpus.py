#!/usr/bin/env python3
"""Write the tokenizer benchmark corpus (~10 MB of UTF-8 text) to a file, deterministically.

    python tests/perf/make_bench_corpus.py /tmp/tokenizer_bench_corpus.txt

The text is the tokenizer test corpus (tests/tools/tokenizer_corpus.py) shuffled with a
fixed seed, repeated until the target size, one case after another separated by "\\n".
Cases with C0 control characters other than TAB/LF/CR (NUL, VT, ESC, ...) are left out so
the file is friendly to line-oriented readers.  Cases that contain "\\n" span several
lines.  Readers must split on "\\n" only: the text also holds U+2028, U+0085 and lone
"\\r", which some line splitters treat as line breaks.

The same Python and the same corpus always give the same bytes; the script prints the
size, line count and sha256 so the C++ benchmark can check it reads the identical text.
Needs only the Python standard library.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import tokenizer_corpus  # noqa: E402

DEFAULT_BYTES = 10_000_000
SEED = 20240605


def _usable(text: str) -> bool:
    return bool(text) and not any(ord(c) < 0x20 and c not in "\t\n\r" for c in text)


def build(target_bytes: int = DEFAULT_BYTES, seed: int = SEED) -> str:
    texts = [t for _, t in tokenizer_corpus.cases() if _usable(t)]
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < target_bytes:
        order = texts[:]
        rng.shuffle(order)
        for t in order:
            parts.append(t)
            size += len(t.encode("utf-8")) + 1
            if size >= target_bytes:
                break
    return "\n".join(parts) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description="write the ~10 MB tokenizer benchmark corpus")
    ap.add_argument("path", type=Path)
    ap.add_argument("--bytes", type=int, default=DEFAULT_BYTES, help="target size (default 10,000,000)")
    args = ap.parse_args()
    data = build(args.bytes).encode("utf-8")
    args.path.write_bytes(data)
    print(json.dumps({"path": str(args.path), "bytes": len(data), "lines": data.count(b"\n"),
                      "sha256": hashlib.sha256(data).hexdigest()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
