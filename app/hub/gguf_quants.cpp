#include "app/hub/gguf_quants.h"

#include <algorithm>
#include <map>

#include <QRegularExpression>

#include <fmt/format.h>

namespace pagoda::hub {

namespace {

std::string text(const QString& s) { return s.toStdString(); }

QString fileName(const QString& path) { return path.section('/', -1); }

// "dir/name-00001-of-00003.gguf" → stem "dir/name", part 1, count 3; unsplit: 0, 0.
struct SplitName {
    QString stem;
    int part = 0;
    int count = 0;
};

SplitName splitName(const QString& path) {
    static const QRegularExpression split("^(.*)-(\\d{5})-of-(\\d{5})$");
    SplitName s{path.left(path.size() - 5), 0, 0};  // callers pass *.gguf only
    if (const auto m = split.match(s.stem); m.hasMatch()) s = {m.captured(1), m.captured(2).toInt(), m.captured(3).toInt()};
    return s;
}

bool isQuantWord(const QString& word) {
    static const QRegularExpression quant("^(?:I?Q\\d+(?:_[A-Z0-9]+)*|TQ\\d+_\\d+|BF16|FP?16|FP?32|F64|MXFP4)$",
                                          QRegularExpression::CaseInsensitiveOption);
    return quant.match(word).hasMatch();
}

QString tagOfStem(const QString& stem) {
    const QStringList words = fileName(stem).split(QRegularExpression("[-.]"), Qt::SkipEmptyParts);
    if (words.isEmpty() || !isQuantWord(words.last())) return {};
    // Upper case as llama.cpp names its types, whatever the file names say (they match either way).
    if (words.size() >= 2 && words[words.size() - 2].compare("UD", Qt::CaseInsensitive) == 0)
        return ("UD-" + words.last()).toUpper();
    return words.last().toUpper();
}

QString withSize(const GgufQuant& q) { return q.tag + " " + formatBytes(q.bytes); }

QString filesOf(const std::vector<const GgufQuant*>& quants) {
    QStringList names;
    for (const GgufQuant* q : quants) names << q->firstPart().path;
    return names.join(", ");
}

}  // namespace

QString ggufQuantTag(const QString& path) {
    if (!path.endsWith(".gguf", Qt::CaseInsensitive)) return {};
    return tagOfStem(splitName(path).stem);
}

bool isGgufModelFile(const QString& path) {
    return path.endsWith(".gguf", Qt::CaseInsensitive) && !fileName(path).startsWith("mmproj", Qt::CaseInsensitive);
}

bool isGgufRepository(const std::vector<HubFile>& listing) {
    bool gguf = false;
    for (const HubFile& f : listing) {
        if (f.path.endsWith(".safetensors", Qt::CaseInsensitive)) return false;
        gguf |= isGgufModelFile(f.path);
    }
    return gguf;
}

Result<std::vector<GgufQuant>> ggufQuants(const std::vector<HubFile>& listing, const QString& id) {
    std::map<QString, std::vector<std::pair<SplitName, const HubFile*>>> sets;  // by stem
    for (const HubFile& f : listing)
        if (isGgufModelFile(f.path)) {
            const SplitName s = splitName(f.path);
            sets[s.stem].push_back({s, &f});
        }
    std::vector<GgufQuant> quants;
    for (auto& [stem, files] : sets) {
        std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first.part < b.first.part; });
        const int count = files.front().first.count;
        auto broken = [&, stem = stem](const std::string& what) {
            return makeError(fmt::format("{}: the GGUF model {} is listed {}; refusing to download it", text(id),
                                         text(stem) + ".gguf", what));
        };
        for (size_t i = 0; i < files.size(); ++i) {
            const auto& [s, f] = files[i];
            if (s.count != count)
                return broken(count == 0 || s.count == 0 ? "both whole and in parts"
                                                          : fmt::format("with parts of {} and of {}", count, s.count));
            if (count > 0 && s.part != int(i) + 1)
                return broken(s.part == int(i) ? fmt::format("with part {} of {} twice", s.part, count)
                                               : fmt::format("without part {} of {} ({}-{:05}-of-{:05}.gguf)", i + 1,
                                                             count, text(fileName(stem)), i + 1, count));
            if (f->size < 0) return broken(fmt::format("without a size for {}", text(f->path)));
        }
        if (count > 0 && int(files.size()) != count)
            return broken(fmt::format("without part {} of {} ({}-{:05}-of-{:05}.gguf)", files.size() + 1, count,
                                      text(fileName(stem)), files.size() + 1, count));
        GgufQuant q;
        q.stem = stem;
        q.tag = tagOfStem(stem);
        if (q.tag.isEmpty()) q.tag = fileName(stem);
        for (const auto& [s, f] : files) {
            q.parts.push_back(*f);
            q.bytes += f->size;
        }
        quants.push_back(std::move(q));
    }
    std::sort(quants.begin(), quants.end(), [](const GgufQuant& a, const GgufQuant& b) {
        return a.bytes != b.bytes ? a.bytes < b.bytes : a.stem < b.stem;
    });
    return quants;
}

