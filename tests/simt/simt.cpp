// The SIMT launcher: each block's threads as fibers (ucontext) on the launching thread,
// switched only where CUDA threads can wait for each other, with barrier bookkeeping that
// turns every unreachable barrier into an immediate, named failure.
#include "tests/simt/simt.h"

#include <sys/mman.h>
#include <ucontext.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

namespace pagoda::simt {
namespace {

// Kernels keep small per-thread arrays (an accumulator of head_dim floats); 256 KiB is
// address space, committed only as touched, with a guard page below to turn an overflow
// into a crash instead of silent corruption of the neighbouring fiber.
constexpr size_t kStackBytes = 256 * 1024;
constexpr size_t kGuardBytes = 4096;
constexpr unsigned kWarp = 32;
constexpr unsigned kFullMask = 0xffffffffu;

enum class State { Runnable, AtBlockBarrier, AtWarpBarrier, Exited };
enum class WarpOp { None, Shuffle, SyncWarp };

struct Fiber {
    Fiber() {
        m_mapping = mmap(nullptr, kStackBytes + kGuardBytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (m_mapping == MAP_FAILED) throw LaunchError("simt: cannot map a fiber stack");
        mprotect(m_mapping, kGuardBytes, PROT_NONE);
    }
    ~Fiber() { munmap(m_mapping, kStackBytes + kGuardBytes); }
    Fiber(const Fiber&) = delete;
    Fiber& operator=(const Fiber&) = delete;

    ucontext_t m_context{};
    void* m_mapping = nullptr;
    uint3 m_index{0, 0, 0};
    State m_state = State::Exited;
    uint32_t m_shuffleCount = 0;
};

// Appended piecewise: g++ 12 warns falsely (-Wrestrict) on "(" + std::string.
std::string str(uint3 v) {
    std::string s = "(";
    s += std::to_string(v.x);
    s += ',';
    s += std::to_string(v.y);
    s += ',';
    s += std::to_string(v.z);
    s += ')';
    return s;
}
std::string str(dim3 v) { return str(uint3{v.x, v.y, v.z}); }

// One per host thread, so launches from different test threads would not share state.
struct Scheduler {
    // Pool of fibers, grown to the largest block launched on this thread and reused.
    std::vector<std::unique_ptr<Fiber>> m_fibers;
    ucontext_t m_schedulerContext{};
    size_t m_dynamicSharedLimit = kDefaultDynamicSharedLimit;
    ScheduleOrder m_order = ScheduleOrder::Forward;
    uint32_t m_seed = 1;

    // The launch in progress.
    bool m_inLaunch = false;
    KernelBody m_body{};
    std::string m_launchName;
    unsigned m_threadCount = 0;
    unsigned m_current = 0;
    unsigned m_blockArrived = 0;
    unsigned m_exited = 0;
    unsigned m_firstExited = 0;
    std::vector<unsigned> m_warpArrived;
    std::vector<unsigned> m_warpExited;
    std::vector<WarpOp> m_warpOp;
    std::vector<uint32_t> m_slots;  // [warp][parity][lane]
    std::vector<uint4> m_dynamicShared;
    size_t m_dynamicSharedBytes = 0;
    std::vector<unsigned> m_runOrder;
    std::exception_ptr m_error;

    Fiber& fiber(unsigned i) { return *m_fibers[i]; }
    Fiber& current() { return fiber(m_current); }

    [[noreturn]] void fail(const std::string& what) const {
        throw LaunchError(m_launchName + ", block " + str(blockIdx) + ": " + what);
    }

    std::string threadName(unsigned i) { return "thread " + str(fiber(i).m_index); }

    void yield() { swapcontext(&current().m_context, &m_schedulerContext); }

    void releaseBlock() {
        for (unsigned i = 0; i < m_threadCount; ++i) fiber(i).m_state = State::Runnable;
        m_blockArrived = 0;
    }

    void syncThreads() {
        const unsigned warp = m_current / kWarp;
        if (m_exited > 0)
            fail(threadName(m_current) + " reached __syncthreads, which " + threadName(m_firstExited) +
                 " can never reach: it has exited (a barrier in divergent code, or an early return)");
        if (m_warpArrived[warp] > 0)
            fail(threadName(m_current) + " waits at __syncthreads while other lanes of warp " + std::to_string(warp) +
                 " wait at a shuffle or __syncwarp (divergent warp)");
        current().m_state = State::AtBlockBarrier;
        if (++m_blockArrived == m_threadCount) releaseBlock();
        yield();
    }

