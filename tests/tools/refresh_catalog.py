#!/usr/bin/env python3
"""Check resources/catalog.json against the live Hugging Face and ModelScope hubs.

    python3 tests/tools/refresh_catalog.py resources/catalog.json             # report differences
    python3 tests/tools/refresh_catalog.py resources/catalog.json --write     # also rewrite the file
    python3 tests/tools/refresh_catalog.py resources/catalog.json --estimate  # offline: GGUF sizes

For every entry it reads, from Hugging Face: model info (safetensors parameter total,
licence), the file tree with sizes, and config.json; from ModelScope: the file list with
sizes. It prints each value that differs from the catalog, and a warning when the two
hubs disagree on the download size. With --write it stores the hub values and sets
"verified": true. Standard library only; needs internet, so CI never runs it.

GGUF picks (entries with "quantization" and "baseModel") are checked by the size of
their quant's files only (every part of a split model); once read from the hub their
"downloadBytesEstimated" goes. --estimate, offline, writes the size each GGUF pick's file
will have, computed from its base entry's parameters and config with llama.cpp's rules
for the quant (gguf_estimate below), and marks it "downloadBytesEstimated": true.

Environment: HF_ENDPOINT (default https://huggingface.co), MODELSCOPE_ENDPOINT (default
https://modelscope.cn), HF_TOKEN (sent to Hugging Face only).
"""
import argparse
import datetime
import json
import os
import re
import sys
import urllib.parse
import urllib.request

HF = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
MS = os.environ.get("MODELSCOPE_ENDPOINT", "https://modelscope.cn").rstrip("/")

# What Pagoda downloads (app/hub/model_paths.cpp isWantedModelFile): top level only.
WANTED = {"config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "tokenizer.model",
          "vocab.json", "merges.txt", "special_tokens_map.json", "added_tokens.json", "chat_template.jinja",
          "chat_template.json", "model.safetensors.index.json"}


def wanted(path):
    return "/" not in path and (path.lower() in WANTED or path.lower().endswith(".safetensors"))


def wanted_gguf(path, quant):
    """The quant's .gguf file or split parts, as app/hub/gguf_quants.cpp tags them (roughly)."""
    name = path.rsplit("/", 1)[-1].lower()
    if not name.endswith(".gguf") or name.startswith("mmproj"):
        return False
    stem = re.sub(r"-\d{5}-of-\d{5}$", "", name[:-len(".gguf")])
    return re.split(r"[-.]", stem)[-1] == quant.lower()


# Bytes per weight of the GGUF block types Q4_K_M uses (ggml's block sizes), and what
# llama.cpp takes instead for a tensor whose rows are not a multiple of 256.
BYTES_PER_WEIGHT = {"Q4_K": 144 / 256, "Q6_K": 210 / 256, "Q5_0": 22 / 32, "Q8_0": 34 / 32, "F32": 4}
K_FALLBACK = {"Q4_K": "Q5_0", "Q6_K": "Q8_0"}
# The metadata before the tensors: a ~150k-token vocabulary with its merges, and the chat
# template. Check: the one real size known here, Qwen2.5-0.5B-Instruct-GGUF's q4_k_m file
# (491,400,032 bytes), is 0.2% from these rules and this allowance if its rows of 896 (not a
# multiple of 256) took Q8_0 where K_FALLBACK says Q5_0 (as the llama.cpp that made it, in
# 2024, seems to have done); 19% under with Q5_0. Of the picks only GLM-4's ffn_down
# (13,696) falls back.
GGUF_METADATA_BYTES = 6_000_000


