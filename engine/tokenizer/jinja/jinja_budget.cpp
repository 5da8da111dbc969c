#include "engine/tokenizer/jinja/jinja_budget.h"

#include <fmt/format.h>

#include <atomic>

#include "engine/tokenizer/jinja/jinja_error.h"

namespace pagoda::jinja {

namespace {
thread_local Budget* t_current = nullptr;
std::atomic<uint64_t> g_renders{0};

[[noreturn]] void overBudget(const char* what, size_t limit) {
    fail(ErrorKind::Limit, fmt::format("{} would take the render past its memory limit of {} bytes", what, limit));
}
}  // namespace

Budget::Budget(const Limits& limits) : m_limits(limits), m_serial(++g_renders), m_previous(t_current) { t_current = this; }

Budget::~Budget() { t_current = m_previous; }

void Budget::charge(uint64_t units) {
    Budget* budget = t_current;
    if (!budget) return;
    budget->m_work += units;
    if (budget->m_work > budget->m_limits.maxWork) {
        fail(ErrorKind::Limit, fmt::format("template exceeded its work budget of {} units", budget->m_limits.maxWork));
    }
}

void Budget::reserve(size_t bytes, const char* what) {
    const Budget* budget = t_current;
    if (budget && bytes > budget->m_limits.maxRenderBytes - std::min(budget->m_held, budget->m_limits.maxRenderBytes)) {
        overBudget(what, budget->m_limits.maxRenderBytes);
    }
}

void Budget::checkSize(size_t size, const char* what) {
    const Budget* budget = t_current;
    if (!budget) return;
    if (size > budget->m_limits.maxOutputBytes) {
        fail(ErrorKind::Limit, fmt::format("{} exceeds the size limit of {}", what, budget->m_limits.maxOutputBytes));
    }
    reserve(size, what);
}

void Budget::checkItems(size_t count, const char* what) {
    const Budget* budget = t_current;
    if (!budget) return;
    if (count > budget->m_limits.maxListItems) {
        fail(ErrorKind::Limit, fmt::format("{} exceeds the limit of {} items", what, budget->m_limits.maxListItems));
    }
    reserve(count * kItemBytes, what);
}

size_t Budget::heldBytes() { return t_current ? t_current->m_held : 0; }

void Charge::add(size_t bytes, const char* what) {
    Budget* budget = t_current;
    if (!budget) return;
    if (m_render != 0 && m_render != budget->m_serial) return;  // made by another render: not ours to count
    Budget::reserve(bytes, what);
    m_render = budget->m_serial;
    m_bytes += bytes;
    budget->m_held += bytes;
}

Charge::~Charge() {
    Budget* budget = t_current;
    if (m_render != 0 && budget && budget->m_serial == m_render) budget->m_held -= m_bytes;
}

}  // namespace pagoda::jinja
