"""The tokenizer test corpus: named text cases, written to tests/fixtures/tokenizers/corpus.jsonl.

Imported by make_tokenizer_fixtures.py (which writes the file) and by
tests/perf/make_bench_corpus.py.  Every case is plain Python source with explicit
escapes, so invisible characters (BOM, ZWJ, CR, NUL, ...) are visible here.

Each case is (name, text).  Names are unique, lower-case, [a-z0-9_].  Keep the list
append-only where possible: tests may refer to cases by name.
"""

from __future__ import annotations

import json
import random
import unicodedata

# ---------------------------------------------------------------------------------------
# Hand-written cases, grouped by what they exercise.

_ENGLISH = [
    ("en_hello", "Hello world"),
    ("en_sentence", "The quick brown fox jumps over the lazy dog."),
    ("en_prose",
     "It was the best of times, it was the worst of times, it was the age of wisdom, "
     "it was the age of foolishness; it was the epoch of belief, it was the epoch of "
     "incredulity."),
    ("en_paragraphs",
     "Tokenizers split text into pieces.\n\nEach piece maps to an id.\nModels only see ids."),
    ("en_quotes", "She said, \"Don't panic!\" and then (quietly) left -- or did she?"),
    ("en_punct_runs", "Wait... what?!?! No way!!! ...really??? (yes) [no] {maybe} <ok>"),
    ("en_mixed_case", "camelCaseIdentifier PascalCase snake_case SCREAMING_CASE kebab-case"),
    ("en_all_caps", "THIS IS A SENTENCE IN ALL CAPITAL LETTERS."),
    ("en_single_letter", "a"),
    ("en_single_word_space", " the"),
    ("en_ascii_printable",
     " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
     "abcdefghijklmnopqrstuvwxyz{|}~"),
    ("en_repeated_letters", "a" * 100),
    ("en_repeated_words", "hello " * 20),
    ("en_markdown",
     "# Title\n\n- item *one*\n- item **two**\n\n> quote\n\n```python\nprint('x')\n```\n"),
    ("en_html", "<div class=\"note\"><p>Hi &amp; bye</p><br/></div>"),
]

_CONTRACTIONS = [
    ("contr_dont_upper", "DON'T"),
    ("contr_im_upper", "I'M HERE"),
    ("contr_youll", "you'll see"),
    ("contr_its_mixed", "it'S fine"),
    ("contr_weve_mixed", "We'Ve done it, they'RE late, she'D know, HE'LL come"),
    ("contr_lower_all", "I'm sure you've heard they're saying we'd go but he'll stay; it's Tom's."),
    ("contr_upper_all", "I'M SURE YOU'VE HEARD THEY'RE SAYING WE'D GO BUT HE'LL STAY; IT'S TOM'S."),
    ("contr_name", "O'Neil and D'Angelo met at rock 'n' roll night"),
    ("contr_curly", "don\u2019t won\u2019t it\u2019s"),
    ("contr_leading_quote", "'s 't 're 've 'm 'll 'd"),
    ("contr_double_quote", "''s ''t"),
    ("contr_digits", "the '90s and 80's"),
]

_CJK = [
    ("zh_simplified", "我们今天去公园散步，天气非常好。"),
    ("zh_traditional", "我們今天去公園散步，天氣非常好。"),
    ("zh_mixed_en", "使用 Qwen3 模型进行推理，速度提升了 30%！"),
    ("zh_punct", "“你好”，他说：「欢迎光临」《书名》……——（括号）【方括号】"),
    ("zh_long",
     "人工智能是计算机科学的一个分支，它企图了解智能的实质，并生产出一种新的能以人类智能相似的方式做出反应的智能机器，"
     "该领域的研究包括机器人、语言识别、图像识别、自然语言处理和专家系统等。"),
    ("zh_numbers", "第1章 共3节，2024年6月5日，价格￥1,299.00元"),
    ("ja_kana", "ひらがなとカタカナ、そしてｶﾀｶﾅ（半角）。"),
    ("ja_kanji", "東京都渋谷区で日本語の文章を書いています。"),
    ("ja_mixed", "私はPagodaでLLMを動かします。ラーメンが好きです！"),
    ("ja_long_vowel", "コーヒーとケーキ、ゲーム、ヴァイオリン"),
    ("ko_hangul", "안녕하세요, 만나서 반갑습니다."),
    ("ko_mixed", "한국어 텍스트와 English가 섞여 있습니다 123"),
    ("ko_jamo_decomposed", "\u1112\u1161\u11ab\u1100\u1173\u11af"),
    ("ko_jamo_composed", "\ud55c\uae00"),
    ("ko_compat_jamo", "\u314e\u314f\u3134 \u3131\u3161\u3139"),
]

