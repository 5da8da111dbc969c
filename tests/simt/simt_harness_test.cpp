// The SIMT harness against CUDA's semantics: indices, barriers, shared memory, shuffles,
// atomics, 16-bit floats, launch limits and unreachable barriers — so a kernel test that
// fails points at the kernel, not at the harness.
#include "tests/simt/simt.h"

#include "kernels/cuda/device.cuh"

#include <QtTest>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace pagoda;

namespace {

// The orders a block's threads can be resumed in; every barrier test runs under each.
const simt::ScheduleOrder kOrders[] = {simt::ScheduleOrder::Forward, simt::ScheduleOrder::Reverse,
                                       simt::ScheduleOrder::Shuffled};

bool contains(const std::string& haystack, const char* needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

class SimtHarnessTest : public QObject {
    Q_OBJECT

private slots:
    void cleanup() {
        simt::setScheduleOrder(simt::ScheduleOrder::Forward);
        simt::setDynamicSharedLimit(simt::kDefaultDynamicSharedLimit);
    }

    void everyThreadOfEveryBlockRunsOnceWithItsIndices() {
        const dim3 grids[] = {dim3(3), dim3(2, 3), dim3(2, 2, 3)};
        const dim3 blocks[] = {dim3(64), dim3(8, 4), dim3(4, 3, 5), dim3(1024)};
        for (const dim3& grid : grids)
            for (const dim3& block : blocks) {
                const unsigned threads = block.x * block.y * block.z;
                const unsigned total = threads * grid.x * grid.y * grid.z;
                std::vector<int> hits(total, 0);
                bool dimsSeen = true;
                simt::launch(grid, block, 0, [&] {
                    dimsSeen = dimsSeen && blockDim.x == block.x && blockDim.y == block.y && blockDim.z == block.z &&
                               gridDim.x == grid.x && gridDim.y == grid.y && gridDim.z == grid.z;
                    const unsigned blockLinear = blockIdx.x + grid.x * (blockIdx.y + grid.y * blockIdx.z);
                    const unsigned threadLinear = threadIdx.x + block.x * (threadIdx.y + block.y * threadIdx.z);
                    ++hits[blockLinear * threads + threadLinear];
                    QCOMPARE_LT(threadIdx.x, block.x);
                    QCOMPARE_LT(threadIdx.y, block.y);
                    QCOMPARE_LT(threadIdx.z, block.z);
                    QCOMPARE(cuda::linearThreadIdx(), threadLinear);
                    QCOMPARE(cuda::blockThreadCount(), threads);
                });
                QVERIFY(dimsSeen);
                for (unsigned i = 0; i < total; ++i) QCOMPARE(hits[i], 1);
            }
    }

    void syncthreadsOrdersSharedMemory() {
        for (simt::ScheduleOrder order : kOrders) {
            simt::setScheduleOrder(order, 7);
            const int n = 256, blocks = 3;
            std::vector<int> in(n * blocks), out(n * blocks, 0);
            for (int i = 0; i < n * blocks; ++i) in[i] = i * 3 + 1;
            simt::launch(dim3(blocks), dim3(n), 0, [&] {
                __shared__ int stage[256];
                const int t = int(threadIdx.x), base = int(blockIdx.x) * n;
                stage[t] = in[base + t];
                __syncthreads();
                const int reversed = stage[n - 1 - t];
                __syncthreads();  // every read done before the next round of writes
                stage[t] = reversed * 2;
                __syncthreads();
                out[base + t] = stage[n - 1 - t];
            });
            for (int b = 0; b < blocks; ++b)
                for (int t = 0; t < n; ++t) QCOMPARE(out[b * n + t], in[b * n + t] * 2);
        }
    }

    // The same reversal without the barrier reads another thread's slot before it is
    // written, in whichever order — the harness's orders are how kernel tests find that.
    void missingBarrierIsVisibleUnderSomeOrder() {
        bool wrongSomewhere = false;
        for (simt::ScheduleOrder order : kOrders) {
            simt::setScheduleOrder(order, 3);
            std::vector<int> out(64, 0);
            simt::launch(dim3(1), dim3(64), 64 * sizeof(int), [&] {
                PAGODA_DYNAMIC_SHARED(int, stage);
                stage[threadIdx.x] = int(threadIdx.x);
                out[threadIdx.x] = stage[63 - threadIdx.x];
            });
            for (int t = 0; t < 64; ++t) wrongSomewhere = wrongSomewhere || out[t] != 63 - t;
        }
        QVERIFY(wrongSomewhere);
    }

    void dynamicSharedIsFreshPerBlockAndAligned() {
        const size_t bytes = 1000 * sizeof(float);
        std::vector<int> poisonedAtStart(4, 0);
        std::vector<int> aligned(4, 0);
        simt::launch(dim3(4), dim3(128), bytes, [&] {
            PAGODA_DYNAMIC_SHARED(float, scratch);
            if (threadIdx.x == 0) {
                aligned[blockIdx.x] = reinterpret_cast<uintptr_t>(scratch) % 16 == 0;
                int poisoned = 1;
                for (int i = 0; i < 1000; ++i) poisoned &= std::isnan(scratch[i]);
                poisonedAtStart[blockIdx.x] = poisoned;
            }
            __syncthreads();
            for (int i = int(threadIdx.x); i < 1000; i += 128) scratch[i] = float(blockIdx.x);
        });
        for (int b = 0; b < 4; ++b) {
            QVERIFY2(poisonedAtStart[b], "a block saw the previous block's dynamic shared memory");
            QVERIFY(aligned[b]);
        }
        bool none = false;
        simt::launch(dim3(1), dim3(32), 0, [&] { none = simt::dynamicShared<float>() == nullptr; });
        QVERIFY(none);
    }

    void shuffleXorButterflyGivesTheSumInEveryLane() {
        const int n = 128;  // four warps, each reducing its own values
        std::vector<int> in(n), sumInt(n), serial(n / 32, 0);
        std::vector<float> sumFloat(n);
        std::mt19937 rng(5);
        for (int i = 0; i < n; ++i) {
            in[i] = int(rng() % 1000) - 500;
            serial[i / 32] += in[i];
        }
        simt::launch(dim3(1), dim3(n), 0, [&] {
            int v = in[threadIdx.x];
            float f = float(in[threadIdx.x]);  // small integers: every order of addition is exact
            for (int offset = 16; offset > 0; offset /= 2) {
                v += __shfl_xor_sync(0xffffffffu, v, offset);
                f += __shfl_xor_sync(0xffffffffu, f, offset);
            }
            sumInt[threadIdx.x] = v;
            sumFloat[threadIdx.x] = f;
        });
        for (int i = 0; i < n; ++i) {
            QCOMPARE(sumInt[i], serial[i / 32]);
            QCOMPARE(sumFloat[i], float(serial[i / 32]));
        }
    }

    void shuffleDownKeepsOwnValuePastTheWarpEnd() {
        for (unsigned delta : {1u, 5u, 16u, 31u}) {
            std::vector<int> got(64);
            simt::launch(dim3(1), dim3(64), 0, [&] {
                got[threadIdx.x] = __shfl_down_sync(0xffffffffu, int(threadIdx.x) * 10, delta);
            });
            for (int t = 0; t < 64; ++t) {
                const int lane = t % 32;
                // Lanes whose source lies past lane 31 keep their own value; never the next warp's.
                const int expected = lane + int(delta) < 32 ? (t + int(delta)) * 10 : t * 10;
                QCOMPARE(got[t], expected);
            }
        }
        std::vector<float> broadcast(32), up(32);
        simt::launch(dim3(1), dim3(32), 0, [&] {
            broadcast[threadIdx.x] = __shfl_sync(0xffffffffu, float(threadIdx.x) + 0.5f, 7);
            up[threadIdx.x] = __shfl_up_sync(0xffffffffu, float(threadIdx.x), 3u);
        });
        for (int t = 0; t < 32; ++t) {
            QCOMPARE(broadcast[t], 7.5f);
            QCOMPARE(up[t], float(t >= 3 ? t - 3 : t));
        }
    }

    void atomicsTotalOverAllThreadsAndBlocks() {
        float fsum = 0.0f;
        int isum = 0, imax = -1;
        unsigned usum = 0;
        simt::launch(dim3(5, 2), dim3(96, 2), 0, [&] {
            const int id = int(threadIdx.x + 96 * threadIdx.y + 192 * (blockIdx.x + 5 * blockIdx.y));
            atomicAdd(&fsum, 1.0f);
            atomicAdd(&isum, id);
            atomicAdd(&usum, 2u);
            atomicMax(&imax, id);
        });
        const int threads = 96 * 2 * 10;
        QCOMPARE(fsum, float(threads));
        QCOMPARE(isum, threads * (threads - 1) / 2);
        QCOMPARE(usum, unsigned(2 * threads));
        QCOMPARE(imax, threads - 1);
        int word = 4;
        QCOMPARE(atomicCAS(&word, 4, 9), 4);
        QCOMPARE(atomicCAS(&word, 4, 11), 9);
        QCOMPARE(word, 9);
    }

    void warpAndBlockReductionsMatchSerial() {
        for (simt::ScheduleOrder order : kOrders) {
            simt::setScheduleOrder(order, 11);
            for (unsigned threads : {32u, 96u, 256u, 1024u}) {
                const unsigned blocks = 3;
                std::vector<float> in(threads * blocks);
                std::mt19937 rng(threads);
                for (float& x : in) x = float(int(rng() % 2001) - 1000);  // exact in any order
                std::vector<float> wsum(in.size()), wmax(in.size()), bsum(in.size()), bmax(in.size()), bsum2(in.size());
                simt::launch(dim3(blocks), dim3(threads), 0, [&] {
                    __shared__ float scratch[32];
                    const unsigned i = blockIdx.x * threads + threadIdx.x;
                    const float v = in[i];
                    wsum[i] = cuda::warpSum(v);
                    wmax[i] = cuda::warpMax(v);
                    bsum[i] = cuda::blockSum(v, scratch);
                    bmax[i] = cuda::blockMax(v, scratch);
                    bsum2[i] = cuda::blockSum(2.0f * v, scratch);  // scratch reusable right away
                });
                for (unsigned b = 0; b < blocks; ++b) {
                    float blockTotal = 0.0f, blockPeak = -INFINITY;
                    for (unsigned t = 0; t < threads; ++t) {
                        blockTotal += in[b * threads + t];
                        blockPeak = std::max(blockPeak, in[b * threads + t]);
                    }
                    for (unsigned t = 0; t < threads; ++t) {
                        const unsigned i = b * threads + t, w0 = b * threads + t / 32 * 32;
                        float warpTotal = 0.0f, warpPeak = -INFINITY;
                        for (unsigned l = 0; l < 32; ++l) {
                            warpTotal += in[w0 + l];
                            warpPeak = std::max(warpPeak, in[w0 + l]);
                        }
                        QCOMPARE(wsum[i], warpTotal);
                        QCOMPARE(wmax[i], warpPeak);
                        QCOMPARE(bsum[i], blockTotal);
                        QCOMPARE(bmax[i], blockPeak);
                        QCOMPARE(bsum2[i], 2.0f * blockTotal);
                    }
                }
            }
        }
    }

    // Non-integer inputs: every lane must still hold the very same bits.
    void reductionsAgreeBitwiseAcrossLanes() {
        std::vector<float> in(256), out(256);
        std::mt19937 rng(2);
        std::normal_distribution<float> dist;
        for (float& x : in) x = dist(rng);
        simt::launch(dim3(1), dim3(256), 0, [&] {
            __shared__ float scratch[32];
            out[threadIdx.x] = cuda::blockSum(in[threadIdx.x], scratch);
        });
        double reference = 0;
        for (float x : in) reference += x;
        for (float x : out) QCOMPARE(floatToBits(x), floatToBits(out[0]));
        QVERIFY(std::abs(out[0] - reference) < 1e-4);
    }

    void bf16RoundsToNearestEven() {
        QCOMPARE(__bfloat16_as_ushort(__float2bfloat16(1.0f)), uint16_t(0x3f80));
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to the even mantissa (1.0).
        QCOMPARE(__bfloat16_as_ushort(__float2bfloat16(1.0f + 0x1p-8f)), uint16_t(0x3f80));
        QCOMPARE(__bfloat16_as_ushort(__float2bfloat16(1.0f + 3 * 0x1p-8f)), uint16_t(0x3f82));
        QCOMPARE(__bfloat16_as_ushort(__float2bfloat16(1.0f + 0x1p-8f + 0x1p-20f)), uint16_t(0x3f81));
        QVERIFY(std::isnan(__bfloat162float(__float2bfloat16(NAN))));
        std::mt19937 rng(1);
        for (int i = 0; i < 100000; ++i) {
            const float f = bitsToFloat(rng());
            if (std::isnan(f)) continue;
            const __nv_bfloat16 h = __float2bfloat16(f);
            QCOMPARE(__bfloat16_as_ushort(h), floatToBf16(f));
            QCOMPARE(cuda::toFloat(cuda::fromFloat<__nv_bfloat16>(f)), bf16ToFloat(floatToBf16(f)));
            // Round trip: a bf16 value survives widening and narrowing.
            QCOMPARE(__bfloat16_as_ushort(__float2bfloat16(__bfloat162float(h))), __bfloat16_as_ushort(h));
        }
    }

    void halfRoundTripsAndRoundsToNearestEven() {
        for (uint32_t bits = 0; bits < 0x10000; ++bits) {
            const float f = f16ToFloat(uint16_t(bits));
            if (std::isnan(f)) {
                QVERIFY(std::isnan(__half2float(__float2half(f))));
                continue;
            }
            QCOMPARE(__half_as_ushort(__float2half(f)), uint16_t(bits));
            QCOMPARE(__half2float(__ushort_as_half(uint16_t(bits))), f);
        }
        QCOMPARE(__half_as_ushort(__float2half(65504.0f)), uint16_t(0x7bff));
        QCOMPARE(__half_as_ushort(__float2half(65519.0f)), uint16_t(0x7bff));
        QCOMPARE(__half_as_ushort(__float2half(65520.0f)), uint16_t(0x7c00));
        QCOMPARE(__half_as_ushort(__float2half(0x1p-25f)), uint16_t(0x0000));        // half a unit: ties to 0
        QCOMPARE(__half_as_ushort(__float2half(3 * 0x1p-25f)), uint16_t(0x0002));    // 1.5 units: ties to 2
        QCOMPARE(__half_as_ushort(__float2half(1.0f + 0x1p-11f)), uint16_t(0x3c00)); // tie to even
        QCOMPARE(__half_as_ushort(__float2half(-2.0f)), uint16_t(0xc000));
#ifdef __FLT16_MAX__
        // g++'s _Float16 conversion is an independent round-to-nearest-even reference.
        std::mt19937 rng(9);
        for (int i = 0; i < 200000; ++i) {
            const float f = bitsToFloat(rng() & 0xc7ffffffu);  // |f| < 2^17, across the half range
            const _Float16 reference = static_cast<_Float16>(f);
            uint16_t referenceBits;
            std::memcpy(&referenceBits, &reference, 2);
            if (std::isnan(f)) continue;
            QCOMPARE(__half_as_ushort(__float2half(f)), referenceBits);
            QCOMPARE(cuda::toFloat(cuda::fromFloat<__half>(f)), f16ToFloat(referenceBits));
        }
#endif
    }

    void launchLimitsAreReported() {
        auto noop = [] {};
        QVERIFY(contains(simt::tryLaunch(dim3(1), dim3(1025), 0, noop), "exceeds CUDA's limits"));
        QVERIFY(contains(simt::tryLaunch(dim3(1), dim3(32, 32, 2), 0, noop), "exceeds CUDA's limits"));
        QVERIFY(contains(simt::tryLaunch(dim3(1), dim3(1, 1, 65), 0, noop), "exceeds CUDA's limits"));
        QVERIFY(contains(simt::tryLaunch(dim3(1, 65536), dim3(32), 0, noop), "grid (1,65536,1) exceeds"));
        QVERIFY(contains(simt::tryLaunch(dim3(0), dim3(32), 0, noop), "dimension is 0"));
        QVERIFY(contains(simt::tryLaunch(dim3(1), dim3(32), 48 * 1024 + 1, noop), "exceeds the limit of 49152 B"));
        QVERIFY(simt::tryLaunch(dim3(1), dim3(32), 48 * 1024, noop).empty());
        simt::setDynamicSharedLimit(64 * 1024);
        QVERIFY(simt::tryLaunch(dim3(1), dim3(32), 64 * 1024, noop).empty());
        QVERIFY_THROWS_EXCEPTION(simt::LaunchError, simt::setDynamicSharedLimit(100 * 1024));
        // The launch site is named so a failing kernel test points at its launch.
        QVERIFY(contains(simt::tryLaunch(dim3(1), dim3(2048), 0, noop), "simt_harness_test.cpp"));
        QVERIFY_THROWS_EXCEPTION(simt::LaunchError, simt::launch(dim3(1), dim3(2048), 0, noop));
    }

    void kernelAssertFailsTheLaunch() {
        const std::string message = simt::tryLaunch(dim3(2), dim3(64), 0, [] {
            PAGODA_KERNEL_ASSERT(blockIdx.x == 0 || threadIdx.x != 5);
        });
        QVERIFY2(contains(message, "PAGODA_KERNEL_ASSERT(blockIdx.x == 0 || threadIdx.x != 5) failed"), message.c_str());
        QVERIFY2(contains(message, "block (1,0,0)"), message.c_str());
        QVERIFY2(contains(message, "thread (5,0,0)"), message.c_str());
        // And the harness is usable again afterwards.
        int ran = 0;
        simt::launch(dim3(1), dim3(64), 0, [&] { ++ran; });
        QCOMPARE(ran, 64);
    }

    void skippedBarrierFailsInsteadOfHanging() {
        for (simt::ScheduleOrder order : kOrders) {
            simt::setScheduleOrder(order, 5);
            const std::string early = simt::tryLaunch(dim3(1), dim3(128), 0, [] {
                if (threadIdx.x == 77) return;
                __syncthreads();
            });
            QVERIFY2(contains(early, "thread (77,0,0)"), early.c_str());
            QVERIFY2(contains(early, "__syncthreads"), early.c_str());
        }
        const std::string divergentShuffle = simt::tryLaunch(dim3(1), dim3(64), 0, [] {
            if (threadIdx.x % 2 == 0) (void)__shfl_xor_sync(0xffffffffu, 1.0f, 1);
        });
        QVERIFY2(contains(divergentShuffle, "exited"), divergentShuffle.c_str());
        const std::string mixed = simt::tryLaunch(dim3(1), dim3(64), 0, [] {
            if (threadIdx.x < 16)
                __syncthreads();
            else
                __syncwarp();
        });
        QVERIFY2(contains(mixed, "divergent warp"), mixed.c_str());
        const std::string partialWarp =
            simt::tryLaunch(dim3(1), dim3(48), 0, [] { (void)__shfl_down_sync(0xffffffffu, 1, 1u); });
        QVERIFY2(contains(partialWarp, "partial warp"), partialWarp.c_str());
        const std::string partialMask =
            simt::tryLaunch(dim3(1), dim3(32), 0, [] { (void)__shfl_down_sync(0x0000ffffu, 1, 1u); });
        QVERIFY2(contains(partialMask, "partial mask"), partialMask.c_str());
    }

    void exceptionsInKernelsAreReported() {
        const std::string message = simt::tryLaunch(dim3(1), dim3(32), 0, [] {
            if (threadIdx.x == 3) throw std::out_of_range("index 99 of 4");
        });
        QVERIFY2(contains(message, "thread (3,0,0) threw: index 99 of 4"), message.c_str());
        QVERIFY_THROWS_EXCEPTION(simt::LaunchError, __syncthreads());  // outside a launch
    }
};

QTEST_APPLESS_MAIN(SimtHarnessTest)
#include "simt_harness_test.moc"
