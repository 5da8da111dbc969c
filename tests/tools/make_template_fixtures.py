#!/usr/bin/env python3
"""Chat template truth: renders every (template, conversation) pair with transformers'
apply_chat_template(..., tokenize=False) and writes what Pagoda's ChatTemplate must produce.

    /tmp/truthvenv/bin/python tests/tools/make_template_fixtures.py [--refresh-from DIR]

Writes tests/fixtures/chat_templates/{cases.json, expected.json} (plus feature snippets that
jinja2 renders directly) from the templates committed in tests/fixtures/chat_templates/templates/
and the tokenizers in tests/fixtures/tokenizers/. With --refresh-from DIR (a folder of published
*.jinja files and their SOURCES.md), it first copies them in, checking each sha256 against that
SOURCES.md, and takes Qwen3's and Llama 3's templates from the committed tokenizer_config.json
files. When transformers raises for a pair, the exception's type and message are recorded
instead of the text.
"""
import argparse
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import transformers
from transformers import PreTrainedTokenizerFast

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "fixtures" / "chat_templates"
TEMPLATES = OUT / "templates"
TOKENIZERS = REPO / "tests" / "fixtures" / "tokenizers"

QWEN_TOKENS = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>"}
LLAMA31_TOKENS = {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"}
LLAMA3_TOKENS = {"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"}
DEEPSEEK_TOKENS = {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"}
GLM_TOKENS = {"eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}
# Llama 3.x templates print today's date unless given one; a fixed date keeps truth stable.
LLAMA_KWARGS = {"date_string": "05 Mar 2025"}

# name -> (tokenizer.json family, special tokens, template kwargs)
TEMPLATE_SETUP = {
    "Qwen-Qwen2.5-7B-Instruct": ("qwen3", QWEN_TOKENS, {}),
    "Qwen-QwQ-32B": ("qwen3", QWEN_TOKENS, {}),
    "Qwen-Qwen2-7B-Instruct": ("qwen3", QWEN_TOKENS, {}),
    "Qwen-Qwen1.5-7B-Chat": ("qwen3", QWEN_TOKENS, {}),
    "Qwen3-tokenizer_config": ("qwen3", QWEN_TOKENS, {}),
    "THUDM-glm-4-9b-chat": ("qwen3", GLM_TOKENS, {}),
    "THUDM-GLM-4-9B-0414": ("qwen3", GLM_TOKENS, {}),
    "meta-llama-Llama-3.1-8B-Instruct": ("llama3", LLAMA31_TOKENS, LLAMA_KWARGS),
    "meta-llama-Llama-3.2-3B-Instruct": ("llama3", LLAMA31_TOKENS, LLAMA_KWARGS),
    "Llama3-tokenizer_config": ("llama3", LLAMA3_TOKENS, LLAMA_KWARGS),
    "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B": ("qwen3", DEEPSEEK_TOKENS, {}),
}

# GLM-4-0414's template is not in the shared fixtures. This is the JSON string of the
# "chat_template" field of xorbitsai/inference xinference/model/llm/models/glm4-0414.json at
# commit 5beee8b536214c143714554f2af4653997764315, as stored there (see templates/SOURCES.md).
GLM4_0414_JSON = r'''"[gMASK]<sop>{%- if tools -%}<|system|>\n# 可用工具\n{% for tool in tools %}{%- set function = tool.function if tool.get(\"function\") else tool %}\n\n## {{ function.name }}\n\n{{ function | tojson(indent=4, ensure_ascii=False) }}\n在调用上述函数时，请使用 Json 格式表示调用的参数。{%- endfor %}{%- endif -%}{%- for msg in messages %}{%- if msg.role == 'system' %}<|system|>\n{{ msg.content }}{%- endif %}{%- endfor %}{%- for message in messages if message.role != 'system' %}{%- set role = message['role'] %}{%- set content = message['content'] %}{%- set meta = message.get(\"metadata\", \"\") %}{%- if role == 'user' %}<|user|>\n{{ content }}{%- elif role == 'assistant' and not meta %}<|assistant|>\n{{ content }}{%- elif role == 'assistant' and meta %}<|assistant|>{{ meta }} \n{{ content }}{%- elif role == 'observation' %}<|observation|>\n{{ content }}{%- endif %}{%- endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"'''

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city, e.g. San Francisco, CA"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["location"],
        },
    },
}
SEARCH = {
    "type": "function",
    "function": {
        "name": "search_web",
        "description": "在网上搜索信息 🔍",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
    },
}
TOOLS = [WEATHER, SEARCH]