_OTHER_SCRIPTS = [
    ("ar_sentence", "مرحبا بالعالم، كيف حالك اليوم؟"),
    ("ar_with_harakat", "اللُّغَةُ الْعَرَبِيَّةُ جَمِيلَةٌ"),
    ("ar_mixed_ltr", "النموذج Qwen3 يعمل على 8 GPUs بسرعة"),
    ("ar_digits", "العدد ٣٤٥ والعدد ۱۲۳"),
    ("he_sentence", "שלום עולם! זה מבחן."),
    ("hi_sentence", "नमस्ते दुनिया, आप कैसे हैं?"),
    ("hi_conjuncts", "क्षत्रिय श्री द्वार स्त्री हिन्दी"),
    ("hi_digits", "वर्ष २०२४ में १२३ लोग"),
    ("hi_nukta_nfd", "\u0915\u093c\u0916\u093c\u0917\u093c"),
    ("bn_sentence", "আমি বাংলায় গান গাই।"),
    ("ta_sentence", "தமிழ் ஒரு செம்மொழி"),
    ("th_no_spaces", "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ"),
    ("ru_sentence", "Съешь же ещё этих мягких французских булок, да выпей чаю."),
    ("el_sentence", "Καλημέρα κόσμε, ΣΑΣ ευχαριστώ σας"),
    ("vi_sentence", "Tiếng Việt có rất nhiều dấu thanh: à á ả ã ạ ằ ắ ẳ ẵ ặ"),
    ("tr_dotted_i", "İstanbul ıi Iİ DİYARBAKIR"),
    ("de_eszett", "Straße STRASSE ẞ Grüße"),
    ("am_ethiopic", "ሰላም ለዓለም"),
    ("ka_georgian", "გამარჯობა მსოფლიო"),
    ("hy_armenian", "Բարեւ աշխարհ"),
    # Words that are whole tokens in Llama 3's vocab but not reachable by its merges, so
    # they come out differently unless the BPE honours "ignore_merges": true.
    ("ignore_merges_words",
     "Arthropoda milyon tekrar dikkat .:.:.:.:.:.:.:.: nhanh Vi\u1ec7t nhi\u1ec1u hi\u1ec3u "
     "\u0445\u0430\u0440\u0430\u043a\u0442\u0435\u0440"),
]