def gguf_estimate(base, quant):
    """The size of a Q4_K_M file of the 16-bit model `base` (a catalog entry), by the rules of
    llama.cpp's llama_tensor_get_type: the output matrix (the embedding when tied) Q6_K; attn_v
    and ffn_down Q6_K in the layers use_more_bits picks, Q4_K elsewhere; every other matrix
    Q4_K; norms F32. q_proj and o_proj are what the parameter count leaves after the rest."""
    if quant != "Q4_K_M":
        raise ValueError(f"no size rules for {quant}")
    c = base["config"]
    layers, hidden, ffn, vocab = c["num_hidden_layers"], c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    kv = c["num_key_value_heads"] * c["head_dim"]

    def fit(kind, row):
        return kind if row % 256 == 0 else K_FALLBACK[kind]

    def more_bits(i):
        return i < layers // 8 or i >= 7 * layers // 8 or (i - layers // 8) % 3 == 2

    # Tied or not: the choice under which q_proj's width comes out a whole number of heads.
    for tied in (False, True):
        embeddings = vocab * hidden * (1 if tied else 2)
        q_and_o = (base["parameters"] - embeddings - hidden - layers * (2 * kv * hidden + 3 * ffn * hidden + 2 * hidden))
        q_and_o /= layers
        heads = q_and_o / (2 * hidden) / c["head_dim"]
        if abs(heads - round(heads)) < 0.05:
            break
    else:
        raise ValueError(f"{base['huggingFaceId']}: parameters do not match the config")
    b = BYTES_PER_WEIGHT
    size = vocab * hidden * b[fit("Q6_K", hidden)]
    if not tied:
        size += vocab * hidden * b[fit("Q4_K", hidden)]
    for i in range(layers):
        size += (q_and_o + kv * hidden + 2 * ffn * hidden) * b[fit("Q4_K", hidden)]
        size += kv * hidden * b[fit("Q6_K" if more_bits(i) else "Q4_K", hidden)]
        size += ffn * hidden * b[fit("Q6_K" if more_bits(i) else "Q4_K", ffn)]
        size += 2 * hidden * b["F32"]
    return int(size + hidden * b["F32"]) + GGUF_METADATA_BYTES


def estimate(catalog):
    bases = {e["huggingFaceId"]: e for e in catalog["models"] if "quantization" not in e}
    for entry in catalog["models"]:
        if "quantization" in entry and entry.get("downloadBytesEstimated", True):
            entry["downloadBytes"] = gguf_estimate(bases[entry["baseModel"]], entry["quantization"])
            entry["downloadBytesEstimated"] = True
            print(f"{entry['huggingFaceId']}:{entry['quantization']} ≈ {entry['downloadBytes']:,} bytes")


def get(url, hub):
    headers = {"User-Agent": "pagoda-refresh-catalog", "Accept-Encoding": "identity"}
    if hub == "hf" and os.environ.get("HF_TOKEN"):
        headers["Authorization"] = "Bearer " + os.environ["HF_TOKEN"]
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as response:
        return json.load(response), response.headers.get("Link", "")


def hf_tree(repo_id):
    """All files of the main revision, following the Link pagination."""
    url = f"{HF}/api/models/{repo_id}/tree/main?recursive=true"
    files = []
    while url:
        page, link = get(url, "hf")
        files += [f for f in page if f.get("type") == "file"]
        match = re.search(r'<([^>]+)>;\s*rel="next"', link)
        url = match.group(1) if match else None
    return files


def ms_files(repo_id):
    query = urllib.parse.urlencode({"Revision": "master", "Recursive": "True"})
    body, _ = get(f"{MS}/api/v1/models/{repo_id}/repo/files?{query}", "ms")
    return [f for f in body["Data"]["Files"] if f.get("Type") != "tree"]