def call(name, arguments, call_id="call_1"):
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


PARIS = {"location": "Paris, France", "unit": "celsius"}
CASES = [
    {"name": "user_only", "messages": [{"role": "user", "content": "Hello!"}], "add_generation_prompt": True},
    {"name": "user_only_no_generation_prompt", "messages": [{"role": "user", "content": "Hello!"}]},
    {
        "name": "system_user",
        "messages": [
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "What is 2+2?"},
        ],
        "add_generation_prompt": True,
    },
    {
        "name": "multi_turn",
        "messages": [
            {"role": "system", "content": "You are a terse assistant."},
            {"role": "user", "content": "What is 2+2?"},
            {"role": "assistant", "content": "4."},
            {"role": "user", "content": "And 3+3?"},
        ],
        "add_generation_prompt": True,
    },
    {
        "name": "multi_turn_no_system_no_generation_prompt",
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello! How can I help?"},
            {"role": "user", "content": "Tell me a joke."},
            {"role": "assistant", "content": "Why did the scarecrow win an award?\nBecause he was outstanding in his field."},
        ],
    },
    {
        "name": "system_in_the_middle",
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "system", "content": "Answer in one word."},
            {"role": "user", "content": "Capital of France?"},
        ],
        "add_generation_prompt": True,
    },
    {
        "name": "empty_content",
        "messages": [
            {"role": "system", "content": ""},
            {"role": "user", "content": ""},
            {"role": "assistant", "content": ""},
            {"role": "user", "content": "Anything?"},
        ],
        "add_generation_prompt": True,
    },
    {
        "name": "cjk_and_emoji",
        "messages": [
            {"role": "system", "content": "你是一个乐于助人的助手。🌸"},
            {"role": "user", "content": "  你好，世界！🌍🚀 こんにちは 안녕하세요\u3000"},
            {"role": "assistant", "content": "你好！😊\n有什么可以帮你？\u00a0"},
            {"role": "user", "content": "讲个笑话 🤡\t"},
        ],
        "add_generation_prompt": True,
    },
    {
        "name": "template_syntax_in_content",
        "messages": [
            {"role": "user", "content": "Echo {{ braces }}, {% tags %}, {# comments #}, \"quotes\", 'single' and \\backslash\\."},
        ],
        "add_generation_prompt": True,
    },
    {
        "name": "tools_with_system",
        "messages": [
            {"role": "system", "content": "You can call tools."},
            {"role": "user", "content": "What's the weather in Paris?"},
        ],
        "tools": TOOLS,
        "add_generation_prompt": True,
    },
    {
        "name": "tools_without_system",
        "messages": [{"role": "user", "content": "What's the weather in Paris?"}],
        "tools": TOOLS,
        "add_generation_prompt": True,
    },
    {
        "name": "tools_in_system_message",
        "messages": [
            {"role": "system", "content": "You can call tools."},
            {"role": "user", "content": "What's the weather in Paris?"},
        ],
        "tools": [WEATHER],
        "kwargs": {"tools_in_user_message": False},
        "add_generation_prompt": True,
    },
    {
        "name": "tools_without_user_message",
        "messages": [{"role": "system", "content": "You can call tools."}],
        "tools": [WEATHER],
        "add_generation_prompt": True,
    },
    {
        "name": "tool_call_round_trip",
        "messages": [
            {"role": "user", "content": "What's the weather in Paris?"},
            {"role": "assistant", "content": "", "tool_calls": [call("get_current_weather", PARIS)]},
            {"role": "tool", "tool_call_id": "call_1", "name": "get_current_weather",
             "content": "{\"temperature\": 22, \"condition\": \"sunny\"}"},
        ],
        "tools": TOOLS,
        "add_generation_prompt": True,
    },
    {
        "name": "tool_call_string_arguments",
        "messages": [
            {"role": "user", "content": "What's the weather in Paris?"},
            {"role": "assistant", "content": "Let me check.",
             "tool_calls": [call("get_current_weather", "{\"location\": \"Paris, France\"}")]},
            {"role": "tool", "tool_call_id": "call_1", "content": "22°C, sunny"},
            {"role": "assistant", "content": "It is 22°C and sunny in Paris."},
        ],
        "tools": TOOLS,
    },
    {
        "name": "tool_call_null_content",
        "messages": [
            {"role": "user", "content": "What's the weather in Paris?"},
            {"role": "assistant", "content": None, "tool_calls": [call("get_current_weather", PARIS)]},
            {"role": "tool", "tool_call_id": "call_1", "content": "22°C"},
        ],
        "tools": TOOLS,
        "add_generation_prompt": True,
    },
    {
        "name": "parallel_tool_calls",
        "messages": [
            {"role": "user", "content": "Weather in Paris and 東京?"},
            {"role": "assistant", "content": "",
             "tool_calls": [call("get_current_weather", PARIS),
                            call("get_current_weather", {"location": "東京"}, "call_2")]},
            {"role": "tool", "tool_call_id": "call_1", "content": "22°C"},
            {"role": "tool", "tool_call_id": "call_2", "content": "18°C"},
        ],
        "tools": TOOLS,
        "add_generation_prompt": True,
    },
    {
        "name": "tool_call_json_numbers",
        "messages": [
            {"role": "user", "content": "Store these."},
            {"role": "assistant", "content": "", "tool_calls": [call("search_web", {
                "count": 3, "ratio": 0.1, "big": 1e20, "tiny": 1.5e-7, "whole": 100.0, "negative": -2.5,
                "flag": True, "nothing": None, "tags": ["a", "b"], "nested": {"k": [1, 2.5, "x\"y\\z\n"]},
                "emoji": "😀", "escapes": "\u0001\u007f\u2028"})]},
            {"role": "tool", "tool_call_id": "call_1", "content": "stored"},
        ],
        "tools": [SEARCH],
        "add_generation_prompt": True,
    },
    {
        "name": "llama_builtin_tools",
        "messages": [
            {"role": "system", "content": "Use tools when needed."},
            {"role": "user", "content": "Search for the weather in Paris"},
            {"role": "assistant", "content": "", "tool_calls": [call("brave_search", {"query": "weather Paris"})]},
            {"role": "ipython", "content": "sunny, 22°C"},
        ],
        "tools": [WEATHER],
        "kwargs": {"builtin_tools": ["brave_search", "wolfram_alpha", "code_interpreter"]},
        "add_generation_prompt": True,
    },
    {
        "name": "thinking_disabled",
        "messages": [{"role": "user", "content": "Solve x + 1 = 2."}],
        "kwargs": {"enable_thinking": False},
        "add_generation_prompt": True,
    },
    {
        "name": "thinking_enabled",
        "messages": [{"role": "user", "content": "Solve x + 1 = 2."}],
        "kwargs": {"enable_thinking": True},
        "add_generation_prompt": True,
    },
    {
        "name": "reasoning_content_history",
        "messages": [
            {"role": "user", "content": "What is 2+2?"},
            {"role": "assistant", "content": "4", "reasoning_content": "Two plus two is four."},
            {"role": "user", "content": "And 3+3?"},
            {"role": "assistant", "content": "6", "reasoning_content": "\nThree plus three is six.\n"},
        ],
    },
    {
        "name": "reasoning_then_generation_without_thinking",
        "messages": [
            {"role": "user", "content": "What is 2+2?"},
            {"role": "assistant", "content": "4", "reasoning_content": "Two plus two is four."},
            {"role": "user", "content": "And 3+3?"},
        ],
        "kwargs": {"enable_thinking": False},
        "add_generation_prompt": True,
    },
    {
        "name": "think_tags_in_content",
        "messages": [
            {"role": "user", "content": "What is the answer?"},
            {"role": "assistant", "content": "<think>\nLet me think.\n</think>\n\nThe answer is 42."},
            {"role": "user", "content": "Why?"},
        ],
        "add_generation_prompt": True,
    },
    {
        "name": "glm_tools_inside_message",
        "messages": [
            {"role": "system", "content": "你是一个助手。", "tools": [WEATHER, {"type": "python"}]},
            {"role": "user", "content": "查一下北京的天气"},
        ],
        "add_generation_prompt": True,
    },
    {
        "name": "glm_observation_with_metadata",
        "messages": [
            {"role": "user", "content": "北京天气？"},
            {"role": "assistant", "metadata": "get_current_weather", "content": "{\"location\": \"Beijing\"}"},
            {"role": "observation", "content": "{\"temperature\": 20}"},
        ],
        "add_generation_prompt": True,
    },
    {"name": "empty_conversation", "messages": [], "add_generation_prompt": True},
]

