#include "engine/tokenizer/jinja/jinja_budget.h"

#include <fmt/format.h>

#include "engine/tokenizer/jinja/jinja_error.h"

namespace pagoda::jinja {

namespace {
thread_local Budget* t_current = nullptr;
}

Budget::Budget(const Limits& limits) : m_limits(limits), m_previous(t_current) { t_current = this; }

Budget::~Budget() { t_current = m_previous; }

void Budget::charge(uint64_t units) {
    Budget* budget = t_current;
    if (!budget) return;
    budget->m_work += units;
    if (budget->m_work > budget->m_limits.maxWork) {
        fail(ErrorKind::Limit, fmt::format("template exceeded its work budget of {} units", budget->m_limits.maxWork));
    }
}

void Budget::checkSize(size_t size, const char* what) {
    const Budget* budget = t_current;
    if (budget && size > budget->m_limits.maxOutputBytes) {
        fail(ErrorKind::Limit, fmt::format("{} exceeds the size limit of {}", what, budget->m_limits.maxOutputBytes));
    }
}

void Budget::checkItems(size_t count, const char* what) {
    const Budget* budget = t_current;
    if (budget && count > budget->m_limits.maxListItems) {
        fail(ErrorKind::Limit, fmt::format("{} exceeds the limit of {} items", what, budget->m_limits.maxListItems));
    }
}

}  // namespace pagoda::jinja
