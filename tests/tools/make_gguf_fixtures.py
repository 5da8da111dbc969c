#!/usr/bin/env python3
"""Writes the GGUF container fixtures of tests/engine/gguf_file_test.cpp with gguf-py
(llama.cpp's own Python package, `pip install gguf==0.19.0`), and records what gguf-py's
reader sees in them as the truth the C++ reader must match.

  python3 tests/tools/make_gguf_fixtures.py [--out tests/fixtures/gguf]

Needs tests/tools/requirements-gguf.txt. Files:
  every-type.gguf        metadata of every GGUF value type (nested arrays included) and
                         tensors of several block types, with a non-default alignment
  split-0000N-of-00002.gguf  one model in two files, as llama.cpp's gguf-split names them
  expected.json          per file: version, alignment, metadata (type and value), tensors
                         (name, type, shape, offset, bytes, sha256 of their data)
  block-formats.json     per block format: random blocks (hex) and the f32 bit patterns
                         gguf-py's numpy dequantizers make of them
"""
import argparse
import hashlib
import json
from pathlib import Path

import gguf
import numpy as np

T = gguf.GGMLQuantizationType


def quantized(kind, shape, seed):
    """Blocks of `kind` for a tensor of `shape`: quantized by gguf-py where it can (Q8_0,
    Q4_0), random block bytes where it only dequantizes (the K formats); the container
    test needs the layout, not the values."""
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(shape, dtype=np.float32)
    try:
        return gguf.quants.quantize(values, kind)
    except NotImplementedError:
        block, size = gguf.GGML_QUANT_SIZES[kind]
        return rng.integers(0, 256, (*shape[:-1], shape[-1] // block * size), dtype=np.uint8)


def write_every_type(path):
    w = gguf.GGUFWriter(str(path), "qwen2")
    w.add_custom_alignment(64)
    w.add_uint8("test.u8", 250)
    w.add_int8("test.i8", -120)
    w.add_uint16("test.u16", 65000)
    w.add_int16("test.i16", -32000)
    w.add_uint32("test.u32", 4000000000)
    w.add_int32("test.i32", -2000000000)
    w.add_float32("test.f32", 0.15625)
    w.add_bool("test.bool", True)
    w.add_string("test.string", "千问 GGUF ✓")
    w.add_uint64("test.u64", 18000000000000000000)
    w.add_int64("test.i64", -9000000000000000000)
    w.add_float64("test.f64", 2.718281828459045)
    w.add_array("test.array.i32", [1, -2, 3])
    w.add_array("test.array.f32", [0.5, -1.25])
    w.add_array("test.array.string", ["a", "", "ü"])
    w.add_array("test.array.nested", [[1, 2], [3]])
    w.add_tensor("f32", np.arange(15, dtype=np.float32).reshape(3, 5))
    w.add_tensor("f16", np.linspace(-1, 1, 7, dtype=np.float16))
    bf16 = (np.arange(8, dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16)
    w.add_tensor("bf16", bf16, raw_dtype=T.BF16)
    for kind, shape, seed in [(T.Q8_0, (2, 64), 1), (T.Q4_0, (1, 96), 2), (T.Q4_K, (2, 256), 3),
                              (T.Q6_K, (1, 256), 4)]:
        w.add_tensor(kind.name.lower(), quantized(kind, shape, seed), raw_dtype=kind)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_split(directory):
    tensors = [("a", np.ones((4, 4), np.float32)), ("b", np.full((3,), 2, np.float32)),
               ("c", np.arange(6, dtype=np.float32))]
    parts = [tensors[:2], tensors[2:]]
    for index, part in enumerate(parts):
        path = directory / f"split-{index + 1:05d}-of-{len(parts):05d}.gguf"
        w = gguf.GGUFWriter(str(path), "llama" if index == 0 else None)
        w.add_uint16("split.no", index)
        w.add_uint16("split.count", len(parts))
        w.add_int32("split.tensors.count", len(tensors))
        for name, data in part:
            w.add_tensor(name, data)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()


# Where each block format keeps its f16 scales (byte offsets in a block): random bytes
# there are replaced by random finite halves, so no value is NaN or infinite.
HALF_FIELDS = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0], T.Q2_K: [80, 82],
               T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208]}