def config_numbers(config, architecture):
    """The catalog's "config" object from a config.json, as engine/model/model_config.cpp reads it."""
    if architecture.startswith("ChatGLM"):
        heads = config["num_attention_heads"]
        kv = config["multi_query_group_num"] if config.get("multi_query_attention") else heads
        return {"num_hidden_layers": config["num_layers"], "num_key_value_heads": kv,
                "head_dim": config.get("kv_channels", config["hidden_size"] // heads),
                "hidden_size": config["hidden_size"], "intermediate_size": config["ffn_hidden_size"],
                "vocab_size": config["padded_vocab_size"], "max_position_embeddings": config.get("seq_length", 8192)}
    heads = config["num_attention_heads"]
    defaults_to_128 = architecture.startswith(("Qwen3", "Glm"))
    return {"num_hidden_layers": config["num_hidden_layers"],
            "num_key_value_heads": config.get("num_key_value_heads") or heads,
            "head_dim": config.get("head_dim") or (128 if defaults_to_128 else config["hidden_size"] // heads),
            "hidden_size": config["hidden_size"], "intermediate_size": config["intermediate_size"],
            "vocab_size": config["vocab_size"], "max_position_embeddings": config.get("max_position_embeddings", 4096)}


def gguf_values(entry):
    hf_id, ms_id, quant = entry["huggingFaceId"], entry["modelScopeId"], entry["quantization"]
    hf_bytes = sum(f.get("size", 0) for f in hf_tree(hf_id) if wanted_gguf(f["path"], quant))
    ms_bytes = sum(f.get("Size", 0) for f in ms_files(ms_id) if wanted_gguf(f["Path"], quant))
    if not hf_bytes:
        raise ValueError(f"{hf_id} has no {quant} file")
    if ms_bytes != hf_bytes:
        print(f"  warning: {ms_id}:{quant} on ModelScope is {ms_bytes} bytes, on Hugging Face {hf_bytes}")
    return {"downloadBytes": hf_bytes, "downloadBytesEstimated": False}


def hub_values(entry):
    if "quantization" in entry:
        return gguf_values(entry)
    hf_id, ms_id = entry["huggingFaceId"], entry["modelScopeId"]
    info, _ = get(f"{HF}/api/models/{hf_id}", "hf")
    config, _ = get(f"{HF}/{hf_id}/resolve/main/config.json", "hf")
    architecture = (config.get("architectures") or ["?"])[0]
    license_id = (info.get("cardData") or {}).get("license")
    if license_id == "other":
        license_id = (info.get("cardData") or {}).get("license_name", license_id)
    values = {
        "architecture": architecture,
        "license": license_id or entry["license"],
        "parameters": (info.get("safetensors") or {}).get("total", entry["parameters"]),
        "downloadBytes": sum(f.get("size", 0) for f in hf_tree(hf_id) if wanted(f["path"])),
        "config": config_numbers(config, architecture),
    }
    ms_bytes = sum(f.get("Size", 0) for f in ms_files(ms_id) if wanted(f["Path"]))
    if ms_bytes != values["downloadBytes"]:
        print(f"  warning: {ms_id} on ModelScope is {ms_bytes} bytes, {hf_id} on Hugging Face "
              f"{values['downloadBytes']}")
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("catalog")
    parser.add_argument("--write", action="store_true", help="store the hub values and mark the file verified")
    parser.add_argument("--estimate", action="store_true", help="offline: compute the GGUF picks' estimated sizes")
    args = parser.parse_args()
    with open(args.catalog, encoding="utf-8") as f:
        catalog = json.load(f)
    if args.estimate:
        estimate(catalog)
        with open(args.catalog, "w", encoding="utf-8") as f:
            f.write(json.dumps(catalog, indent=2, ensure_ascii=False) + "\n")
        return 0
    differences = failures = 0
    for entry in catalog["models"]:
        print(entry["huggingFaceId"])
        try:
            values = hub_values(entry)
        except Exception as error:  # one unreachable repo should not hide the others
            print(f"  error: {error}")
            failures += 1
            continue
        for key, value in values.items():
            if entry.get(key) != value:
                print(f"  {key}: catalog {json.dumps(entry.get(key))}, hub {json.dumps(value)}")
                differences += 1
                entry[key] = value
        if entry.get("downloadBytesEstimated") is False:
            del entry["downloadBytesEstimated"]  # read from the hub: no longer an estimate
    print(f"{differences} differences, {failures} models not reached")
    if args.write and failures == 0:
        catalog["verified"] = True
        catalog["note"] = f"Checked against both hubs by tests/tools/refresh_catalog.py on {datetime.date.today()}."
        with open(args.catalog, "w", encoding="utf-8") as f:
            f.write(json.dumps(catalog, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {args.catalog}")
    elif args.write:
        print("not written: some models were not reached")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