    unsigned lanesOf(unsigned warp) const { return std::min(kWarp, m_threadCount - warp * kWarp); }

    void warpBarrier(WarpOp op) {
        const unsigned warp = m_current / kWarp;
        const unsigned first = warp * kWarp, lanes = lanesOf(warp);
        if (m_warpExited[warp] > 0)
            fail(threadName(m_current) + " waits for its warp, but a lane of warp " + std::to_string(warp) +
                 " has exited (shuffle or __syncwarp in divergent code)");
        for (unsigned i = first; i < first + lanes; ++i)
            if (fiber(i).m_state == State::AtBlockBarrier)
                fail(threadName(m_current) + " waits at a shuffle or __syncwarp while " + threadName(i) +
                     " of the same warp waits at __syncthreads (divergent warp)");
        if (m_warpArrived[warp] == 0) {
            m_warpOp[warp] = op;
        } else if (m_warpOp[warp] != op) {
            fail("lanes of warp " + std::to_string(warp) + " meet at different warp operations (" +
                 threadName(m_current) + " at " + (op == WarpOp::Shuffle ? "a shuffle" : "__syncwarp") +
                 "): divergent warp");
        }
        current().m_state = State::AtWarpBarrier;
        if (++m_warpArrived[warp] == lanes) {
            for (unsigned i = first; i < first + lanes; ++i) fiber(i).m_state = State::Runnable;
            m_warpArrived[warp] = 0;
        }
        yield();
    }

    void threadExited() {
        const unsigned warp = m_current / kWarp;
        if (m_exited++ == 0) m_firstExited = m_current;
        ++m_warpExited[warp];
        current().m_state = State::Exited;
        if (m_blockArrived > 0)
            fail(threadName(m_current) + " exited without reaching the __syncthreads that " +
                 std::to_string(m_blockArrived) + " thread(s) of its block wait at");
        if (m_warpArrived[warp] > 0)
            fail(threadName(m_current) + " exited while " + std::to_string(m_warpArrived[warp]) +
                 " lane(s) of its warp wait at a shuffle or __syncwarp");
    }

    void prepareOrder(unsigned blockLinear) {
        m_runOrder.resize(m_threadCount);
        std::iota(m_runOrder.begin(), m_runOrder.end(), 0u);
        if (m_order == ScheduleOrder::Reverse) std::reverse(m_runOrder.begin(), m_runOrder.end());
        if (m_order == ScheduleOrder::Shuffled) {
            std::mt19937 rng(m_seed * 2654435761u + blockLinear);
            std::shuffle(m_runOrder.begin(), m_runOrder.end(), rng);
        }
    }

