#!/usr/bin/env python3
"""Structured output through `pagoda serve`, driven by the official `openai` client (and plain
HTTP for the fields it has no argument for). Run by CTest through scripts/test.sh's virtualenv:

    build/test-venv/bin/python tests/clients/structured_output_test.py build/app/pagoda

The models are openai_client_test's fixtures: a random-weight model whose free output is
gibberish, so every answer that parses and validates was made so by the constraint; and the
scripted Qwen3 model that thinks, then calls `lookup`, so forcing another tool and thinking
before the constraint are both visible.
"""

import json
import re
import tempfile
import unittest
import urllib.error
import urllib.request
from pathlib import Path

import jsonschema
import openai
from openai import OpenAI

import openai_client_test as fixtures  # takes the pagoda path from argv, as it does when run itself

# Every schema bounds the answer (maxLength, maxItems, enums) so a random model finishes well
# within max_tokens.
PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 10},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "tags": {"type": "array", "items": {"enum": ["red", "green", "blue"]}, "maxItems": 3},
        "member": {"type": "boolean"},
        "score": {"type": "number", "minimum": -10, "maximum": 10},
    },
    "required": ["name", "age", "tags", "member"],
    "additionalProperties": False,
}
MAX_TOKENS = 400


def post(url, body):
    """(status, parsed JSON) of a POST, errors included."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=fixtures.PATIENCE_SECONDS) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def streamed_text(stream):
    text, finish = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    return text, finish


class StructuredOutputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = fixtures.Server(fixtures.make_chat_model(Path(cls.tmp.name)))
        cls.client = OpenAI(base_url=cls.server.url + "/v1", api_key="unused", max_retries=0)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def chat(self, **kwargs):
        kwargs.setdefault("messages", [{"role": "user", "content": "Describe someone."}])
        kwargs.setdefault("max_tokens", MAX_TOKENS)
        return self.client.chat.completions.create(model="tiny", **kwargs)

    def test_free_output_is_not_json(self):
        # The premise: without a constraint this model does not write JSON.
        text = self.chat(temperature=0, max_tokens=40).choices[0].message.content
        with self.assertRaises(ValueError):
            json.loads(text)

    def test_json_schema_answers_validate_greedy_and_sampled_streamed_and_not(self):
        response_format = {"type": "json_schema", "json_schema": {"name": "person", "schema": PERSON, "strict": True}}
        for temperature, seed in ((0, None), (1.0, 1), (1.0, 2), (1.5, 3)):
            with self.subTest(temperature=temperature, seed=seed):
                whole = self.chat(response_format=response_format, temperature=temperature, seed=seed)
                self.assertEqual(whole.choices[0].finish_reason, "stop")
                jsonschema.validate(json.loads(whole.choices[0].message.content), PERSON)
                text, finish = streamed_text(self.chat(response_format=response_format, temperature=temperature,
                                                       seed=seed, stream=True))
                self.assertEqual(finish, "stop")
                jsonschema.validate(json.loads(text), PERSON)
                if seed is None or temperature == 0:
                    self.assertEqual(text, whole.choices[0].message.content)

    def test_json_object_mode_gives_an_object(self):
        for seed in (1, 2):
            answer = self.chat(response_format={"type": "json_object"}, temperature=1.0, seed=seed)
            content = answer.choices[0].message.content
            if answer.choices[0].finish_reason == "stop":  # an open object may run past max_tokens
                self.assertIsInstance(json.loads(content), dict)
            else:
                self.assertTrue(content.lstrip().startswith("{"), content)

    def test_completions_take_vllm_guided_fields_with_n(self):
        result = self.client.completions.create(model="tiny", prompt="A person:", max_tokens=MAX_TOKENS, n=3,
                                                temperature=1.0, seed=5, extra_body={"guided_json": PERSON})
        self.assertEqual(len(result.choices), 3)
        for choice in result.choices:
            jsonschema.validate(json.loads(choice.text), PERSON)

    def test_regex_choice_and_grammar_outputs_match(self):
        email = r"[a-z]{1,8}@[a-z]{1,8}\.(com|org)"
        grammar = 'root ::= "(" num (" + " num)* ")"\nnum ::= [1-9] [0-9]?'
        grammar_regex = r"\([1-9][0-9]?( \+ [1-9][0-9]?)*\)"
        for seed in (1, 2, 3):
            with self.subTest(seed=seed):
                for extra, check in (
                        ({"guided_regex": email}, lambda t: re.fullmatch(email, t)),
                        ({"structured_outputs": {"regex": email}}, lambda t: re.fullmatch(email, t)),
                        ({"guided_choice": ["red", "green", "blue"]}, lambda t: t in ("red", "green", "blue")),
                        ({"structured_outputs": {"choice": ["yes", "no"]}}, lambda t: t in ("yes", "no")),
                        ({"guided_grammar": grammar}, lambda t: re.fullmatch(grammar_regex, t)),
                        ({"grammar": grammar}, lambda t: re.fullmatch(grammar_regex, t)),  # llama.cpp's field
                ):
                    answer = self.chat(temperature=1.0, seed=seed, extra_body=extra).choices[0]
                    text = answer.message.content
                    if answer.finish_reason == "length":  # an unbounded (x)* may run long; it must still fit
                        self.assertTrue(any("grammar" in key for key in extra), text)
                        continue
                    self.assertTrue(check(text), f"{extra}: {text!r}")
                completion = self.client.completions.create(model="tiny", prompt="Mail:", max_tokens=MAX_TOKENS,
                                                            temperature=1.0, seed=seed, extra_body={"guided_regex": email})
                self.assertTrue(re.fullmatch(email, completion.choices[0].text), completion.choices[0].text)

    def test_llama_cpp_json_schema_field(self):
        status, body = post(self.server.url + "/v1/chat/completions",
                            {"messages": [{"role": "user", "content": "hi"}], "json_schema": PERSON,
                             "max_tokens": MAX_TOKENS, "temperature": 0})
        self.assertEqual(status, 200, body)
        jsonschema.validate(json.loads(body["choices"][0]["message"]["content"]), PERSON)

    def test_bad_constraints_are_400s_naming_the_field_and_the_server_keeps_serving(self):
        with self.assertRaises(openai.BadRequestError) as caught:
            self.chat(response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "frob"}}})
        self.assertIn("response_format.json_schema.schema", str(caught.exception))
        url = self.server.url + "/v1/chat/completions"
        for extra, param in (({"guided_regex": "(ab"}, "guided_regex"),
                             ({"guided_grammar": "start ::= \"a\""}, "guided_grammar"),
                             ({"structured_outputs": {"regex": "(a)\\1"}}, "structured_outputs.regex"),
                             ({"guided_json": {"type": "string", "minLength": 10 ** 9}}, "guided_json"),
                             ({"guided_regex": "a", "guided_choice": ["a"]}, "guided_choice")):
            status, body = post(url, {"messages": [{"role": "user", "content": "hi"}], **extra})
            self.assertEqual(status, 400, body)
            self.assertEqual(body["error"]["param"], param)
            self.assertEqual(body["error"]["type"], "BadRequestError")
        answer = self.chat(temperature=0, max_tokens=4, extra_body={"guided_choice": ["fine"]})
        self.assertEqual(answer.choices[0].message.content, "fine")

    def test_ollama_format_json_and_schema(self):
        status, body = post(self.server.url + "/api/chat",
                            {"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "stream": False,
                             "format": PERSON, "options": {"temperature": 0.8, "seed": 4, "num_predict": MAX_TOKENS}})
        self.assertEqual(status, 200, body)
        jsonschema.validate(json.loads(body["message"]["content"]), PERSON)
        status, body = post(self.server.url + "/api/generate",
                            {"model": "tiny", "prompt": "hi", "stream": False, "format": "json",
                             "options": {"temperature": 0, "num_predict": MAX_TOKENS}})
        self.assertEqual(status, 200, body)
        self.assertTrue(body["response"].lstrip().startswith("{"), body["response"])
        status, body = post(self.server.url + "/api/generate", {"model": "tiny", "prompt": "hi", "format": "yaml"})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["param"], "format")


LOOKUP = {"type": "object", "properties": {"q": {"type": "integer", "minimum": 0, "maximum": 99}}, "required": ["q"],
          "additionalProperties": False}
WEATHER = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 8},
                                            "unit": {"enum": ["celsius", "fahrenheit"]}},
           "required": ["city", "unit"], "additionalProperties": False}
TOOLS = [{"type": "function", "function": {"name": "lookup", "description": "Look something up", "parameters": LOOKUP}},
         {"type": "function", "function": {"name": "weather", "description": "The weather", "parameters": WEATHER}}]
SCHEMAS = {"lookup": LOOKUP, "weather": WEATHER}


class ForcedToolCallTest(unittest.TestCase):
    """tool_choice "required" and a named function on the scripted Qwen3 model: it thinks
    ("Check the map."), then, left free, calls lookup with {"q":1}."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = fixtures.Server(fixtures.make_scripted_qwen3(Path(cls.tmp.name)))
        cls.client = OpenAI(base_url=cls.server.url + "/v1", api_key="x", max_retries=0)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.tmp.cleanup()

    def ask(self, **kwargs):
        kwargs.setdefault("max_tokens", MAX_TOKENS)
        return self.client.chat.completions.create(
            model="tiny", messages=[{"role": "user", "content": "Where is it?"}], **kwargs)

    def check_calls(self, calls, names):
        self.assertTrue(calls)
        for name, arguments in calls:
            self.assertIn(name, names)
            jsonschema.validate(json.loads(arguments), SCHEMAS[name])

    def test_required_calls_only_declared_tools_with_valid_arguments_after_thinking(self):
        # Sampled only: past its script this model's logits are flat, so greedy takes the lowest
        # allowed id, "\n" before <|im_end|>, and "required" (one or more calls) never ends.
        for temperature, seed in ((1.0, 1), (1.0, 2), (0.7, 3)):
            with self.subTest(temperature=temperature, seed=seed):
                choice = self.ask(tools=TOOLS, tool_choice="required", temperature=temperature, seed=seed).choices[0]
                self.assertEqual(choice.finish_reason, "tool_calls")
                self.assertEqual(choice.message.model_extra["reasoning"], "Check the map.")  # thinking stays free
                self.assertFalse(choice.message.content)
                self.check_calls([(c.function.name, c.function.arguments) for c in choice.message.tool_calls],
                                 ("lookup", "weather"))

    def test_a_named_function_is_the_one_called_streamed_and_not(self):
        named = {"type": "function", "function": {"name": "weather"}}
        for temperature, seed in ((0, None), (1.0, 7)):
            with self.subTest(temperature=temperature, seed=seed):
                choice = self.ask(tools=TOOLS, tool_choice=named, temperature=temperature, seed=seed).choices[0]
                self.assertEqual(choice.finish_reason, "tool_calls")
                self.assertEqual([c.function.name for c in choice.message.tool_calls], ["weather"])
                self.check_calls([(c.function.name, c.function.arguments) for c in choice.message.tool_calls],
                                 ("weather",))
                calls, finish = {}, None
                for chunk in self.ask(tools=TOOLS, tool_choice=named, temperature=temperature, seed=seed,
                                      stream=True):
                    if not chunk.choices:
                        continue
                    for call in chunk.choices[0].delta.tool_calls or []:
                        entry = calls.setdefault(call.index, ["", ""])
                        entry[0] += call.function.name or ""
                        entry[1] += call.function.arguments or ""
                    finish = chunk.choices[0].finish_reason or finish
                self.assertEqual(finish, "tool_calls")
                self.assertEqual([name for name, _ in calls.values()], ["weather"])
                self.check_calls(list(calls.values()), ("weather",))

    def test_with_thinking_off_the_call_comes_first(self):
        choice = self.ask(tools=TOOLS, tool_choice={"type": "function", "function": {"name": "weather"}},
                          temperature=0, extra_body={"chat_template_kwargs": {"enable_thinking": False}}).choices[0]
        self.assertEqual(choice.finish_reason, "tool_calls")
        self.assertFalse(choice.message.model_extra.get("reasoning"))
        self.check_calls([(c.function.name, c.function.arguments) for c in choice.message.tool_calls], ("weather",))

    def test_a_json_schema_answer_also_comes_after_the_thought(self):
        choice = self.ask(temperature=0, response_format={"type": "json_schema",
                                                          "json_schema": {"name": "w", "schema": WEATHER}}).choices[0]
        self.assertEqual(choice.message.model_extra["reasoning"], "Check the map.")
        jsonschema.validate(json.loads(choice.message.content), WEATHER)

    def test_a_format_with_a_forced_tool_call_is_refused(self):
        with self.assertRaises(openai.BadRequestError) as caught:
            self.ask(tools=TOOLS, tool_choice="required", response_format={"type": "json_object"})
        self.assertIn("not both", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
