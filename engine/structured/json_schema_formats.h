// Exact grammars for the JSON Schema string formats we honour, so a "format": "date" field
// can only be written as a real date. Each grammar is the string's content (no quotes); none
// of them can produce a character JSON would have to escape.
#pragma once

#include <optional>
#include <string_view>

#include "engine/structured/grammar.h"

namespace pagoda::structured {

// date, time, date-time, duration (RFC 3339 and its appendix A), uuid, email (dot-atom local
// part, domain of hostname labels), ipv4, ipv6, hostname (labels; the 253-character total is
// not enforced), uri and uri-reference (RFC 3986), and OpenAPI's byte (base64).
// nullopt for any other format.
std::optional<Expr> stringFormatExpr(std::string_view format);

// The shortest and longest content a format allows (longest < 0: unbounded), so a
// minLength/maxLength next to a format can be checked rather than ignored.
struct FormatLengths {
    int shortest = 0;
    int longest = -1;
};
FormatLengths stringFormatLengths(std::string_view format);

}  // namespace pagoda::structured
