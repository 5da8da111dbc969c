#!/usr/bin/env python3
"""Train Pagoda's tiny offline demo chat model and its greedy truth fixture.

Run from the repository root, with the venv from tests/tools/requirements-demo.txt:

    python tests/tools/train_demo_model.py /usr/share/games/fortunes \
        --out resources/demo-model --minutes 25 --seed 1234

Why: the desktop app should be able to chat out of the box with no download, so we
ship a few-million-parameter Qwen2-architecture model (~11 MB) trained on CPU in
minutes.  It writes poem-shaped Chinese (Tang 300 and Song 100 poems from Debian's
fortunes-zh) and English fortunes (Debian's fortunes), nothing else.

What it writes:

  * <out>/tokenizer.json, tokenizer_config.json: a byte-level BPE trained here, built
    exactly like Qwen2's (same split regex, ByteLevel without its own regex), so
    Pagoda's tokenizer loads it through the Qwen2 code path; ChatML chat template.
  * <out>/config.json, generation_config.json, model.safetensors (bf16):
    Qwen2ForCausalLM via transformers' save_pretrained.
  * tests/fixtures/demo_model/greedy_truth.json: transformers' f32 greedy continuation
    of two chat prompts, for the C++ test that the shipped model decodes the same.

Reproducibility: everything is seeded, and the number of optimizer steps is the only
thing that depends on the machine: with --minutes the script times the first steps
and fixes the step count from the budget, printing it; pass --steps N to repeat a run
exactly (same N, same seed, same library versions -> same weights on the same CPU).
--truth-only rewrites the fixture from an existing <out> without training.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import safetensors
import tokenizers
import torch
import transformers
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
from transformers import (
    GenerationConfig,
    PreTrainedTokenizerFast,
    Qwen2Config,
    Qwen2ForCausalLM,
)

SCRIPT = "tests/tools/train_demo_model.py"

# Qwen2's pre-tokenizer split pattern, verbatim from its tokenizer.json.
QWEN2_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
ENDOFTEXT, IM_START, IM_END = "<|endoftext|>", "<|im_start|>", "<|im_end|>"
VOCAB_SIZE = 4096  # ~2,800 distinct CJK characters need ~2 merges each
MAX_SEQ_TOKENS = 256  # longer records (the long Tang ballads) are skipped
MAX_POSITIONS = 512

# Qwen2.5's ChatML, minus its default system prompt and tool calling.
CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

POEM_PROMPTS = ["写一首诗", "背一首诗", "来一首诗", "给我写一首诗"]
TANG_PROMPTS = ["写一首唐诗", "来一首唐诗", "背一首唐诗"]
# song100 holds Song-dynasty shi (regulated verse), not ci lyrics, hence 宋诗.
SONG_PROMPTS = ["来一首宋诗", "写一首宋诗", "背一首宋诗"]
FORTUNE_PROMPTS = [
    "Tell me a fortune",
    "Give me a fortune",
    "Fortune, please",
    "Say something wise",
    "Tell me something",
]
# A short system message on some examples, so a chat that sets one still works.
SYSTEM_MESSAGES = ["You are a helpful assistant.", "你是一个诗人。", "You are a fortune teller."]
SYSTEM_PROBABILITY = 0.2

TRUTH_CASES = [
    [{"role": "user", "content": "写一首诗"}],
    [{"role": "user", "content": "Tell me a fortune"}],
]
TRUTH_MAX_NEW_TOKENS = 48


@dataclass(frozen=True)
class Poem:
    source: str  # "tang" or "song"
    title: str  # the text inside 《》
    author: str
    text: str  # "《title》\n作者：name\nlines"


@dataclass(frozen=True)
class Corpus:
    poems: list[Poem]
    fortunes: list[str]


# ---------------------------------------------------------------- data ---------


def read_records(path: Path) -> list[str]:
    """A fortune file's records ('%' lines separate them), ANSI colours removed."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", path.read_text(encoding="utf-8"))
    records = re.split(r"^%\n", text, flags=re.M)
    return [r.strip("\n") for r in records if r.strip()]


def parse_poem(record: str, source: str) -> Poem | None:
    """Normalise tang300 ("《t》", "作者：a") and song100 ("题目:《t》…", "作者:a（dates）")."""
    lines = [line.rstrip() for line in record.split("\n") if line.strip()]
    if len(lines) < 3:
        return None
    title_line = re.sub(r"^题目[:：]", "", lines[0])
    author = re.sub(r"（[^）]*）", "", re.sub(r"^作者[:：]", "", lines[1])).strip()
    match = re.search(r"《([^》]+)》", title_line)
    if not match or not author or not lines[1].startswith("作者"):
        return None
    text = "\n".join([title_line, f"作者：{author}", *lines[2:]])
    return Poem(source, match.group(1), author, text)