QString describeQuants(const std::vector<GgufQuant>& quants, const QString& except) {
    QStringList out;
    for (const GgufQuant& q : quants)
        if (except.isEmpty() || q.stem != except) out << withSize(q);
    return out.join(", ");
}

Result<GgufChoice> chooseGgufQuant(const std::vector<GgufQuant>& quants, const QString& tag, const QString& file,
                                   const QString& id) {
    if (quants.empty()) return makeError(fmt::format("{} has no GGUF model files", text(id)));
    const std::string offered = text(describeQuants(quants));
    if (!file.isEmpty()) {
        for (const GgufQuant& q : quants)
            for (const HubFile& part : q.parts)
                if (part.path.compare(file, Qt::CaseInsensitive) == 0 || fileName(part.path).compare(file, Qt::CaseInsensitive) == 0)
                    return GgufChoice{q, {}};
        QStringList names;
        for (const GgufQuant& q : quants)
            for (const HubFile& part : q.parts) names << part.path;
        return makeError(fmt::format("{} has no GGUF file '{}'; its GGUF files are: {}", text(id), text(file),
                                     text(names.join(", "))));
    }
    const QString wanted = tag.isEmpty() ? QString(kDefaultGgufQuant) : tag;
    std::vector<const GgufQuant*> matches;
    for (const GgufQuant& q : quants)
        if (q.tag.compare(wanted, Qt::CaseInsensitive) == 0) matches.push_back(&q);
    if (matches.size() > 1)
        return makeError(fmt::format("{}: the tag {} names {} different models ({}); choose one with --file",
                                     text(id), text(wanted), matches.size(), text(filesOf(matches))));
    if (matches.size() == 1) {
        GgufChoice choice{*matches.front(), {}};
        if (tag.isEmpty() && quants.size() > 1)
            choice.note = QString("%1 has %2 quantizations; taking %3 (%4). Others: %5; name one with %1:TAG")
                              .arg(id).arg(quants.size()).arg(choice.quant.tag, formatBytes(choice.quant.bytes),
                                                                describeQuants(quants, choice.quant.stem));
        return choice;
    }
    if (tag.isEmpty() && quants.size() == 1)  // nothing to choose between: not a guess
        return GgufChoice{quants.front(), QString("%1 has one quantization, %2; taking it").arg(id, withSize(quants.front()))};
    if (tag.isEmpty())
        return makeError(fmt::format("{} has {} quantizations and no {}; name one with {}:TAG: {}", text(id),
                                     quants.size(), kDefaultGgufQuant, text(id), offered));
    return makeError(fmt::format("{} has no quantization {}; it has {}; name one with {}:TAG", text(id), text(tag),
                                 offered, text(id)));
}

std::pair<QString, QString> splitQuantTag(const QString& argument) {
    const qsizetype slash = argument.indexOf('/');
    const qsizetype colon = slash < 0 ? -1 : argument.indexOf(':', slash);
    if (colon < 0) return {argument, {}};
    return {argument.left(colon), argument.mid(colon + 1)};
}

}  // namespace pagoda::hub