def write_block_truth(path, blocks_per_format=3, seed=7):
    """Random blocks of every format and gguf-py's dequantized values (f32 bit patterns)."""
    rng = np.random.default_rng(seed)
    out = {}
    for kind, halves in HALF_FIELDS.items():
        block, size = gguf.GGML_QUANT_SIZES[kind]
        raw = rng.integers(0, 256, (blocks_per_format, size), dtype=np.uint8)
        for at in halves:
            scale = rng.uniform(-2, 2, blocks_per_format).astype(np.float16)
            raw[:, at:at + 2] = scale.view(np.uint8).reshape(blocks_per_format, 2)
        values = gguf.quants.dequantize(raw.reshape(-1), kind).astype(np.float32)
        out[kind.name] = {"blocks": raw.tobytes().hex(), "values": values.view(np.uint32).tolist()}
    halves = rng.integers(0, 1 << 16, 512, dtype=np.uint16)
    halves[:6] = [0x0001, 0x03ff, 0x8000, 0x7c00, 0xfc00, 0x3c00]  # subnormals, -0, ±inf, 1
    for kind, dtype in [(T.F16, np.float16), (T.BF16, None)]:
        values = (halves.view(np.float16).astype(np.float32) if dtype is not None
                  else gguf.quants.dequantize(halves.view(np.uint8), T.BF16).astype(np.float32))
        out[kind.name] = {"blocks": halves.tobytes().hex(), "values": values.view(np.uint32).tolist()}
    path.write_text(json.dumps(out) + "\n")


def field_value(field):
    kind = field.types[0]
    if kind == gguf.GGUFValueType.ARRAY:
        return {"type": "array", "items": array_items(field)}
    return {"type": kind.name.lower(), "value": scalar(field, field.data[0], kind)}


def scalar(field, index, kind):
    part = field.parts[index]
    if kind == gguf.GGUFValueType.STRING:
        return bytes(part).decode("utf-8")
    value = part.tolist()[0]
    return bool(value) if kind == gguf.GGUFValueType.BOOL else value


def array_items(field):
    # gguf-py's reader flattens one level; nested arrays are recorded by their element type only.
    element = field.types[1] if len(field.types) > 1 else None
    if element is None:
        return []
    if element == gguf.GGUFValueType.ARRAY:
        return {"nested": True, "count": len(field.data)}
    return [{"type": element.name.lower(), "value": scalar(field, i, element)} for i in field.data]


def describe(path):
    reader = gguf.GGUFReader(str(path))
    metadata = {}
    for name, field in reader.fields.items():
        if name.startswith("GGUF."):
            continue
        metadata[name] = field_value(field)
    tensors = []
    for t in reader.tensors:
        raw = bytes(np.ascontiguousarray(t.data).view(np.uint8))
        tensors.append({"name": t.name, "type": T(t.tensor_type).name, "shape": [int(d) for d in t.shape],
                        "offset": int(t.data_offset), "bytes": int(t.n_bytes),
                        "sha256": hashlib.sha256(raw).hexdigest()})
    version = int(reader.fields["GGUF.version"].parts[-1][0])
    return {"version": version, "alignment": int(reader.alignment), "metadata": metadata, "tensors": tensors}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "fixtures/gguf")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    write_every_type(out / "every-type.gguf")
    write_split(out)
    write_block_truth(out / "block-formats.json")
    expected = {p.name: describe(p) for p in sorted(out.glob("*.gguf"))}
    expected["generator"] = f"gguf-py (pip gguf 0.19.0), numpy {np.__version__}"
    (out / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