def load_corpus(fortune_dir: Path) -> Corpus:
    poems = []
    for source, name in (("tang", "tang300"), ("song", "song100")):
        records = read_records(fortune_dir / name)
        parsed = [parse_poem(r, source) for r in records]
        skipped = sum(p is None for p in parsed)
        poems += [p for p in parsed if p is not None]
        print(f"{name}: {len(records)} records, {skipped} unparsable")
    fortunes = [r.rstrip() for r in read_records(fortune_dir / "fortunes")]
    print(f"fortunes: {len(fortunes)} records")
    return Corpus(poems, fortunes)


def prompts_for_poem(poem: Poem) -> list[str]:
    era = TANG_PROMPTS if poem.source == "tang" else SONG_PROMPTS
    return POEM_PROMPTS + era + [f"写一首{poem.author}的诗", f"写一首诗，题目是《{poem.title}》"]


def chat_pairs(corpus: Corpus, rng: random.Random) -> list[tuple[list[dict], str]]:
    """One (messages, answer) per record, prompt and system message drawn afresh."""
    pairs = [(rng.choice(prompts_for_poem(p)), p.text) for p in corpus.poems]
    pairs += [(rng.choice(FORTUNE_PROMPTS), f) for f in corpus.fortunes]
    out = []
    for prompt, answer in pairs:
        messages = [{"role": "user", "content": prompt}]
        if rng.random() < SYSTEM_PROBABILITY:
            messages.insert(0, {"role": "system", "content": rng.choice(SYSTEM_MESSAGES)})
        out.append((messages, answer))
    return out


# ----------------------------------------------------------- tokenizer ---------


def train_tokenizer(corpus: Corpus) -> Tokenizer:
    """Byte-level BPE built like Qwen2's, so Pagoda needs no new tokenizer code."""
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    # NFC as Qwen2's own tokenizer.json; AutoTokenizer (Qwen2Tokenizer, chosen from
    # config.json's model_type) forces NFC anyway, so this keeps every loader agreeing.
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        min_frequency=2,
        special_tokens=[ENDOFTEXT, IM_START, IM_END],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    # The chat scaffolding words are in the corpus so "user"/"assistant" become tokens.
    texts = [p.text for p in corpus.poems] + corpus.fortunes
    texts += POEM_PROMPTS + TANG_PROMPTS + SONG_PROMPTS + FORTUNE_PROMPTS + SYSTEM_MESSAGES
    texts += ["system\n", "user\n", "assistant\n"] * 50
    tok.train_from_iterator(texts, trainer=trainer)
    return tok


def save_tokenizer(tok: Tokenizer, out: Path) -> PreTrainedTokenizerFast:
    """tokenizer.json + tokenizer_config.json, written by transformers as for Qwen2."""
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token=IM_END,
        pad_token=ENDOFTEXT,
        bos_token=None,
        unk_token=None,
        model_max_length=MAX_POSITIONS,
        clean_up_tokenization_spaces=False,
        split_special_tokens=False,
    )
    fast.save_pretrained(out)
    config_path = out / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["bos_token"] = None  # explicit, as Qwen2's: no BOS is ever added
    config["add_bos_token"] = False
    config["add_eos_token"] = False
    # The class transformers 4 and 5 both know (5 writes its own "TokenizersBackend").
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    # One copy of the template, where Qwen2.5's repos keep it (transformers 5 would
    # write chat_template.jinja instead; Pagoda and transformers read either).
    config["chat_template"] = CHAT_TEMPLATE
    (out / "chat_template.jinja").unlink(missing_ok=True)
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return PreTrainedTokenizerFast.from_pretrained(out)


def encode_example(fast, messages: list[dict], answer: str) -> tuple[list[int], list[int]] | None:
    """Prompt ids + answer ids; labels are -100 except the answer and its <|im_end|>."""
    prompt_ids = fast.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
    if isinstance(prompt_ids, dict) or hasattr(prompt_ids, "keys"):
        prompt_ids = prompt_ids["input_ids"]
    answer_ids = fast.encode(answer, add_special_tokens=False) + [fast.convert_tokens_to_ids(IM_END)]
    ids = list(prompt_ids) + answer_ids
    if len(ids) > MAX_SEQ_TOKENS:
        return None
    return ids, [-100] * len(prompt_ids) + answer_ids


# --------------------------------------------------------------- model ---------


def build_model(fast) -> Qwen2ForCausalLM:
    config = Qwen2Config(
        vocab_size=len(fast),
        hidden_size=256,
        num_hidden_layers=6,
        num_attention_heads=4,
        num_key_value_heads=2,
        intermediate_size=704,
        max_position_embeddings=MAX_POSITIONS,
        rope_theta=10000.0,
        rms_norm_eps=1e-6,
        tie_word_embeddings=True,
        hidden_act="silu",
        attention_dropout=0.0,
        use_sliding_window=False,
        eos_token_id=fast.convert_tokens_to_ids(IM_END),
        pad_token_id=fast.convert_tokens_to_ids(ENDOFTEXT),
        bos_token_id=None,
    )
    config.architectures = ["Qwen2ForCausalLM"]
    model = Qwen2ForCausalLM(config)
    model.config._attn_implementation = "sdpa"
    return model


