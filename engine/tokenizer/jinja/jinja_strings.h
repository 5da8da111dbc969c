// Python's str methods over UTF-8 text, shared by the filters and the str methods
// templates call. Indices and lengths are in code points, as in Python.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagoda::jinja {

// str.strip/lstrip/rstrip; `chars` nullopt strips Unicode whitespace.
std::string stripString(std::string_view s, const std::optional<std::string>& chars, bool left, bool right);
// str.split / str.rsplit; `sep` nullopt splits on runs of whitespace. maxsplit < 0 is unlimited.
std::vector<std::string> splitString(std::string_view s, const std::optional<std::string>& sep, int64_t maxsplit,
                                     bool fromRight);
std::vector<std::string> splitLines(std::string_view s, bool keepEnds);  // str.splitlines
std::string replaceString(std::string_view s, std::string_view old, std::string_view replacement, int64_t count);
// str.find / str.rfind / str.count over s[start:end]; find returns -1 when absent.
int64_t findString(std::string_view s, std::string_view sub, std::optional<int64_t> start,
                   std::optional<int64_t> end, bool fromRight);
int64_t countString(std::string_view s, std::string_view sub);
std::string capitalizeString(std::string_view s);   // str.capitalize
std::string titleString(std::string_view s);        // str.title
std::string titleFilter(std::string_view s);        // jinja2's title filter: words split at spaces, '-', brackets
std::string centerString(std::string_view s, int64_t width);
std::string htmlEscape(std::string_view s);         // markupsafe.escape

}  // namespace pagoda::jinja
