#!/usr/bin/env python3
"""`pagoda serve` driven by the official `openai` Python package, as editor plugins and
scripts use it. Run by CTest through the virtualenv scripts/test.sh prepares:

    build/test-venv/bin/python tests/clients/openai_client_test.py build/app/pagoda

The model is a tiny fixture checkpoint with random weights behind the SentencePiece fixture
tokenizer (same 512-token vocabulary) and a small chat template, so answers are gibberish but
fully deterministic under greedy decoding.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
from openai import OpenAI

REPO = Path(__file__).resolve().parents[2]
# How long a wait for something that must happen may take before it is a failure (as the C++
# suites' kPatienceMs): a wait ends as soon as its condition holds.
PATIENCE_SECONDS = 120
PAGODA = Path(sys.argv.pop(1)) if len(sys.argv) > 1 else REPO / "build" / "app" / "pagoda"
TEMPLATE = ("{% for m in messages %}{{ bos_token if loop.first }}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
            "{% if add_generation_prompt %}[assistant] {% endif %}")


def make_chat_model(directory: Path) -> Path:
    fixture = REPO / "tests" / "fixtures" / "models" / "qwen3-f32"
    for name in ("config.json", "generation_config.json", "model.safetensors"):
        shutil.copy(fixture / name, directory / name)
    tokenizer = REPO / "tests" / "fixtures" / "tokenizers" / "sentencepiece"
    shutil.copy(tokenizer / "tokenizer.model", directory / "tokenizer.model")
    config = json.loads((tokenizer / "tokenizer_config.json").read_text())
    config["chat_template"] = TEMPLATE
    (directory / "tokenizer_config.json").write_text(json.dumps(config))
    return directory


QWEN3_TOKENIZER = REPO / "tests" / "fixtures" / "tokenizers" / "qwen3"
# What the scripted model says after any prompt ending in "<|im_start|>assistant\n":
# a thought, then a Qwen-style tool call, then <|im_end|>. Every token is distinct, so a
# first-order chain (each token's embedding selects the next) can say it exactly.
SCRIPT = '<think>Check the map.</think><tool_call>{"name":"lookup","arguments":{"q":1}}</tool_call>'


def bf16(value: float) -> bytes:
    return struct.pack("<f", value)[2:]


def make_scripted_qwen3(directory: Path) -> Path:
    """A real Qwen3 checkpoint whose weights are built, not trained: attention and MLP are zero,
    so the last hidden state is the current token's embedding, and the LM head maps the
    embedding of each script token onto the next one. The engine runs it like any model."""
    tokenize = subprocess.run([str(PAGODA), "tokenize", "--model", str(QWEN3_TOKENIZER), "--no-add-special-tokens"],
                              input=SCRIPT, capture_output=True, text=True, check=True)
    chain = [198] + json.loads(tokenize.stdout) + [151645]  # "\n" (end of the prompt) ... <|im_end|>
    assert len(set(chain)) == len(chain), "the script must not repeat a token"
    vocab, hidden = 151936, 32
    assert len(chain) - 1 <= hidden
    embed = bytearray(vocab * hidden * 2)
    head = bytearray(vocab * hidden * 2)
    for i, (token, following) in enumerate(zip(chain, chain[1:])):
        embed[(token * hidden + i) * 2:(token * hidden + i) * 2 + 2] = bf16(1.0)
        head[(following * hidden + i) * 2:(following * hidden + i) * 2 + 2] = bf16(10.0)
    ones = bf16(1.0) * hidden
    tensors = {"model.embed_tokens.weight": ([vocab, hidden], bytes(embed)), "lm_head.weight": ([vocab, hidden], bytes(head)),
               "model.norm.weight": ([hidden], ones)}
    prefix = "model.layers.0."
    for name, shape in [("input_layernorm.weight", [hidden]), ("post_attention_layernorm.weight", [hidden]),
                        ("self_attn.q_norm.weight", [hidden]), ("self_attn.k_norm.weight", [hidden])]:
        tensors[prefix + name] = (shape, ones)
    for name, shape in [("self_attn.q_proj.weight", [hidden, hidden]), ("self_attn.k_proj.weight", [hidden, hidden]),
                        ("self_attn.v_proj.weight", [hidden, hidden]), ("self_attn.o_proj.weight", [hidden, hidden]),
                        ("mlp.gate_proj.weight", [8, hidden]), ("mlp.up_proj.weight", [8, hidden]),
                        ("mlp.down_proj.weight", [hidden, 8])]:
        tensors[prefix + name] = (shape, bytes(shape[0] * shape[1] * 2))
    header, offset = {}, 0
    for name, (shape, data) in tensors.items():
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    header_bytes = json.dumps(header).encode()
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(directory / "model.safetensors", "wb") as out:
        out.write(struct.pack("<Q", len(header_bytes)) + header_bytes)
        for shape, data in tensors.values():
            out.write(data)
    config = {"architectures": ["Qwen3ForCausalLM"], "hidden_size": hidden, "intermediate_size": 8,
              "num_hidden_layers": 1, "num_attention_heads": 1, "num_key_value_heads": 1, "head_dim": hidden,
              "vocab_size": vocab, "max_position_embeddings": 4096, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
              "tie_word_embeddings": False, "torch_dtype": "bfloat16", "eos_token_id": 151645}
    (directory / "config.json").write_text(json.dumps(config))
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(QWEN3_TOKENIZER / name, directory / name)
    return directory


class Server:
    """A `pagoda serve` process on a free loopback port."""

    def __init__(self, model: Path, *extra: str):
        self.process = subprocess.Popen(
            [str(PAGODA), "serve", "--model", str(model), "--port", "0", "--served-model-name", "tiny",
             "--kv-cache-memory-bytes", "64M", *extra],
            stderr=subprocess.PIPE, text=True)
        for line in self.process.stderr:
            match = re.search(r"on http://127\.0\.0\.1:(\d+)", line)
            if match:
                self.url = f"http://127.0.0.1:{match.group(1)}"
                return
        raise RuntimeError(f"pagoda serve did not start (exit {self.process.wait()})")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=PATIENCE_SECONDS)
        self.process.stderr.close()


class OpenAIClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.model = make_chat_model(Path(cls.tmp.name))
        cls.server = Server(cls.model)
        cls.client = OpenAI(base_url=cls.server.url + "/v1", api_key="unused", max_retries=0)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def chat(self, **kwargs):
        kwargs.setdefault("messages", [{"role": "system", "content": "You are helpful."},
                                       {"role": "user", "content": "hello"}])
        return self.client.chat.completions.create(model="tiny", **kwargs)

    def test_models_report_the_loaded_context(self):
        models = self.client.models.list()
        self.assertEqual([m.id for m in models.data], ["tiny"])
        self.assertGreater(models.data[0].model_extra["max_model_len"], 100)

    def test_chat_stream_reassembles_to_the_whole_answer_with_usage(self):
        whole = self.chat(temperature=0, max_tokens=10)
        self.assertEqual(whole.choices[0].finish_reason, "length")
        self.assertEqual(whole.usage.completion_tokens, 10)
        stream = self.chat(temperature=0, max_tokens=10, stream=True, stream_options={"include_usage": True})
        chunks = list(stream)
        self.assertEqual(chunks[0].choices[0].delta.role, "assistant")
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        self.assertEqual(text, whole.choices[0].message.content)
        self.assertEqual(chunks[-1].choices, [])
        self.assertEqual(chunks[-1].usage.completion_tokens, 10)
        self.assertEqual(chunks[-1].usage.prompt_tokens, whole.usage.prompt_tokens)

    def test_completions_as_the_seed_documents_call_them(self):
        result = self.client.completions.create(model="tiny", prompt="San Francisco is a", max_tokens=7, temperature=0)
        self.assertEqual(result.object, "text_completion")
        self.assertEqual(result.usage.completion_tokens, 7)
        again = self.client.completions.create(model="tiny", prompt="San Francisco is a", max_tokens=7, temperature=0)
        self.assertEqual(again.choices[0].text, result.choices[0].text)

    def test_stop_string_ends_the_answer_before_it(self):
        full = self.chat(temperature=0, max_tokens=24).choices[0].message.content
        stop = full[len(full) // 2:len(full) // 2 + 2]
        self.assertTrue(stop.strip(), "need a visible stop string")
        stopped = self.chat(temperature=0, max_tokens=24, stop=[stop])
        self.assertEqual(stopped.choices[0].finish_reason, "stop")
        self.assertEqual(stopped.choices[0].message.content, full[:full.index(stop)])

    def test_n_and_seed_are_reproducible(self):
        first = self.chat(n=2, seed=7, temperature=1.0, max_tokens=8)
        second = self.chat(n=2, seed=7, temperature=1.0, max_tokens=8)
        self.assertEqual(len(first.choices), 2)
        self.assertEqual([c.message.content for c in first.choices], [c.message.content for c in second.choices])
        self.assertEqual(first.usage.completion_tokens, 16)

    def test_logprobs_list_the_top_alternatives(self):
        result = self.chat(temperature=0, max_tokens=4, logprobs=True, top_logprobs=3)
        content = result.choices[0].logprobs.content
        self.assertEqual(len(content), 4)
        for entry in content:
            self.assertEqual(len(entry.top_logprobs), 3)
            self.assertLessEqual(entry.logprob, 0.0)
            # Greedy: the chosen token is the most likely one.
            self.assertAlmostEqual(entry.logprob, entry.top_logprobs[0].logprob, places=4)

    def test_echo_with_logprobs_lists_the_prompt_tokens_first(self):
        result = self.client.completions.create(model="tiny", prompt="San Francisco is a", max_tokens=3,
                                                temperature=0, echo=True, logprobs=2)
        choice = result.choices[0]
        self.assertTrue(choice.text.startswith("San Francisco is a"))
        logprobs = choice.logprobs
        self.assertEqual(len(logprobs.tokens), result.usage.prompt_tokens + 3)
        self.assertIsNone(logprobs.token_logprobs[0])  # nothing predicts the first token
        self.assertIsNone(logprobs.top_logprobs[0])
        self.assertTrue(all(value <= 0 for value in logprobs.token_logprobs[1:]))
        offsets = [0]
        for token in logprobs.tokens[:-1]:
            offsets.append(offsets[-1] + len(token))
        self.assertEqual(logprobs.text_offset, offsets)

    def test_prompt_logprobs_through_extra_body(self):
        result = self.client.completions.create(model="tiny", prompt="San Francisco is a", max_tokens=2,
                                                temperature=0, extra_body={"prompt_logprobs": 3})
        prompt_logprobs = result.choices[0].model_extra["prompt_logprobs"]
        self.assertEqual(len(prompt_logprobs), result.usage.prompt_tokens)
        self.assertIsNone(prompt_logprobs[0])
        for entry in prompt_logprobs[1:]:
            self.assertTrue(3 <= len(entry) <= 4)  # the prompt token, then the top 3
            ranks = sorted(value["rank"] for value in entry.values())
            self.assertEqual(ranks[0], 1)
            for value in entry.values():
                self.assertLessEqual(value["logprob"], 0.0)
                self.assertIsInstance(value["decoded_token"], str)
        chat = self.chat(temperature=0, max_tokens=2, extra_body={"prompt_logprobs": 1, "return_token_ids": True})
        self.assertEqual(len(chat.model_extra["prompt_logprobs"]), chat.usage.prompt_tokens)
        self.assertEqual(len(chat.model_extra["prompt_token_ids"]), chat.usage.prompt_tokens)
        self.assertEqual(len(chat.choices[0].model_extra["token_ids"]), 2)

    def test_continuous_usage_and_token_ids_in_a_stream(self):
        stream = self.chat(temperature=0, max_tokens=4, stream=True, extra_body={"ignore_eos": True, "return_token_ids": True},
                           stream_options={"include_usage": True, "continuous_usage_stats": True})
        chunks = list(stream)
        final = chunks[-1]
        self.assertEqual(final.choices, [])
        self.assertEqual(final.usage.completion_tokens, 4)
        self.assertTrue(all(c.usage is not None for c in chunks))  # every chunk, not only the last
        self.assertEqual(chunks[-2].usage.completion_tokens, 4)
        self.assertEqual(len(chunks[0].model_extra["prompt_token_ids"]), final.usage.prompt_tokens)
        ids = [i for c in chunks if c.choices for i in (c.choices[0].model_extra.get("token_ids") or [])]
        self.assertEqual(len(ids), 4)

    def test_errors_raise_the_clients_exception_classes(self):
        with self.assertRaises(openai.NotFoundError):
            self.client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])
        with self.assertRaises(openai.BadRequestError) as caught:
            self.chat(max_tokens=1_000_000)
        self.assertIn("maximum context length", str(caught.exception))
        with self.assertRaises(openai.BadRequestError):
            self.chat(top_p=3.0)

    def test_api_key_is_enforced(self):
        guarded = Server(self.model, "--api-key", "s3cret")
        try:
            with self.assertRaises(openai.AuthenticationError):
                OpenAI(base_url=guarded.url + "/v1", api_key="wrong", max_retries=0).models.list()
            ok = OpenAI(base_url=guarded.url + "/v1", api_key="s3cret", max_retries=0).models.list()
            self.assertEqual(ok.data[0].id, "tiny")
        finally:
            guarded.stop()

    def test_64_concurrent_streaming_clients_get_their_own_answers(self):
        # 500 streamed requests over 50 distinct prompts, 64 at a time: every answer complete,
        # and each the same as its prompt run alone (greedy), so nothing is lost or mixed.
        prompts = [f"question number {i} about {'x' * (i % 13)}" for i in range(50)]
        alone = {p: self.chat(messages=[{"role": "user", "content": p}], temperature=0, max_tokens=12)
                 .choices[0].message.content for p in prompts}

        def stream(i):
            prompt = prompts[i % len(prompts)]
            chunks = self.client.chat.completions.create(
                model="tiny", messages=[{"role": "user", "content": prompt}], temperature=0, max_tokens=12, stream=True)
            text, finish = "", None
            for chunk in chunks:
                if chunk.choices:
                    text += chunk.choices[0].delta.content or ""
                    finish = chunk.choices[0].finish_reason or finish
            return prompt, text, finish

        with ThreadPoolExecutor(max_workers=64) as pool:
            results = list(pool.map(stream, range(500)))
        self.assertEqual(len(results), 500)
        for prompt, text, finish in results:
            self.assertEqual(finish, "length")
            self.assertEqual(text, alone[prompt])

    def metric(self, name):
        metrics = urllib.request.urlopen(self.server.url + "/metrics").read().decode()
        return float(re.search(name + r"\{[^}]*\} (\S+)", metrics).group(1))

    def test_clients_that_hang_up_mid_stream_leave_nothing_running(self):
        aborted_before = self.metric("pagoda:request_aborted_total")

        def hang_up(i):
            # As long as the context allows (2048): far more than the moment a hang-up takes to notice.
            body = json.dumps({"model": "tiny", "prompt": f"story {i}", "max_tokens": 2000, "ignore_eos": True,
                               "stream": True}).encode()
            request = urllib.request.Request(self.server.url + "/v1/completions", data=body,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request) as response:
                response.readline()  # the first event arrived: the request is generating; now leave
        with ThreadPoolExecutor(max_workers=30) as pool:
            list(pool.map(hang_up, range(30)))
        deadline = time.monotonic() + PATIENCE_SECONDS
        while time.monotonic() < deadline:
            running = self.metric("pagoda:num_requests_running")
            usage = self.metric("pagoda:kv_cache_usage_perc")
            if running == 0 and usage == 0:
                break
            time.sleep(0.05)
        self.assertEqual(running, 0)
        self.assertEqual(usage, 0)
        # They were aborted, every one, not run to the end.
        self.assertEqual(self.metric("pagoda:request_aborted_total") - aborted_before, 30)

    def test_malformed_requests_get_a_4xx_json_error_and_the_server_keeps_serving(self):
        ok = b'{"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2'
        cases = {
            "truncated json": (b'{"messages": [{"role": "us', 400),
            "wrong type": (b'{"messages": "hi"}', 400),
            "wrong type deep": (ok + b', "temperature": "hot"}', 400),
            "huge number": (ok + b', "n": 1e300}', 400),
            "huge integer": (ok.replace(b'"max_tokens": 2', b'"max_tokens": 1180591620717411303424') + b"}", 400),
            "negative max_tokens": (ok.replace(b'"max_tokens": 2', b'"max_tokens": -5') + b"}", 400),
            "not utf-8": (b'{"messages": [{"role": "user", "content": "\xff\xfe"}]}', 400),
            "10 MB string": (b'{"messages": [{"role": "user", "content": "' + b"a" * (10 << 20) + b'"}]}', 400),
            "deep nesting": (b'{"messages": ' + b"[" * 100000 + b"]" * 100000 + b"}", 400),
            "missing messages": (b'{"model": "tiny"}', 400),
            "body over the limit": (b'{"messages": "' + b"a" * (33 << 20) + b'"}', 413),
        }
        for name, (body, status) in cases.items():
            request = urllib.request.Request(self.server.url + "/v1/chat/completions", data=body,
                                             headers={"Content-Type": "application/json"})
            with self.assertRaises(urllib.error.HTTPError, msg=name) as caught:
                urllib.request.urlopen(request)
            self.assertEqual(caught.exception.code, status, name)
            error = json.loads(caught.exception.read())["error"]
            self.assertEqual(error["code"], status, name)
            self.assertTrue(error["message"], name)
        # Unknown fields are ignored, and the server still answers.
        answer = self.chat(max_tokens=2, extra_body={"frobnicate": True, "nested": {"x": [1, 2]}})
        self.assertEqual(answer.usage.completion_tokens, 2)

    def curl(self, path, body=None):
        command = ["curl", "-sS", self.server.url + path]
        if body is not None:
            command += ["-H", "Content-Type: application/json", "-d", body]
        return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)

    def test_the_seed_documents_curl_examples_work_as_written(self):
        # From the seed documents, with only the host and the model name changed.
        chat = self.curl("/v1/chat/completions", """{
            "model": "tiny",
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": "你好"}
            ]
        }""")
        self.assertEqual(chat["choices"][0]["message"]["role"], "assistant")
        self.assertIn(chat["choices"][0]["finish_reason"], ("stop", "length"))
        completion = self.curl("/v1/completions", """{
            "model": "tiny",
            "prompt": "你好",
            "max_tokens": 50,
            "temperature": 0
        }""")
        self.assertEqual(completion["usage"]["completion_tokens"], 50)
        self.assertEqual(self.curl("/v1/models")["data"][0]["id"], "tiny")

    def test_plain_http_get_of_models_works_like_curl(self):
        with urllib.request.urlopen(self.server.url + "/v1/models") as response:
            self.assertEqual(response.status, 200)
            self.assertEqual(json.load(response)["data"][0]["id"], "tiny")


class ToolCallAndReasoningTest(unittest.TestCase):
    """Reasoning and tool calls, parsed from what a (scripted) Qwen3 model really generates."""

    TOOLS = [{"type": "function", "function": {"name": "lookup", "description": "Look something up",
                                               "parameters": {"type": "object", "properties": {"q": {"type": "integer"}}}}}]

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = Server(make_scripted_qwen3(Path(cls.tmp.name)))
        cls.client = OpenAI(base_url=cls.server.url + "/v1", api_key="x", max_retries=0)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def ask(self, **kwargs):
        return self.client.chat.completions.create(
            model="tiny", messages=[{"role": "user", "content": "Where is it?"}], temperature=0, **kwargs)

    def test_tool_call_and_reasoning_in_a_whole_answer(self):
        answer = self.ask(tools=self.TOOLS)
        choice = answer.choices[0]
        self.assertEqual(choice.finish_reason, "tool_calls")
        self.assertEqual(choice.message.model_extra["reasoning"], "Check the map.")
        self.assertEqual(choice.message.model_extra["reasoning_content"], "Check the map.")
        self.assertEqual(len(choice.message.tool_calls), 1)
        call = choice.message.tool_calls[0]
        self.assertEqual(call.type, "function")
        self.assertEqual(call.function.name, "lookup")
        self.assertEqual(json.loads(call.function.arguments), {"q": 1})
        self.assertEqual(call.function.arguments, '{"q": 1}')  # json.dumps spacing, as vLLM sends
        self.assertFalse(choice.message.content)

    def test_streamed_deltas_reassemble_to_the_same_call(self):
        reasoning, calls, finish = "", {}, None
        for chunk in self.ask(tools=self.TOOLS, stream=True):
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            reasoning += (delta.model_extra or {}).get("reasoning") or ""
            for call in delta.tool_calls or []:
                entry = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
                entry["id"] = call.id or entry["id"]
                entry["name"] += call.function.name or ""
                entry["arguments"] += call.function.arguments or ""
            finish = chunk.choices[0].finish_reason or finish
        self.assertEqual(reasoning, "Check the map.")
        self.assertEqual(finish, "tool_calls")
        self.assertEqual(list(calls), [0])
        self.assertEqual(calls[0]["name"], "lookup")
        self.assertEqual(json.loads(calls[0]["arguments"]), {"q": 1})
        self.assertTrue(calls[0]["id"])

    def test_without_tools_the_markup_stays_text(self):
        answer = self.ask()
        self.assertEqual(answer.choices[0].finish_reason, "stop")
        self.assertIn('<tool_call>{"name":"lookup"', answer.choices[0].message.content)


class OllamaApiTest(unittest.TestCase):
    """The same server through Ollama's API, which many editor plugins speak."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = Server(make_chat_model(Path(cls.tmp.name)))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def call(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.server.url + path, data=data, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            return response.read().decode()

    def test_version_tags_and_show(self):
        self.assertIn("version", json.loads(self.call("/api/version")))
        self.assertEqual([m["name"] for m in json.loads(self.call("/api/tags"))["models"]], ["tiny"])
        show = json.loads(self.call("/api/show", {"model": "tiny"}))
        self.assertEqual(show["model_info"]["general.architecture"], "qwen3")
        self.assertGreater(show["model_info"]["qwen3.context_length"], 100)

    def test_chat_streams_ndjson_that_adds_up_to_the_whole_answer(self):
        body = {"model": "tiny", "messages": [{"role": "user", "content": "hello"}],
                "options": {"temperature": 0, "num_predict": 9}}
        lines = [json.loads(line) for line in self.call("/api/chat", body).splitlines()]
        self.assertTrue(all(not line["done"] for line in lines[:-1]))
        self.assertTrue(lines[-1]["done"])
        self.assertEqual(lines[-1]["done_reason"], "length")
        self.assertEqual(lines[-1]["eval_count"], 9)
        streamed = "".join(line["message"]["content"] for line in lines)
        whole = json.loads(self.call("/api/chat", {**body, "stream": False}))
        self.assertEqual(whole["message"]["content"], streamed)
        openai_answer = OpenAI(base_url=self.server.url + "/v1", api_key="x").chat.completions.create(
            model="tiny", messages=body["messages"], temperature=0, max_tokens=9)
        self.assertEqual(openai_answer.choices[0].message.content, streamed)

    def test_generate_raw_prompt(self):
        body = {"model": "tiny", "prompt": "San Francisco is a", "raw": True, "stream": False,
                "options": {"temperature": 0, "num_predict": 5}}
        answer = json.loads(self.call("/api/generate", body))
        self.assertTrue(answer["done"])
        self.assertEqual(answer["eval_count"], 5)
        completion = OpenAI(base_url=self.server.url + "/v1", api_key="x").completions.create(
            model="tiny", prompt="San Francisco is a", max_tokens=5, temperature=0)
        self.assertEqual(answer["response"], completion.choices[0].text)

    def test_unknown_model_is_404(self):
        with self.assertRaises(urllib.error.HTTPError) as caught:
            self.call("/api/chat", {"model": "nope", "messages": [{"role": "user", "content": "hi"}]})
        self.assertEqual(caught.exception.code, 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
