#include "app/hub/model_catalog.h"

#include <algorithm>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/hub/model_paths.h"

namespace pagoda::hub {

namespace {

// Thrown only inside this file and turned into an Error at loadCatalog's boundary.
struct CatalogError {
    std::string message;
};

// Typed reads from one catalog entry; errors name the file, the entry and the key.
class EntryReader {
public:
    EntryReader(const QString& file, int index, const QJsonObject& object)
        : m_where(file + ": models[" + QString::number(index) + "]"), m_object(object) {
        if (m_object.contains("name")) m_where += " (" + m_object["name"].toString() + ")";
    }

    QString string(const QString& key, bool required = true) const {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined() && !required) return {};
        if (!v.isString() || v.toString().trimmed().isEmpty()) fail(key, v, "a non-empty string");
        return v.toString();
    }
    qint64 positive(const QJsonObject& object, const QString& key) const {
        const QJsonValue v = object.value(key);
        // JSON numbers are doubles: exact for integers up to 2^53, far beyond any size here.
        if (!v.isDouble() || v.toDouble() < 1 || v.toDouble() != double(qint64(v.toDouble())))
            fail(key, v, "a positive integer");
        return qint64(v.toDouble());
    }
    qint64 positive(const QString& key) const { return positive(m_object, key); }
    bool boolean(const QString& key) const {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined()) return false;
        if (!v.isBool()) fail(key, v, "true or false");
        return v.toBool();
    }
    bool has(const QString& key) const { return m_object.contains(key); }
    QJsonObject object(const QString& key) const {
        const QJsonValue v = m_object.value(key);
        if (!v.isObject()) fail(key, v, "an object");
        return v.toObject();
    }
    QString modelId(const QString& key) const {
        const QString id = string(key);
        if (!validateModelId(id)) fail(key, id, "an owner/name model id");
        return id;
    }

    [[noreturn]] void fail(const QString& key, const QJsonValue& found, const char* expected) const {
        const QString shown = found.isUndefined() ? "nothing"
                              : found.isString()  ? "'" + found.toString() + "'"
                                                  : QString::fromUtf8(QJsonDocument(QJsonArray{found}).toJson(
                                                        QJsonDocument::Compact));
        throw CatalogError{(m_where + ": '" + key + "' is " + shown + "; expected " + expected).toStdString()};
    }

private:
    QString m_where;
    QJsonObject m_object;
};

qint64 bytesPerParameter(const EntryReader& reader, const QString& dtype) {
    if (dtype == "BF16" || dtype == "F16") return 2;
    if (dtype == "F32") return 4;
    reader.fail("dtype", dtype, "BF16, F16 or F32");
}

CatalogEntry readEntry(const EntryReader& r) {
    CatalogEntry e;
    e.name = r.string("name");
    e.huggingFaceId = r.modelId("huggingFaceId");
    e.modelScopeId = r.modelId("modelScopeId");
    e.family = r.string("family");
    e.architecture = r.string("architecture");
    e.license = r.string("license");
    e.licenseUrl = r.string("licenseUrl", false);
    e.summary = r.string("summary");
    e.summaryZh = r.string("summaryZh");
    e.parameters = r.positive("parameters");
    e.downloadBytes = r.positive("downloadBytes");
    // Copied from the model's config.json, under its own key names.
    const QJsonObject config = r.object("config");
    e.shape.numLayers = int(r.positive(config, "num_hidden_layers"));
    e.shape.numKvHeads = int(r.positive(config, "num_key_value_heads"));
    e.shape.headDim = int(r.positive(config, "head_dim"));
    e.shape.hiddenSize = int(r.positive(config, "hidden_size"));
    e.shape.intermediateSize = int(r.positive(config, "intermediate_size"));
    e.shape.vocabSize = int(r.positive(config, "vocab_size"));
    e.shape.maxContext = int(r.positive(config, "max_position_embeddings"));
    e.shape.weightBytes = e.parameters * bytesPerParameter(r, r.string("dtype"));
    e.contextLength = e.shape.maxContext;
    return e;
}

// A GGUF pick names the 16-bit entry it was quantized from ("baseModel", listed earlier)
// and takes its family, licence, summaries, parameters and config from there, so those
// numbers live in one place. Its weights are the file itself: the CPU computes on the blocks.
CatalogEntry readGgufEntry(const EntryReader& r, const std::vector<CatalogEntry>& earlier) {
    const QString base = r.modelId("baseModel");
    const auto found = std::find_if(earlier.begin(), earlier.end(),
                                    [&](const CatalogEntry& e) { return !e.isGguf() && e.huggingFaceId == base; });
    if (found == earlier.end()) r.fail("baseModel", base, "the huggingFaceId of a 16-bit entry listed before it");
    CatalogEntry e = *found;
    e.name = r.string("name");
    e.huggingFaceId = r.modelId("huggingFaceId");
    e.modelScopeId = r.modelId("modelScopeId");
    e.quant = r.string("quantization");
    e.downloadBytes = r.positive("downloadBytes");
    e.downloadBytesEstimated = r.boolean("downloadBytesEstimated");
    e.shape.weightBytes = e.downloadBytes;
    return e;
}

}  // namespace

Result<std::vector<CatalogEntry>> loadCatalog(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return makeError(path.toStdString() + ": " + file.errorString().toStdString());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject() || !doc.object().value("models").isArray())
        return makeError(path.toStdString() + ": expected an object with a \"models\" list (" +
                         parseError.errorString().toStdString() + ")");
    std::vector<CatalogEntry> entries;
    try {
        int index = 0;
        for (const QJsonValue& value : doc.object().value("models").toArray()) {
            if (!value.isObject())
                throw CatalogError{path.toStdString() + ": models[" + std::to_string(index) + "] is not an object"};
            const EntryReader reader(path, index++, value.toObject());
            entries.push_back(reader.has("quantization") ? readGgufEntry(reader, entries) : readEntry(reader));
        }
    } catch (const CatalogError& e) {
        return makeError(e.message);
    }
    if (entries.empty()) return makeError(path.toStdString() + ": \"models\" is empty");
    return entries;
}

Result<std::vector<CatalogEntry>> loadCatalog() { return loadCatalog(":/pagoda/catalog.json"); }

QString downloadSizeText(const CatalogEntry& entry) {
    return (entry.downloadBytesEstimated ? QStringLiteral("≈ ") : QString()) + formatBytes(entry.downloadBytes);
}

}  // namespace pagoda::hub