def batches_for_epoch(examples, batch_size: int, rng: random.Random):
    """Similar lengths share a batch (little padding); batch order is shuffled."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i][0]), rng.random()))
    chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    for chunk in chunks:
        yield collate([examples[i] for i in chunk])


def collate(items) -> tuple[torch.Tensor, torch.Tensor]:
    """Right padding: causal attention never lets a real token see a pad, so no mask."""
    width = max(len(ids) for ids, _ in items)
    ids = torch.zeros(len(items), width, dtype=torch.long)
    labels = torch.full((len(items), width), -100, dtype=torch.long)
    for row, (x, y) in enumerate(items):
        ids[row, : len(x)] = torch.tensor(x)
        labels[row, : len(y)] = torch.tensor(y)
    return ids, labels


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))


def training_step(model, optimizer, ids, labels) -> float:
    # bf16 autocast: the matmuls run on AMX/AVX512-BF16 where the CPU has them; the
    # master weights and optimizer state stay f32.
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = model(input_ids=ids).logits
    loss = torch.nn.functional.cross_entropy(
        logits[:, :-1].float().reshape(-1, logits.size(-1)), labels[:, 1:].reshape(-1), ignore_index=-100
    )
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item()


def train(model, fast, corpus: Corpus, args) -> dict:
    """AdamW, warmup + cosine; fresh prompts every epoch; stops after the planned steps."""
    rng = random.Random(args.seed)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr, betas=(0.9, 0.95), eps=1e-8,
    )
    total = args.steps  # None until timed, when only --minutes is given
    warmup = args.warmup
    step, start, ema, skipped = 0, time.time(), None, 0
    model.train()
    while total is None or step < total:
        examples = []
        for messages, answer in chat_pairs(corpus, rng):
            encoded = encode_example(fast, messages, answer)
            skipped += encoded is None
            if encoded is not None:
                examples.append(encoded)
        for ids, labels in batches_for_epoch(examples, args.batch_size, rng):
            # Until the step count is fixed, plan as if 1000 steps; warmup is shorter.
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, total or 1000, args.lr, warmup)
            loss = training_step(model, optimizer, ids, labels)
            ema = loss if ema is None else 0.95 * ema + 0.05 * loss
            step += 1
            if total is None and step == warmup:
                per_step = (time.time() - start) / step
                total = max(warmup + 1, int(args.minutes * 60 / per_step))
                print(f"{per_step:.2f} s/step -> {total} steps for {args.minutes} min "
                      f"(repeat exactly with --steps {total})", flush=True)
            if step % 10 == 0 or step == total:
                print(f"step {step}/{total or '?'}  loss {loss:.3f}  ema {ema:.3f}  "
                      f"lr {optimizer.param_groups[0]['lr']:.2e}  {time.time() - start:.0f}s", flush=True)
            if total is not None and step >= total:
                break
    minutes = (time.time() - start) / 60
    print(f"trained {step} steps in {minutes:.1f} min, final ema loss {ema:.3f}, "
          f"{len(examples)} examples/epoch ({skipped} over {MAX_SEQ_TOKENS} tokens skipped in total)")
    return {"steps": step, "minutes": round(minutes, 1), "final_loss_ema": round(ema, 3),
            "examples_per_epoch": len(examples)}


def save_model(model, fast, out: Path) -> None:
    """bf16 safetensors via save_pretrained; sampling defaults in generation_config."""
    im_end, endoftext = fast.convert_tokens_to_ids(IM_END), fast.convert_tokens_to_ids(ENDOFTEXT)
    model.generation_config = GenerationConfig(
        eos_token_id=[im_end, endoftext],
        pad_token_id=endoftext,
        do_sample=True,
        temperature=0.8,
        top_p=0.9,
        top_k=40,
        repetition_penalty=1.05,
    )
    model.to(torch.bfloat16).save_pretrained(out, safe_serialization=True)
    (out / "model.safetensors").chmod(0o644)  # save_pretrained leaves it 0600
    config = json.loads((out / "config.json").read_text())
    assert config["architectures"] == ["Qwen2ForCausalLM"], config
    assert config.get("dtype", config.get("torch_dtype")) == "bfloat16", config
    assert config["eos_token_id"] == im_end, config


# --------------------------------------------------------------- truth ---------


def load_f32(out: Path):
    fast = PreTrainedTokenizerFast.from_pretrained(out)
    model = Qwen2ForCausalLM.from_pretrained(out, dtype=torch.float32, attn_implementation="eager")
    return fast, model.eval()


def prompt_ids_for(fast, messages) -> list[int]:
    ids = fast.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
    return list(ids["input_ids"] if hasattr(ids, "keys") else ids)


@torch.no_grad()
def greedy(model, prompt_ids: list[int], eos_ids: list[int]) -> tuple[list[int], bool, float]:
    """Full recompute each step, argmax; also the smallest top1-top2 logit margin."""
    ids, min_margin = list(prompt_ids), float("inf")
    for _ in range(TRUTH_MAX_NEW_TOKENS):
        logits = model(input_ids=torch.tensor([ids])).logits[0, -1]
        top2 = torch.topk(logits, 2).values
        min_margin = min(min_margin, (top2[0] - top2[1]).item())
        token = int(logits.argmax())
        if token in eos_ids:
            return ids[len(prompt_ids) :], True, min_margin
        ids.append(token)
    return ids[len(prompt_ids) :], False, min_margin


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_truth(out: Path, truth_path: Path, argv: list[str]) -> None:
    fast, model = load_f32(out)
    eos_ids = list(model.generation_config.eos_token_id)
    cases = []
    for messages in TRUTH_CASES:
        prompt_ids = prompt_ids_for(fast, messages)
        output_ids, by_eos, margin = greedy(model, prompt_ids, eos_ids)
        text = fast.decode(output_ids, skip_special_tokens=True)
        print(f"greedy {messages[0]['content']!r}: {text!r} (eos {by_eos}, min margin {margin:.4f})")
        cases.append({"messages": messages, "prompt_ids": prompt_ids, "output_ids": output_ids,
                      "text": text, "finished_by_eos": by_eos, "min_top2_margin": round(margin, 5)})
    truth = {
        "generated_by": {
            "script": SCRIPT,
            "command": " ".join(["python", SCRIPT, *argv]),
            "torch": torch.__version__, "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__, "safetensors": safetensors.__version__,
            "dtype": "float32 (bf16 weights upcast)", "decoding": "greedy, full recompute",
            "max_new_tokens": TRUTH_MAX_NEW_TOKENS, "eos_token_ids": eos_ids,
        },
        "model_safetensors_sha256": sha256_of(out / "model.safetensors"),
        "cases": cases,
    }
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {truth_path}")


@torch.no_grad()
def print_samples(out: Path, seed: int, count: int) -> None:
    """Sampled answers with the shipped generation_config, for the model card."""
    fast, model = load_f32(out)
    torch.manual_seed(seed)
    for prompt in ["写一首诗", "写一首李白的诗", "来一首宋诗", "Tell me a fortune", "Say something wise"][:count]:
        ids = torch.tensor([prompt_ids_for(fast, [{"role": "user", "content": prompt}])])
        outputs = model.generate(ids, max_new_tokens=120)
        print(f"--- {prompt}\n{fast.decode(outputs[0, ids.size(1):], skip_special_tokens=True)}")


# ---------------------------------------------------------------- main ---------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("fortune_dir", nargs="?", default="/usr/share/games/fortunes", type=Path,
                        help="folder with tang300, song100 and fortunes (Debian fortunes-zh, fortunes)")
    parser.add_argument("--out", default=Path("resources/demo-model"), type=Path)
    parser.add_argument("--truth", default=Path("tests/fixtures/demo_model/greedy_truth.json"), type=Path,
                        help="where the greedy truth fixture goes")
    parser.add_argument("--minutes", default=25.0, type=float, help="training time budget")
    parser.add_argument("--steps", default=None, type=int, help="exact step count (overrides --minutes)")
    parser.add_argument("--seed", default=1234, type=int)
    parser.add_argument("--lr", default=3e-3, type=float)
    parser.add_argument("--warmup", default=20, type=int)
    parser.add_argument("--batch-size", default=32, type=int)
    parser.add_argument("--threads", default=2, type=int)
    parser.add_argument("--truth-only", action="store_true", help="only rewrite the greedy truth fixture")
    parser.add_argument("--samples", default=5, type=int, help="sampled answers to print at the end")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if not args.truth_only:
        random.seed(args.seed)
        torch.manual_seed(args.seed)
        corpus = load_corpus(args.fortune_dir)
        args.out.mkdir(parents=True, exist_ok=True)
        fast = save_tokenizer(train_tokenizer(corpus), args.out)
        model = build_model(fast)
        print(f"{sum(p.numel() for p in model.parameters()):,} parameters, vocab {len(fast)}")
        train(model, fast, corpus, args)
        save_model(model, fast, args.out)
    write_truth(args.out, args.truth, argv)
    print_samples(args.out, args.seed, args.samples)


if __name__ == "__main__":
    main(sys.argv[1:])