_EMOJI = [
    ("emoji_single", "\U0001f600"),
    ("emoji_in_text", "I love pizza \U0001f355 and coffee \u2615!"),
    ("emoji_family_zwj", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"),
    ("emoji_profession_zwj", "\U0001f469\u200d\U0001f4bb \U0001f468\u200d\U0001f52c \U0001f9d1\u200d\U0001f680"),
    ("emoji_profession_skin", "\U0001f468\U0001f3fd\u200d\u2695\ufe0f \U0001f469\U0001f3ff\u200d\U0001f373"),
    ("emoji_skin_tones", "\U0001f44d\U0001f3fb\U0001f44d\U0001f3fc\U0001f44d\U0001f3fd\U0001f44d\U0001f3fe\U0001f44d\U0001f3ff"),
    ("emoji_flags", "\U0001f1e8\U0001f1f3\U0001f1fa\U0001f1f8\U0001f1ef\U0001f1f5\U0001f1e9\U0001f1ea"),
    ("emoji_lone_regional", "\U0001f1fa"),
    ("emoji_tag_flag", "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"),
    ("emoji_keycaps", "1\ufe0f\u20e3 #\ufe0f\u20e3 *\ufe0f\u20e3 0\u20e3"),
    ("emoji_variation", "\u2764\ufe0f vs \u2764\ufe0e vs \u2764"),
    ("emoji_rainbow_flag", "\U0001f3f3\ufe0f\u200d\U0001f308"),
    ("emoji_run", "\U0001f525" * 12),
    ("emoji_mixed_cjk", "今天好开心\U0001f60a\U0001f389！"),
]

_COMBINING = [
    ("nfc_e_acute", "caf\u00e9"),
    ("nfd_e_acute", "cafe\u0301"),
    ("nfc_a_ring", "\u00c5ngstr\u00f6m"),
    ("nfd_a_ring", "A\u030angstro\u0308m"),
    ("angstrom_sign", "\u212b"),
    ("multiple_marks", "a\u0301\u0302\u0303\u0304 o\u0323\u0302"),
    ("zalgo", "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u036b\u0357\u0334\u0362\u0335\u031c\u0330\u0354L\u0368\u0367\u0369\u0358\u0320G\u0311\u0357\u030e\u0305\u035b\u0341\u0334\u033b\u0348\u034d\u0354\u0339O\u0342\u030c\u030c\u0358\u0328\u0335\u0339\u033b\u031d\u0333"),
    ("lone_combining", "\u0301"),
    ("combining_after_space", " \u0301x"),
    ("ligature_fi", "\ufb01nance \ufb02ow"),
    ("fullwidth_latin", "\uff21\uff22\uff23\uff11\uff12\uff13\uff01"),
    ("halfwidth_katakana", "\uff76\uff9e\uff77\uff9e"),
    ("superscripts", "x\u00b2 + y\u00b3 = z\u2074, H\u2082O"),
    ("circled_and_units", "\u2460\u2461\u2462 \u338f \u2122 \u2116"),
    ("titlecase_digraph", "\u01c5 \u01c4 \u01c6"),
    ("roman_numeral", "\u216b \u2170\u2171"),
    ("fractions", "\u00bd \u2153 \u00be"),
    ("accented_latin", "\u00c0\u00c1\u00c2\u00c3\u00c4\u00c5\u00c6\u00c7\u00c8\u00c9 \u00e0\u00e1\u00e2\u00e3\u00e4\u00e5\u00e6\u00e7"),
    ("replacement_char", "bad \ufffd byte"),
    ("replacement_char_end", "tail\ufffd"),
]

_WHITESPACE_AND_CODE = [
    ("ws_one_space", " "),
    ("ws_two_spaces", "  "),
    ("ws_tab", "\t"),
    ("ws_newline", "\n"),
    ("ws_two_newlines", "\n\n"),
    ("ws_many_newlines", "\n\n\n\n\n\n"),
    ("ws_crlf", "\r\n"),
    ("ws_lone_cr", "\r"),
    ("ws_cr_cr_lf", "\r\r\n"),
    ("ws_space_newline_space", " \n "),
    ("ws_mixed_only", " \t \n\t\r\n  "),
    ("ws_leading", "   leading spaces"),
    ("ws_trailing", "trailing spaces   "),
    ("ws_both", "  both sides  "),
    ("ws_trailing_newline", "hi\n"),
    ("ws_leading_newline", "\nhi"),
    ("ws_text_crlf", "line one\r\nline two\r\n"),
    ("ws_text_lone_cr", "progress 10%\rprogress 20%\rdone"),
    ("ws_text_blank_lines", "para one\n\n\npara two\n \npara three"),
    ("ws_tabs_text", "col1\tcol2\t\tcol4\t"),
    ("ws_mixed_indent", "\t    x = 1\n    \ty = 2\n\t\tz = 3"),
    ("ws_trailing_ws_lines", "a = 1   \nb = 2\t\nc = 3 \t \n"),
    ("ws_nbsp", "non\u00a0breaking\u00a0space"),
    ("ws_ideographic_space", "\u4e2d\u6587\u3000\u7a7a\u683c"),
    ("ws_unicode_spaces", "en\u2002em\u2003thin\u2009hair\u200anarrow\u202fmath\u205f"),
    ("ws_line_separator", "line\u2028sep\u2029para"),
    ("ws_nel", "next\u0085line"),
    ("code_python",
     "def fib(n: int) -> int:\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n"
     "    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\n\n"
     "if __name__ == \"__main__\":\n    print([fib(i) for i in range(10)])\n"),
    ("code_c_tabs",
     "#include <stdio.h>\n\nint main(void)\n{\n\tfor (int i = 0; i < 10; ++i) {\n"
     "\t\tprintf(\"%d\\n\", i);\n\t}\n\treturn 0;\n}\n"),
    ("code_cpp",
     "template <typename T>\nstd::vector<T> f(const std::vector<T>& v) noexcept {\n"
     "    return {v.begin(), v.end()}; // copy\n}"),
    ("code_json", "{\"name\": \"pagoda\", \"ids\": [1, 22, 333], \"ok\": true, \"x\": null}"),
    ("code_shell", "for f in *.txt; do echo \"$f\" | tr 'a-z' 'A-Z' >> out.log 2>&1; done"),
    ("code_regex", "^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+)@(?:\\w+\\.)+\\w{2,}$"),
    ("code_makefile", "all:\n\t$(CC) -O2 -o $@ $^\n\nclean:\n\trm -f *.o\n"),
    ("code_yaml", "key:\n  - a: 1\n    b: \"two\"\n  - c: [3, 4]\n"),
    ("code_deep_indent", "                                        deeply_indented()\n"),
]


def _space_runs() -> list[tuple[str, str]]:
    cases = []
    for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 39, 40):
        cases.append((f"spaces_{n}_between", "a" + " " * n + "b"))
    for n in (3, 8, 40):
        cases.append((f"spaces_{n}_only", " " * n))
        cases.append((f"spaces_{n}_then_newline", " " * n + "\n" + "x"))
    for n in (1, 2, 5):
        cases.append((f"tabs_{n}_between", "a" + "\t" * n + "b"))
    return cases