# Jinja features beyond what the model templates exercise, each rendered by transformers' own
# sandboxed environment (the one apply_chat_template compiles templates with).
USERS = [
    {"name": "Ann", "age": 31, "admin": True, "tags": ["a", "b"]},
    {"name": "Bob", "age": 25, "admin": False, "tags": ["c"]},
    {"name": "Cy", "age": 40, "admin": False, "tags": ["d"]},
]
SNIPPETS = [
    ("whitespace_lstrip_and_trim_blocks", "  {% if true %}\n  x\n  {% endif %}\n  {{ 'y' }}\n{# c #}\n  {#- c2 #}   z\n", {}),
    ("whitespace_markers", "a  {%- if true -%}  b  {%+ if true %}c{% endif +%}\nd\n{%- endif %} {{- ' e ' -}} f", {}),
    ("newlines_normalized", "a\r\nb\r{{ 1 }}\r\n{% if true %}\r\nc{% endif %}\r\n", {}),
    ("raw_block_and_comments", "{% raw %}{{ not evaluated }}{% endraw %}|a{# {{ x }} #}b", {}),
    ("loop_variables", "{% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
     "{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.previtem|default('-') }}{{ loop.nextitem|default('-') }}"
     "{{ loop.cycle('o', 'e') }};{% endfor %}", {}),
    ("loop_filter_and_else", "{% for x in [1, 2, 3, 4] if x is even %}{{ x }}/{{ loop.length }} {% else %}none{% endfor %}|"
     "{% for x in [] %}{% else %}empty{% endfor %}", {}),
    ("loop_scoping", "{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}", {}),
    ("loop_changed_and_outer_loop", "{% for x in [1, 1, 2, 2, 1] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}|"
     "{% for a in [1, 2] %}{% set outer = loop %}{% for b in [1, 2] %}{{ outer.index }}{{ loop.index }} {% endfor %}{% endfor %}", {}),
    ("namespace", "{% set ns = namespace(total=0, items=[]) %}{% for i in range(4) %}{% set ns.total = ns.total + i %}"
     "{% set ns.items = ns.items + [i * i] %}{% endfor %}{{ ns.total }} {{ ns.items }} {{ ns }}", {}),
    ("tuple_unpacking", "{% for k, v in {'a': 1, 'b': [2]}.items() %}{{ k }}={{ v }};{% endfor %}"
     "{% for a, b in [[1, 2], (3, 4)] %}{{ a + b }}{% endfor %}{% set p, q = 'xy' %}{{ q }}{{ p }}", {}),
    ("break_and_continue", "{% for i in range(10) %}{% if i is odd %}{% continue %}{% endif %}{% if i > 6 %}{% break %}{% endif %}"
     "{{ i }}{% endfor %}", {}),
    ("macros", "{% macro greet(name, punct='!') %}Hello {{ name }}{{ punct }}{% endmacro %}{{ greet('Ann') }} "
     "{{ greet('Bob', punct='?') }} {{ greet(name='Cy') }} [{{ greet() }}]", {}),
    ("macro_varargs_kwargs", "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }}", {}),
    ("call_blocks", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold {{ 1 + 1 }}"
     "{% endcall %}{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}"
     "{% call(item) each([1, 2]) %}[{{ item }}]{% endcall %}", {}),
    ("set_block_filter_block_with", "{% set block | upper %}hello {{ 'world' }}{% endset %}{{ block }}|{% filter title %}one two-three"
     "{% endfilter %}|{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }}", {}),
    ("generation_block", "{% for m in messages %}{% generation %}{{ m }}{% endgeneration %}{% endfor %}", {"messages": ["x", "y"]}),
    ("slicing", "{{ [1, 2, 3, 4, 5][1:] }} {{ [1, 2, 3, 4, 5][::-1] }} {{ [1, 2, 3, 4, 5][-2:] }} {{ [1, 2, 3, 4, 5][::2] }} "
     "{{ [1, 2, 3, 4, 5][4:1:-2] }} {{ 'héllo wörld'[1:4] }} {{ 'héllo'[::-1] }} {{ 'héllo'[-1] }} {{ 'héllo'|length }} "
     "{{ '😀ab'[0] }} {{ messages[::-1]|map(attribute='role')|list }}", {"messages": [{"role": "user"}, {"role": "assistant"}]}),
    ("arithmetic", "{{ 10 / 4 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }} "
     "{{ -2 ** 2 }} {{ 1 + 2.5 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e15 }} {{ 1.5e-5 }} {{ 3.0 }} {{ -0.0 }} {{ true + 1 }} "
     "{{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 1e300 * 1e300 }} {{ 2 ** 62 }}", {}),
    ("string_operators", "{{ 'a' ~ 1 ~ none ~ true ~ undefined_var }} {{ 'ab' * 3 }} {{ [1] * 3 }} {{ 'a' + 'b' }} {{ [1] + [2] }} "
     "{{ 'x' 'y' }} {{ 3 * 'z' }}", {}),
    ("comparisons", "{{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} "
     "{{ 1 in [1] }} {{ 'a' in 'cat' }} {{ 'a' in {'a': 1} }} {{ 1 not in [1] }} {{ none == none }} {{ x == y }} "
     "{{ (1, 2) == [1, 2] }} {{ {'a': 1} == {'a': 1.0} }}", {}),
    ("logic", "{{ 0 or 'fallback' }} {{ 'x' and 'y' }} {{ [] or none }} {{ not '' }} {{ 1 if 0 else 2 }} [{{ 1 if 0 }}] "
     "{{ 'yes' if x is defined else 'no' }} {{ not x is defined }}", {}),
    ("literals", "{{ 'a\\nb\\t\\x41\\u00e9\\U0001F600\\\\ \\q' }}|{{ \"it's\" }}|{{ 1_000 }} {{ 0x1F }} {{ 1e3 }} {{ True }} {{ None }} "
     "{{ (1,) }} {{ () }} {{ {'a': [1, {'b': none}]} }}", {}),
    ("repr_of_values", "{{ ['it\\'s', 'say \"hi\"', 'both \\' \"', 'tab\\tnl\\n', 'é😀', '\\x00\\x7f\\xa0'] }} {{ [1.0, 1e-7, true, none] }} "
     "{{ {'k': ('t',)} }} {{ data }}", {"data": {"s": "v", "n": [1, 2.5, None, False]}}),
    ("undefined_behaviour", "[{{ missing }}][{{ d.missing }}][{{ missing|default('dflt') }}][{{ missing|length }}]"
     "[{{ missing is defined }}][{% for x in missing %}x{% endfor %}][{{ 'x' in missing }}][{{ missing|trim }}]"
     "[{{ missing|join(',') }}][{{ none.attr }}][{{ [][3] }}]", {"d": {}}),
    ("attribute_versus_item", "{{ d.items is callable }} {{ d['items'] }} {{ d.get('items') }} {{ d.keys()|list }} "
     "{{ d.values()|list }} {{ d.get('nope', 'dflt') }} {{ d.nope|default('u') }} {{ d['k'] }} {{ d.k }} {{ l[-1] }} {{ l[1] }}",
     {"d": {"items": 5, "k": "v"}, "l": [1, 2]}),
    ("string_methods", "{{ 'Hello World'.startswith('Hell') }} {{ 'abc'.startswith(('x', 'a')) }} {{ 'file.txt'.endswith('.txt') }} "
     "{{ '  pad  '.strip() }}|{{ 'xxhixx'.strip('x') }}|{{ '\\n\\nx\\n'.lstrip('\\n') }}|{{ 'x  '.rstrip() }}| "
     "{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a-b-c'.rsplit('-', 1) }} {{ 'a b c'.split(None, 1) }} "
     "{{ 'abc'.upper() }} {{ 'ÀB'.lower() }} {{ \"they're bill's\".title() }} {{ 'hELLO wORLD'.capitalize() }} "
     "{{ 'banana'.find('an') }} {{ 'banana'.rfind('an') }} {{ 'banana'.count('a') }} {{ 'banana'.replace('a', 'o', 2) }} "
     "{{ '-'.join(['a', 'b']) }} {{ '{} and {name}'.format(1, name='x') }} {{ 'l1\\nl2\\r\\nl3'.splitlines() }} "
     "{{ '12'.isdigit() }} {{ 'ab'.isalpha() }} {{ 'a</think>b</think>c'.split('</think>')[-1] }} {{ '中文字'[1:] }}", {}),
    ("string_filters", "{{ '  x  '|trim }}|{{ 'xxhixx'|trim('x') }}|{{ 'hello world'|upper }} {{ 'HeLLo'|lower }} "
     "{{ 'hello WORLD-foo (bar'|title }} {{ 'hELLO'|capitalize }} {{ 'a b'|replace(' ', '_') }} {{ 'abc'|center(9) }}| "
     "{{ 'a\\nb'|indent(2) }}|{{ 'a\\n\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}| "
     "{{ 'one two  three'|wordcount }} {{ '<a href=\"x\">&'|escape }} {{ 'ab'|reverse }} {{ 42|string }} {{ 'x'|safe }} "
     "{{ '\\u3000 全角空白\\u3000'|trim }}|", {}),
    ("sequence_filters", "{{ [3, 1, 2]|sort }} {{ [3, 1, 2]|sort(reverse=true) }} {{ ['b', 'A', 'a']|sort }} "
     "{{ ['b', 'A', 'a']|sort(case_sensitive=true) }} {{ ['b', 'A', 'a', 'B']|unique|list }} {{ [1, 2, 3]|sum }} "
     "{{ [1, 2, 3]|max }} {{ [1, 2, 3]|min }} {{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ 'abc'|first }} {{ 'abc'|list }} "
     "{{ {'b': 1, 'a': 2}|dictsort }} {{ {'b': 1, 'a': 2}|items|list }} {{ [1, 2, 3]|join('-') }} {{ [1, 2, 3]|reverse|list }} "
     "{{ [1, 2, 3, 4, 5]|batch(2)|list }} {{ []|first is defined }} {{ {'x': 1}|length }} {{ {'x': 1}|list }}", {}),
    ("attribute_filters", "{{ users|map(attribute='name')|join(', ') }} {{ users|selectattr('admin')|map(attribute='name')|list }} "
     "{{ users|rejectattr('admin')|map(attribute='name')|list }} {{ users|selectattr('age', 'gt', 30)|map(attribute='name')|list }} "
     "{{ users|sort(attribute='age')|map(attribute='name')|list }} {{ users|map(attribute='missing', default='?')|list }} "
     "{{ users|sum(attribute='age') }} {{ users|map(attribute='tags.0')|list }} {{ ['a', 'b']|map('upper')|list }} "
     "{{ [1, 2, 3, 4]|select('odd')|list }} {{ ['x', 'code_interpreter', 'y']|reject('equalto', 'code_interpreter')|list }} "
     "{{ users|map(attribute='name')|map('length')|list }} {{ users|selectattr('name', 'in', ['Bob', 'Cy'])|list|length }}",
     {"users": USERS}),
    ("number_filters", "{{ '42'|int + 1 }} {{ '3.7'|int }} {{ 'x'|int }} {{ 'x'|int(7) }} {{ 3|float }} {{ '2.5'|float }} {{ -3|abs }} "
     "{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(0, 'floor') }} {{ 5|round }} "
     "{{ '%s-%05.1f|%-4d|%x|%r' % ('a', 3.14159, 7, 255, 'q') }} {{ '%s and %s'|format('x', [1]) }} {{ ' 1_000 '|int }}", {}),
    ("tojson_variants", "{{ data|tojson }}\n{{ data|tojson(indent=2) }}\n{{ data|tojson(indent=0) }}\n{{ data|tojson(sort_keys=true) }}\n"
     "{{ data|tojson(ensure_ascii=true) }}\n{{ data|tojson(separators=(',', ':')) }}\n{{ data|tojson(indent='\\t') }}\n"
     "{{ 'é\"<\\n\\u0001\\u007f'|tojson }} {{ none|tojson }} {{ 1.0|tojson }} {{ [1e20, 1.5e-7, 100.0, -0.0]|tojson }} "
     "{{ (1, 2)|tojson }} {{ {1: 'int key', none: 'none key'}|tojson }}",
     {"data": {"b": [1, {"c": 2.5}], "a": "x😀é\u2028", "empty": {}, "list": [], "t": True, "n": None}}),
    ("tests", "{{ 5 is number }} {{ '5' is number }} {{ true is number }} {{ true is integer }} {{ 5.0 is float }} {{ none is none }} "
     "{{ x is undefined }} {{ {} is mapping }} {{ [] is mapping }} {{ 'a' is iterable }} {{ 5 is iterable }} {{ x is iterable }} "
     "{{ 'a' is sequence }} {{ 2 is even }} {{ 3 is odd }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} "
     "{{ true is boolean }} {{ 1 is boolean }} {{ 'a' is string }} {{ 1 is eq 1 }} {{ 1 is equalto 2 }} {{ 1 is in [1] }} "
     "{{ 'abc' is lower }} {{ 'ABC' is upper }} {{ true is true }} {{ 1 is true }} {{ false is false }} "
     "{{ none is sameas none }} {{ range is callable }} {{ 1 is not none }} {{ 'upper' is filter }} {{ 'odd' is test }} "
     "{{ 3 is gt 2 }} {{ 3 is le 2 }} {{ 1 is ne 1 }}", {}),
    ("globals", "{{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }} {{ dict(a=1, b=2) }} "
     "{{ dict([('x', 1)]) }} {% set j = joiner(' | ') %}{% for i in [1, 2, 3] %}{{ j() }}{{ i }}{% endfor %} "
     "{{ namespace(a=1).a }}", {}),
    ("insertion_order", "{% for k in {'z': 1, 'a': 2, 'm': 3} %}{{ k }}{% endfor %} {{ {'z': 1, 'a': 2}|list }} {{ data|list }} "
     "{{ data|tojson }}", {"data": {"z": 1, "a": 2, "m": 3}}),
    ("last_user_index_like_qwen3", "{% set ns = namespace(last=-1) %}{% for m in messages[::-1] %}"
     "{% set idx = (messages|length - 1) - loop.index0 %}{% if ns.last == -1 and m.role == 'user' %}{% set ns.last = idx %}"
     "{% endif %}{% endfor %}{{ ns.last }}",
     {"messages": [{"role": "user"}, {"role": "assistant"}, {"role": "user"}, {"role": "assistant"}]}),
    ("error_undefined_attribute_chain", "{{ d.a.b }}", {"d": {}}),
    ("error_undefined_call", "{{ nothing() }}", {}),
    ("error_undefined_in_arithmetic", "{{ d.c + 1 }}", {"d": {}}),
    ("error_undefined_element", "{{ l[5].x }}", {"l": [1]}),
    ("error_add_int_str", "{{ 1 + 'a' }}", {}),
    ("error_concatenate_str_int", "{{ 'a' + 1 }}", {}),
    ("error_order_int_str", "{{ 1 < 'a' }}", {}),
    ("error_in_int", "{{ 1 in 5 }}", {}),
    ("error_tojson_undefined", "{{ d.x|tojson }}", {"d": {}}),
    ("error_items_of_list", "{{ [1]|items|list }}", {}),
    ("error_assign_attribute_of_string", "{% set s = 'x' %}{% set s.y = 1 %}", {}),
    ("error_namespace_underscore", "{% set ns = namespace() %}{% set ns._x = 1 %}", {}),
    ("error_list_append_unsafe", "{{ [].append(1) }}", {}),
    ("error_macro_too_many_arguments", "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", {}),
    ("error_division_by_zero", "{{ 1 / 0 }}", {}),
    ("error_modulo_by_zero", "{{ 7 % 0 }}", {}),
    ("error_raise_exception", "{{ raise_exception('Bad role: ' ~ 'tool 🛠') }}", {}),
    ("error_unpack", "{% for a, b in [[1, 2, 3]] %}{% endfor %}", {}),
    ("error_range_too_big", "{{ range(200000)|length }}", {}),
    ("error_not_callable", "{{ 'x'() }}", {}),
    ("error_iterate_int", "{% for x in 5 %}{% endfor %}", {}),
    ("error_join_int_items", "{{ ', '.join([1]) }}", {}),
]


