#!/usr/bin/env python3
"""Check resources/catalog.json against the live Hugging Face and ModelScope hubs.

    python3 tests/tools/refresh_catalog.py resources/catalog.json          # report differences
    python3 tests/tools/refresh_catalog.py resources/catalog.json --write  # also rewrite the file

For every entry it reads, from Hugging Face: model info (safetensors parameter total,
licence), the file tree with sizes, and config.json; from ModelScope: the file list with
sizes. It prints each value that differs from the catalog, and a warning when the two
hubs disagree on the download size. With --write it stores the hub values and sets
"verified": true. Standard library only; needs internet, so CI never runs it.

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


def hub_values(entry):
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
    args = parser.parse_args()
    with open(args.catalog, encoding="utf-8") as f:
        catalog = json.load(f)
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