    void runBlock();
    void launch(dim3 grid, dim3 block, size_t dynamicSharedBytes, KernelBody body, const std::source_location& where);
};

thread_local Scheduler t_scheduler;

Scheduler& active(const char* what) {
    Scheduler& s = t_scheduler;
    if (!s.m_inLaunch) throw LaunchError(std::string(what) + " called outside pagoda::simt::launch");
    return s;
}

void fiberEntry() {
    Scheduler& s = t_scheduler;
    try {
        s.m_body.call(s.m_body.object);
        s.threadExited();
    } catch (...) {
        s.current().m_state = State::Exited;
        if (!s.m_error) s.m_error = std::current_exception();
    }
    // Returning resumes uc_link, the scheduler.
}

void Scheduler::runBlock() {
    if (m_dynamicSharedBytes > 0)
        std::memset(static_cast<void*>(m_dynamicShared.data()), 0xff, m_dynamicShared.size() * sizeof(uint4));
    m_blockArrived = 0;
    m_exited = 0;
    std::fill(m_warpArrived.begin(), m_warpArrived.end(), 0u);
    std::fill(m_warpExited.begin(), m_warpExited.end(), 0u);
    for (unsigned i = 0; i < m_threadCount; ++i) {
        Fiber& f = fiber(i);
        f.m_index = {i % blockDim.x, (i / blockDim.x) % blockDim.y, i / (blockDim.x * blockDim.y)};
        f.m_state = State::Runnable;
        f.m_shuffleCount = 0;
        getcontext(&f.m_context);
        f.m_context.uc_stack.ss_sp = static_cast<char*>(f.m_mapping) + kGuardBytes;
        f.m_context.uc_stack.ss_size = kStackBytes;
        f.m_context.uc_link = &m_schedulerContext;
        makecontext(&f.m_context, fiberEntry, 0);
    }
    prepareOrder(blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z));
    while (m_exited < m_threadCount) {
        bool ran = false;
        for (unsigned i : m_runOrder) {
            if (fiber(i).m_state != State::Runnable) continue;
            m_current = i;
            threadIdx = fiber(i).m_index;
            swapcontext(&m_schedulerContext, &fiber(i).m_context);
            if (m_error) return;
            ran = true;
        }
        // Every unreachable barrier is caught where it arises; this is the backstop.
        if (!ran) {
            unsigned atBlock = 0, atWarp = 0;
            for (unsigned i = 0; i < m_threadCount; ++i) {
                atBlock += fiber(i).m_state == State::AtBlockBarrier;
                atWarp += fiber(i).m_state == State::AtWarpBarrier;
            }
            try {
                fail("no thread can make progress: " + std::to_string(atBlock) + " at __syncthreads, " +
                     std::to_string(atWarp) + " at warp operations, " + std::to_string(m_exited) + " exited");
            } catch (...) {
                m_error = std::current_exception();
            }
            return;
        }
    }
}

void Scheduler::launch(dim3 grid, dim3 block, size_t dynamicSharedBytes, KernelBody body,
                       const std::source_location& where) {
    if (m_inLaunch) {
        // Checked before m_launchName changes: it still names the running launch.
        const std::string message = m_launchName + ": a kernel launched another (dynamic parallelism is not supported)";
        std::fprintf(stderr, "%s\n", message.c_str());
        throw LaunchError(message);
    }
    std::ostringstream name;
    name << "simt launch at " << where.file_name() << ":" << where.line() << " (grid " << str(grid) << ", block "
         << str(block) << ", " << dynamicSharedBytes << " B dynamic shared)";
    m_launchName = name.str();
    auto reject = [&](const std::string& why) {
        std::string message = m_launchName + ": " + why;
        std::fprintf(stderr, "%s\n", message.c_str());
        throw LaunchError(message);
    };
    // CUDA's limits for every target from sm_75 on; a violation is cudaErrorInvalidConfiguration.
    const unsigned long long threads = 1ull * block.x * block.y * block.z;
    if (grid.x == 0 || grid.y == 0 || grid.z == 0 || threads == 0) reject("a grid or block dimension is 0");
    if (block.x > 1024 || block.y > 1024 || block.z > 64 || threads > 1024)
        reject("block " + str(block) + " exceeds CUDA's limits (x, y <= 1024, z <= 64, at most 1024 threads)");
    if (grid.x > 2147483647u || grid.y > 65535 || grid.z > 65535)
        reject("grid " + str(grid) + " exceeds CUDA's limits (x < 2^31, y and z <= 65535)");
    if (dynamicSharedBytes > m_dynamicSharedLimit)
        reject("dynamic shared memory of " + std::to_string(dynamicSharedBytes) + " B exceeds the limit of " +
               std::to_string(m_dynamicSharedLimit) + " B (raise it as cudaFuncSetAttribute would)");

    m_threadCount = unsigned(threads);
    while (m_fibers.size() < m_threadCount) m_fibers.push_back(std::make_unique<Fiber>());
    const unsigned warps = (m_threadCount + kWarp - 1) / kWarp;
    m_warpArrived.assign(warps, 0);
    m_warpExited.assign(warps, 0);
    m_warpOp.assign(warps, WarpOp::None);
    m_slots.assign(size_t(warps) * 2 * kWarp, 0);
    m_dynamicSharedBytes = dynamicSharedBytes;
    m_dynamicShared.resize((dynamicSharedBytes + sizeof(uint4) - 1) / sizeof(uint4));
    m_body = body;
    m_error = nullptr;
    m_inLaunch = true;
    gridDim = grid;
    blockDim = block;
    for (unsigned z = 0; z < grid.z && !m_error; ++z)
        for (unsigned y = 0; y < grid.y && !m_error; ++y)
            for (unsigned x = 0; x < grid.x && !m_error; ++x) {
                blockIdx = {x, y, z};
                runBlock();
            }
    m_inLaunch = false;
    if (!m_error) return;
    std::string message;
    try {
        std::rethrow_exception(m_error);
    } catch (const LaunchError& e) {
        message = e.what();
    } catch (const std::exception& e) {
        message = m_launchName + ", block " + str(blockIdx) + ": " + threadName(m_current) + " threw: " + e.what();
    } catch (...) {
        message = m_launchName + ", block " + str(blockIdx) + ": " + threadName(m_current) + " threw";
    }
    // Fibers abandoned mid-kernel are simply re-made by the next launch; objects on their
    // stacks leak, which a failing test can afford.
    m_error = nullptr;
    std::fprintf(stderr, "%s\n", message.c_str());
    throw LaunchError(message);
}

}  // namespace

void launchErased(dim3 grid, dim3 block, size_t dynamicSharedBytes, KernelBody body, const std::source_location& where) {
    t_scheduler.launch(grid, block, dynamicSharedBytes, body, where);
}

void setDynamicSharedLimit(size_t bytes) {
    if (bytes > kMaxDynamicSharedLimit)
        throw LaunchError("simt: dynamic shared limit " + std::to_string(bytes) + " B exceeds the " +
                          std::to_string(kMaxDynamicSharedLimit) + " B of an sm_86/sm_89 block");
    t_scheduler.m_dynamicSharedLimit = bytes;
}

void setScheduleOrder(ScheduleOrder order, uint32_t seed) {
    t_scheduler.m_order = order;
    t_scheduler.m_seed = seed;
}

void* dynamicSharedBytes() {
    Scheduler& s = active("dynamicShared");
    return s.m_dynamicSharedBytes == 0 ? nullptr : static_cast<void*>(s.m_dynamicShared.data());
}

void kernelAssertFailed(const char* condition, const char* file, int line) {
    Scheduler& s = active("PAGODA_KERNEL_ASSERT");
    s.fail(s.threadName(s.m_current) + ": PAGODA_KERNEL_ASSERT(" + condition + ") failed at " + file + ":" +
           std::to_string(line));
}

void syncThreads() { active("__syncthreads").syncThreads(); }

void syncWarp(unsigned mask) {
    Scheduler& s = active("__syncwarp");
    if (mask != kFullMask) s.fail("__syncwarp with a partial mask is outside the harness's subset");
    s.warpBarrier(WarpOp::SyncWarp);
}

uint32_t shuffleBits(unsigned mask, uint32_t bits, int operand, ShuffleKind kind) {
    Scheduler& s = active("__shfl_*_sync");
    if (mask != kFullMask) s.fail("a shuffle with a partial mask is outside the harness's subset (use 0xffffffff)");
    const unsigned warp = s.m_current / kWarp, lane = s.m_current % kWarp;
    if (s.lanesOf(warp) != kWarp)
        s.fail("shuffle in the partial warp " + std::to_string(warp) + " of a block of " +
               std::to_string(s.m_threadCount) + " threads: shuffles need full warps");
    // Two slot sets used alternately: a lane can run at most one shuffle ahead of the
    // slowest lane of its warp, so it never overwrites a value still to be read.
    const size_t base = (size_t(warp) * 2 + (s.current().m_shuffleCount++ & 1)) * kWarp;
    s.m_slots[base + lane] = bits;
    s.warpBarrier(WarpOp::Shuffle);
    int source = int(lane);
    switch (kind) {
        case ShuffleKind::Xor: source = int(lane) ^ operand; break;
        case ShuffleKind::Down: source = int(lane) + operand; break;
        case ShuffleKind::Up: source = int(lane) - operand; break;
        case ShuffleKind::Index: source = operand & int(kWarp - 1); break;
    }
    // As PTX shfl: a source outside the warp yields the caller's own value.
    if (source < 0 || source >= int(kWarp)) return bits;
    return s.m_slots[base + unsigned(source)];
}

uint16_t floatToF16(float f) {
    const uint32_t x = floatToBits(f);
    const uint16_t sign = uint16_t((x >> 16) & 0x8000u);
    const uint32_t magnitude = x & 0x7fffffffu;
    if (magnitude > 0x7f800000u) return 0x7fff;
    // 65520 is halfway between the largest half (65504) and 2^16; ties go to the even
    // neighbour, which is infinity.
    if (magnitude >= 0x477ff000u) return uint16_t(sign | 0x7c00u);
    if (magnitude >= 0x38800000u) {  // normal half: >= 2^-14
        const uint32_t mantissa = magnitude & 0x7fffffu;
        uint32_t h = ((((magnitude >> 23) - 127 + 15)) << 10) | (mantissa >> 13);
        const uint32_t rest = mantissa & 0x1fffu;
        if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // a carry into the exponent is right
        return uint16_t(sign | h);
    }
    // Subnormal: units of 2^-24. The scaling is exact, and nearbyint rounds to nearest even
    // in the default rounding mode; 1024 units encode the smallest normal, as it should.
    const float units = std::nearbyint(bitsToFloat(magnitude) * 16777216.0f);
    return uint16_t(sign | uint16_t(units));
}

}  // namespace pagoda::simt