def render_snippet(source, context):
    from transformers.utils.chat_template_utils import _compile_jinja_template
    try:
        return {"text": _compile_jinja_template(source).render(**context)}
    except Exception as error:
        return {"error": {"type": type(error).__name__, "message": str(error)}}


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh_templates(source_dir):
    """Copies published templates in from source_dir (when given), verifying their sha256."""
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    if source_dir is not None:
        expected = dict(re.findall(r"^\| (\S+\.jinja) \| \d+ \| \S+ \| ([0-9a-f]{64}) \|$",
                                   (source_dir / "SOURCES.md").read_text(encoding="utf-8"), re.M))
        for source in sorted(source_dir.glob("*.jinja")):
            if sha256(source) != expected.get(source.name):
                sys.exit(f"{source}: sha256 differs from SOURCES.md; refusing to copy it")
            shutil.copyfile(source, TEMPLATES / source.name)
        for family, name in (("qwen3", "Qwen3-tokenizer_config"), ("llama3", "Llama3-tokenizer_config")):
            config = json.loads((TOKENIZERS / family / "tokenizer_config.json").read_text(encoding="utf-8"))
            (TEMPLATES / f"{name}.jinja").write_bytes(config["chat_template"].encode("utf-8"))
    (TEMPLATES / "THUDM-GLM-4-9B-0414.jinja").write_bytes(json.loads(GLM4_0414_JSON).encode("utf-8"))