_NUMBERS = [
    ("num_long", "1234567890123"),
    ("num_pi", "3.14159"),
    ("num_thousands", "1,000,000"),
    ("num_phone_us", "+1 (555) 123-4567"),
    ("num_phone_cn", "+86 138 0013 8000"),
    ("num_iso_date", "2024-06-05T12:34:56.789Z"),
    ("num_hex", "0x1F600 0xDEADBEEF"),
    ("num_scientific", "6.022e23 1e-10 -4.5E+3"),
    ("num_version", "v1.2.3-rc.4+build.567"),
    ("num_fullwidth", "\uff11\uff12\uff13\uff14\uff15"),
    ("num_very_long", "31415926535897932384626433832795028841971693993751"),
    ("num_mixed_words", "abc123def456 7up 99problems"),
    ("num_negative_money", "-$1,234.56 (USD) \u20ac99 \u00a35"),
    ("num_ip_port", "192.168.0.1:8080"),
    ("num_single_digit", "7"),
]

_SPECIAL_TOKENS = [
    ("sp_chatml", "<|im_start|>user\nhi<|im_end|>"),
    ("sp_chatml_full",
     "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
     "Hello!<|im_end|>\n<|im_start|>assistant\n"),
    ("sp_endoftext", "<|endoftext|>"),
    ("sp_endoftext_in_text", "first doc<|endoftext|>second doc"),
    ("sp_endoftext_twice", "<|endoftext|><|endoftext|>"),
    ("sp_begin_of_text", "<|begin_of_text|>"),
    ("sp_llama3_header",
     "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"),
    ("sp_eot_id", "<|eot_id|>"),
    ("sp_bos", "<s>"),
    ("sp_eos", "</s>"),
    ("sp_bos_text_eos", "<s> hello </s>"),
    ("sp_llama2_inst", "<s>[INST] What is 2+2? [/INST] 4 </s>"),
    ("sp_unk", "<unk>"),
    ("sp_spaces_around", " <|im_end|> "),
    ("sp_newlines_around", "\n<|im_end|>\n"),
    ("sp_adjacent_text", "a<|im_end|>b"),
    ("sp_adjacent_pair", "<|im_start|><|im_end|>"),
    ("sp_partial_open", "<|im_start"),
    ("sp_partial_close", "|im_end|>"),
    ("sp_partial_no_gt", "<|im_start|"),
    ("sp_doubled_brackets", "<<|im_end|>>"),
    ("sp_upper_case", "<|IM_START|>"),
    ("sp_inner_spaces", "< |im_start| >"),
    ("sp_think", "<think>\nLet me think.\n</think>\n\nThe answer is 4."),
    ("sp_tool_call", "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"\u5317\u4eac\"}}\n</tool_call>"),
    ("sp_fim", "<|fim_prefix|>def f():\n    <|fim_suffix|>\n    return x<|fim_middle|>"),
    ("sp_glm", "[gMASK]<sop><|user|>\n\u4f60\u597d<|assistant|>"),
    ("sp_glm_observation", "<|observation|>\n{\"temp\": 21}<|endoftext|>"),
    ("sp_vision", "<|vision_start|><|image_pad|><|vision_end|>Describe."),
    ("sp_reserved_llama3", "<|reserved_special_token_0|>x<|reserved_special_token_250|>"),
]

