#include "tests/support/tokenizer_fixture.h"

#include <QStringList>
#include <QtGlobal>

#include <map>
#include <memory>

namespace pagoda::test {

const Tokenizer& cachedTokenizer(const std::filesystem::path& path) {
    static std::map<std::filesystem::path, std::unique_ptr<Tokenizer>> cache;
    auto& slot = cache[path];
    if (!slot) {
        auto loaded = loadTokenizer(path);
        if (!loaded) qFatal("%s", loaded.error().message.c_str());
        slot = std::move(loaded).value();
    }
    return *slot;
}

std::vector<int32_t> idsOf(const nlohmann::json& j) { return j.get<std::vector<int32_t>>(); }

QString show(const std::vector<int32_t>& ids) {
    QStringList parts;
    for (int32_t id : ids) parts << QString::number(id);
    return "[" + parts.join(",") + "]";
}

}  // namespace pagoda::test
