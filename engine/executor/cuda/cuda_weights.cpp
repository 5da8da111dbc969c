#include "engine/executor/cuda/cuda_weights.h"

#include <array>

#include <fmt/format.h>

#include "engine/executor/cuda/cuda_plan.h"

namespace pagoda::cuda {

namespace {

size_t tensorBytes(const TensorView& t) { return size_t(t.rows) * size_t(t.cols) * dtypeSize(t.type); }

class Uploader {
public:
    explicit Uploader(DeviceWeights& weights) : m_weights(weights) {}

    // Copies the parts' rows one after another into one allocation.
    Result<void*> rows(std::span<const TensorView> parts) {
        size_t bytes = 0;
        for (const auto& part : parts) bytes += tensorBytes(part);
        DeviceBuffer buffer;
        if (auto st = buffer.allocate(bytes); !st) return st.error();
        size_t at = 0;
        for (const auto& part : parts) {
            PAGODA_CUDA_CHECK(cudaMemcpy(buffer.as<char>() + at, part.data, tensorBytes(part), cudaMemcpyHostToDevice));
            at += tensorBytes(part);
        }
        return keep(std::move(buffer));
    }

    Result<DeviceMatrix> matrix(std::span<const TensorView> parts, const std::string& what) {
        auto fused = fuseRows(parts, what);
        if (!fused) return fused.error();
        auto data = rows(parts);
        if (!data) return data.error();
        return DeviceMatrix{*data, fused->type, int(fused->rows), int(fused->cols)};
    }

    Result<DeviceVector> vector(const TensorView& t) {
        if (!t) return DeviceVector{};
        auto data = rows(std::span<const TensorView>(&t, 1));
        if (!data) return data.error();
        return DeviceVector{*data, t.type};
    }

    // Biases are widened to f32 once so the bias kernel has one dtype; absent parts add zero.
    Result<const float*> bias(std::span<const TensorView> parts, std::span<const int64_t> widths) {
        bool any = false;
        for (const auto& part : parts) any = any || bool(part);
        if (!any) return static_cast<const float*>(nullptr);
        std::vector<float> host;
        for (size_t i = 0; i < parts.size(); ++i)
            for (int64_t j = 0; j < widths[i]; ++j)
                host.push_back(parts[i] ? loadAsFloat(parts[i].data, parts[i].type, size_t(j)) : 0.0f);
        DeviceBuffer buffer;
        if (auto st = buffer.allocate(host.size() * sizeof(float)); !st) return st.error();
        PAGODA_CUDA_CHECK(cudaMemcpy(buffer.get(), host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice));
        return static_cast<const float*>(keep(std::move(buffer)));
    }

private:
    void* keep(DeviceBuffer buffer) {
        m_weights.bytes += buffer.bytes();
        m_weights.storage.push_back(std::move(buffer));
        return m_weights.storage.back().get();
    }
    DeviceWeights& m_weights;
};

}  // namespace

Result<DeviceWeights> uploadWeights(const Model& model) {
    const ModelConfig& c = model.config;
    const DecoderWeights& w = model.weights;
    DeviceWeights out;
    Uploader up(out);

    auto embed = up.matrix(std::array{w.embed}, "embed_tokens");
    if (!embed) return embed.error();
    out.embed = *embed;
    if (w.lmHead.data == w.embed.data) {
        out.lmHead = out.embed;  // tied: one copy on the card
    } else {
        auto lmHead = up.matrix(std::array{w.lmHead}, "lm_head");
        if (!lmHead) return lmHead.error();
        out.lmHead = *lmHead;
    }
    auto finalNorm = up.vector(w.finalNorm);
    if (!finalNorm) return finalNorm.error();
    out.finalNorm = *finalNorm;
    out.activationType = out.lmHead.type;

    const int64_t qWidth = int64_t(c.numHeads) * c.headDim, kvWidth = int64_t(c.numKvHeads) * c.headDim;
    for (size_t i = 0; i < w.layers.size(); ++i) {
        const LayerWeights& L = w.layers[i];
        const std::string name = fmt::format("layer {}", i);
        DeviceLayer layer;
        auto qkv = up.matrix(std::array{L.q, L.k, L.v}, name + " q/k/v");
        auto o = up.matrix(std::array{L.o}, name + " o_proj");
        auto gateUp = up.matrix(std::array{L.gate, L.up}, name + " gate/up");
        auto down = up.matrix(std::array{L.down}, name + " down_proj");
        for (const auto* m : {&qkv, &o, &gateUp, &down})
            if (!*m) return m->error();
        layer.qkv = *qkv;
        layer.o = *o;
        layer.gateUp = *gateUp;
        layer.down = *down;
        for (const DeviceMatrix* m : {&layer.qkv, &layer.o, &layer.gateUp, &layer.down})
            if (m->type != out.activationType)
                return makeError(fmt::format("{}: matrices mix {} and {}; the CUDA backend needs one dtype", name,
                                             dtypeName(m->type), dtypeName(out.activationType)));
        auto qkvBias = up.bias(std::array{L.qBias, L.kBias, L.vBias}, std::array{qWidth, kvWidth, kvWidth});
        auto oBias = up.bias(std::array{L.oBias}, std::array{int64_t(c.hiddenSize)});
        if (!qkvBias) return qkvBias.error();
        if (!oBias) return oBias.error();
        layer.qkvBias = *qkvBias;
        layer.oBias = *oBias;
        const std::array<std::pair<const TensorView*, DeviceVector*>, 6> norms{{{&L.attnNorm, &layer.attnNorm},
            {&L.qNorm, &layer.qNorm}, {&L.kNorm, &layer.kNorm}, {&L.postAttnNorm, &layer.postAttnNorm},
            {&L.mlpNorm, &layer.mlpNorm}, {&L.postMlpNorm, &layer.postMlpNorm}}};
        for (const auto& [view, target] : norms) {
            auto v = up.vector(*view);
            if (!v) return v.error();
            *target = *v;
        }
        out.layers.push_back(layer);
    }
    return out;
}

}  // namespace pagoda::cuda