_EDGE = [
    ("empty", ""),
    ("url_https", "https://example.com/a/b?q=1&lang=zh-CN&x=%20y#frag"),
    ("url_with_unicode", "https://\u4f8b\u3048.jp/\u30d1\u30b9?\u30af\u30a8\u30ea=\u5024"),
    ("path_windows", "C:\\Users\\\u540d\u524d\\Documents\\file (1).txt"),
    ("path_unix", "/usr/local/lib/python3.11/site-packages/__init__.py"),
    ("email", "user.name+tag@example.co.uk"),
    ("git_url", "git@github.com:owner/repo.git"),
    ("math_symbols", "\u2200x\u2208\u211d: x\u00b2 \u2265 0 \u2227 \u2203y \u2209 \u2205"),
    ("math_ops", "\u2260\u2264\u2265\u00b1\u00d7\u00f7\u221e\u221a\u2211\u220f\u222b\u2202\u2207"),
    ("math_latex", "\\frac{a}{b} + \\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}"),
    ("math_integral", "\u222b\u2080^\u221e e^{-x\u00b2} dx = \u221a\u03c0/2"),
    ("zwj_alone", "\u200d"),
    ("zwnj_alone", "\u200c"),
    ("zwj_between_letters", "a\u200db"),
    ("zwnj_persian", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    ("zwsp", "zero\u200bwidth\u200bspace"),
    ("word_joiner", "word\u2060joiner"),
    ("soft_hyphen", "soft\u00adhyphen"),
    ("bidi_marks", "\u200eleft\u200f \u202aembed\u202c \u2067isolate\u2069"),
    ("bom_alone", "\ufeff"),
    ("bom_start", "\ufeffHello"),
    ("bom_middle", "mid\ufeffdle"),
    ("private_use_bmp", "\ue000\ue001\uf8ff"),
    ("private_use_plane15", "\U000f0000\U000ffffd"),
    ("private_use_plane16", "\U00100000"),
    ("nonchar_fffe_ffff", "\ufffe\uffff"),
    ("smp_fraktur", "\U0001d518\U0001d52b\U0001d526\U0001d520\U0001d52c\U0001d521\U0001d522"),
    ("smp_math_digits", "\U0001d7d8\U0001d7d9\U0001d7da"),
    ("sip_cjk_ext_b", "\U00020000\U00020001\U0002a6d6"),
    ("smp_hieroglyph", "\U00013000\U00013001"),
    ("smp_gothic", "\U00010330\U00010331\U00010332"),
    ("smp_mahjong", "\U0001f004 \U0001f0cf"),
    ("ctrl_tab_vt_us", "a\tb\u000bc\u001fd"),
    ("ctrl_form_feed", "page\u000cbreak"),
    ("ctrl_nul", "nul\u0000byte"),
    ("ctrl_nul_alone", "\u0000"),
    ("ctrl_bell_escape", "bell\u0007 esc\u001b[31mred\u001b[0m"),
    ("ctrl_del", "del\u007fete"),
    ("ctrl_c1", "c1\u0080\u009f"),
    ("punct_runs", "!!!!!!!!!! ?????????? .......... ---------- ========== __________"),
    ("dashes", "en\u2013dash em\u2014dash \u2014\u2014 minus\u2212"),
    ("quotes_unicode", "\u201cdouble\u201d \u2018single\u2019 \u00abguillemets\u00bb \u201elow\u201c"),
    ("box_drawing", "\u250c\u2500\u2510\n\u2502x\u2502\n\u2514\u2500\u2518"),
    ("ellipsis_char", "wait\u2026 what\u2026"),
]


def _long_line() -> tuple[str, str]:
    parts = [
        "The quick brown fox jumps over the lazy dog.",
        "\u6211\u4eec\u4eca\u5929\u53bb\u516c\u56ed\u6563\u6b65\uff0c\u5929\u6c14\u975e\u5e38\u597d\u3002",
        "\u6771\u4eac\u90fd\u6e0b\u8c37\u533a\u3067\u65e5\u672c\u8a9e\u3002",
        "\uc548\ub155\ud558\uc138\uc694.",
        "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645.",
        "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e.",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467 \U0001f44d\U0001f3fd \U0001f1e8\U0001f1f3",
        "x = foo(bar, 42);\tif (x > 3.14159) { return 1,000,000; }",
        "DON'T stop; it'S fine, you'll see.",
        "https://example.com/path?q=1",
        "    indented     with     runs     of     spaces   ",
    ]
    rng = random.Random(20240605)
    out = []
    size = 0
    while size < 5000:
        p = rng.choice(parts)
        out.append(p)
        size += len(p.encode("utf-8")) + 1
    return ("long_line_5kb", " ".join(out))


# Characters the fuzz cases draw from: ASCII, Latin-1, combining marks, CJK, kana, Hangul,
# Arabic, Devanagari, emoji pieces (ZWJ, VS16, skin tones, regional indicators), spaces of
# several kinds, CR/LF/tab, digits of several scripts and a few astral code points.
_FUZZ_POOL = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list(" \t\n\r  '\"!?.,;:-_()[]{}<>|/\\@#$%^&*+=~`")
    + list("\u00e9\u00c5\u00df\u00f1\u00fc\u00e7")
    + ["\u0301", "\u0308", "\u030a", "\u0323"]
    + list("\u6211\u4eec\u4e2d\u6587\u5b57\u6771\u4eac\u3042\u30a2\u30fc\ud55c\uad6d")
    + ["\u1112", "\u1161", "\u11ab"]
    + list("\u0645\u0631\u062d\u0628\u0627")
    + list("\u0928\u092e\u0938\u094d\u0924\u0947\u093c")
    + ["\U0001f600", "\U0001f468", "\U0001f469", "\u200d", "\ufe0f", "\U0001f3fd",
       "\U0001f1e8", "\U0001f1f3", "\u20e3"]
    + ["\u00a0", "\u3000", "\u2028", "\u200b", "\ufeff", "\u0085"]
    + list("\u0663\u0967\uff11")
    + ["\U0001d518", "\U00020000", "\ue000"]
    + ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<s>", "</s>", "<|eot_id|>", "'s", "'LL"]
)


