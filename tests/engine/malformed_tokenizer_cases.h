// Malformed tokenizer files for detokenizer_test, kept out of the Q_OBJECT file because
// moc misreads raw string literals.
#pragma once

#include <QString>

#include <vector>

struct MalformedTokenizerCase {
    const char* name;
    QString file;
    QString content;
    QString expected;  // part of the error message
};

inline std::vector<MalformedTokenizerCase> malformedTokenizerCases() {
    const QString vocab = R"("vocab": {"a": 0, "b": 1, "ab": 2})";
    return {
        {"not json", "tokenizer.json", "{\"model\": ", "not valid JSON"},
        {"no model", "tokenizer.json", "{}", "expected an object with a 'model'"},
        {"unknown model", "tokenizer.json", R"({"model": {"type": "Unigram"}})", "model type 'Unigram' is not supported"},
        {"merge of unknown token", "tokenizer.json", QString(R"({"model": {"type": "BPE", %1, "merges": ["a c"]}})").arg(vocab), "merges[0]: 'a' or 'c' is not in the vocabulary"},
        {"bad merge shape", "tokenizer.json", QString(R"({"model": {"type": "BPE", %1, "merges": [7]}})").arg(vocab), "merges[0]: expected"},
        {"unknown normalizer", "tokenizer.json", QString(R"({"model": {"type": "BPE", %1, "merges": []}, "normalizer": {"type": "Frobnicate"}})").arg(vocab), "normalizer type 'Frobnicate' is not supported"},
        {"bad regex", "tokenizer.json", QString(R"({"model": {"type": "BPE", %1, "merges": []}, "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"}})").arg(vocab), "pre_tokenizer.pattern: regex '(unclosed' does not compile"},
        {"added token without id", "tokenizer.json", QString(R"({"model": {"type": "BPE", %1, "merges": []}, "added_tokens": [{"content": "<x>"}]})").arg(vocab), "added_tokens[0]: needs an integer 'id'"},
        {"negative id", "tokenizer.json", R"({"model": {"type": "BPE", "vocab": {"a": -3}, "merges": []}})", "vocab['a']: id must be a non-negative integer"},
        {"wrong json type deep inside", "tokenizer.json", QString(R"({"model": {"type": "BPE", %1, "merges": [], "byte_fallback": "yes"}})").arg(vocab), "unexpected structure"},
        {"garbage tokenizer.model", "tokenizer.model", QString("\x01\x02garbage"), "not a readable SentencePiece model"},
        {"bad tiktoken line", "tokenizer.model", "YQ== 0\nYg== 1\nnot-base64! x\n", "tokenizer.model\": line 3: expected '<base64 token> <rank>'"},
    };
}
