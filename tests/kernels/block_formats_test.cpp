// The reference decoders of GGUF's block formats against gguf-py's numpy dequantizers
// (tests/tools/make_gguf_fixtures.py wrote random blocks of each format and what gguf-py
// makes of them): every value must be the same f32, bit for bit.
#include <QtTest>

#include <bit>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/common/mapped_file.h"
#include "kernels/cpu/block_formats.h"

using namespace pagoda;
using namespace pagoda::cpu;

namespace {

std::vector<uint8_t> fromHex(const std::string& hex) {
    std::vector<uint8_t> bytes(hex.size() / 2);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = uint8_t(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
    return bytes;
}

uint32_t bitsOf(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return bits;
}

}  // namespace

class BlockFormatsTest : public QObject {
    Q_OBJECT

private slots:
    void decodesBitForBitAsGgufPy_data() {
        QTest::addColumn<int>("format");
        for (int f = int(BlockFormat::F16); f <= int(BlockFormat::Q6_K); ++f)
            QTest::newRow(blockFormatName(BlockFormat(f))) << f;
    }
    void decodesBitForBitAsGgufPy() {
        QFETCH(int, format);
        static const nlohmann::json truth = nlohmann::json::parse(
            readRegularFile(std::filesystem::path(PAGODA_SOURCE_DIR) / "tests/fixtures/gguf/block-formats.json").value());
        const BlockFormat f = BlockFormat(format);
        const nlohmann::json& entry = truth.at(blockFormatName(f));
        const std::vector<uint8_t> blocks = fromHex(entry["blocks"].get<std::string>());
        const auto expected = entry["values"].get<std::vector<uint32_t>>();
        const BlockLayout layout = blockLayout(f);
        QCOMPARE(blocks.size() % layout.bytes, size_t(0));
        const size_t count = blocks.size() / layout.bytes;
        QCOMPARE(count * layout.elements, expected.size());
        std::vector<float> values(expected.size());
        dequantizeBlocks(f, blocks.data(), count, values.data());
        for (size_t i = 0; i < values.size(); ++i)
            if (bitsOf(values[i]) != expected[i])
                QFAIL(qPrintable(QString("%1 element %2 (block %3): %4 (0x%5), gguf-py %6 (0x%7)")
                                     .arg(blockFormatName(f))
                                     .arg(i)
                                     .arg(i / layout.elements)
                                     .arg(double(values[i]))
                                     .arg(bitsOf(values[i]), 8, 16, QChar('0'))
                                     .arg(double(std::bit_cast<float>(expected[i])))
                                     .arg(expected[i], 8, 16, QChar('0'))));
    }
};

QTEST_GUILESS_MAIN(BlockFormatsTest)
#include "block_formats_test.moc"