def _fuzz_cases(count: int = 30) -> list[tuple[str, str]]:
    rng = random.Random(1729)
    cases = []
    for i in range(count):
        length = rng.randint(1, 40)
        cases.append((f"fuzz_{i:02d}", "".join(rng.choice(_FUZZ_POOL) for _ in range(length))))
    return cases


def cases() -> list[tuple[str, str]]:
    """All corpus cases in a fixed order."""
    out = (_ENGLISH + _CONTRACTIONS + _CJK + _OTHER_SCRIPTS + _EMOJI + _COMBINING
           + _WHITESPACE_AND_CODE + _space_runs() + _NUMBERS + _SPECIAL_TOKENS + _EDGE
           + [_long_line()] + _fuzz_cases())
    names = [n for n, _ in out]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"duplicate case names: {sorted(dupes)}")
    return out


# ---------------------------------------------------------------------------------------
# JSON-lines writing.  json.dumps already escapes C0 controls, '"' and '\\'.  We also escape
# everything invisible or line-breaking (format chars, C1 controls, U+2028/2029, unusual
# spaces, private use, noncharacters) so the file reads unambiguously and no line-splitter
# (Python's str.splitlines splits on U+0085, U+2028, ...) can break a record in two.

_ESCAPE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"}


def _needs_escape(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat in _ESCAPE_CATEGORIES:
        return True
    return cat == "Zs" and ch != " "


def _escape_char(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    cp -= 0x10000
    return f"\\u{0xd800 + (cp >> 10):04x}\\u{0xdc00 + (cp & 0x3ff):04x}"


def dumps(obj) -> str:
    """One-line JSON, UTF-8 friendly, with invisible characters escaped (see above)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(", ", ": "))
    return "".join(_escape_char(c) if _needs_escape(c) else c for c in text)


def write_corpus(path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for name, text in cases():
            f.write(dumps({"name": name, "text": text}) + "\n")


def read_corpus(path) -> list[tuple[str, str]]:
    out = []
    with open(path, "rb") as f:
        for raw in f.read().split(b"\n"):
            if raw:
                rec = json.loads(raw.decode("utf-8"))
                out.append((rec["name"], rec["text"]))
    return out