def render(tokenizer, source, case, kwargs):
    try:
        text = tokenizer.apply_chat_template(
            case["messages"], tools=case.get("tools"), chat_template=source, tokenize=False,
            add_generation_prompt=case.get("add_generation_prompt", False), **kwargs)
        return {"text": text}
    except Exception as error:  # the failure itself is the truth for this pair
        return {"error": {"type": type(error).__name__, "message": str(error)}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refresh-from", type=Path, metavar="DIR",
                        help="copy published *.jinja files (checked against DIR/SOURCES.md) in first")
    refresh_templates(parser.parse_args().refresh_from)
    templates = []
    expected = {}
    for name, (family, tokens, template_kwargs) in TEMPLATE_SETUP.items():
        path = TEMPLATES / f"{name}.jinja"
        source = path.read_bytes().decode("utf-8")
        tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(TOKENIZERS / family / "tokenizer.json"), **tokens)
        special = tokenizer.special_tokens_map
        templates.append({"name": name, "file": f"templates/{path.name}", "sha256": sha256(path),
                          "special_tokens": special, "kwargs": template_kwargs})
        expected[name] = {}
        for case in CASES:
            kwargs = {**template_kwargs, **case.get("kwargs", {})}
            expected[name][case["name"]] = render(tokenizer, source, case, kwargs)

    snippets = [{"name": name, "template": source, "context": context} for name, source, context in SNIPPETS]
    expected["snippets"] = {name: render_snippet(source, context) for name, source, context in SNIPPETS}
    cases = {"generator": f"tests/tools/make_template_fixtures.py, transformers {transformers.__version__}",
             "templates": templates, "cases": CASES, "snippets": snippets}
    (OUT / "cases.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (OUT / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    pairs = sum(len(v) for k, v in expected.items() if k != "snippets")
    errors = sum("error" in r for k, v in expected.items() if k != "snippets" for r in v.values())
    print(f"{len(templates)} templates x {len(CASES)} cases = {pairs} pairs ({errors} expected errors), "
          f"{len(SNIPPETS)} feature snippets")


if __name__ == "__main__":
    main()
