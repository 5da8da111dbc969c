#include "engine/structured/json_schema_formats.h"

#include <string>
#include <vector>

namespace pagoda::structured {
namespace {

Expr lit(std::string text) { return Expr::literal(std::move(text)); }
Expr cls(std::vector<CodepointRange> ranges) { return Expr::charClass(std::move(ranges)); }
Expr seq(std::vector<Expr> items) { return Expr::sequence(std::move(items)); }
Expr alt(std::vector<Expr> items) { return Expr::choice(std::move(items)); }
Expr times(Expr item, int count) { return Expr::repeat(std::move(item), count, count); }

Expr digit() { return cls({{'0', '9'}}); }
Expr hexDigit() { return cls({{'0', '9'}, {'a', 'f'}, {'A', 'F'}}); }
Expr alpha() { return cls({{'a', 'z'}, {'A', 'Z'}}); }
Expr alnum() { return cls({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}}); }
Expr twoDigits(char firstLow, char firstHigh) { return seq({cls({{char32_t(firstLow), char32_t(firstHigh)}}), digit()}); }

// RFC 3339 full-date, with each month's number of days and February 29 only in leap years.
Expr fullDate() {
    const Expr year = times(digit(), 4);
    const Expr day28 = alt({seq({lit("0"), cls({{'1', '9'}})}), seq({lit("1"), digit()}), seq({lit("2"), cls({{'0', '8'}})})});
    const Expr month = alt({seq({lit("0"), cls({{'1', '9'}})}), seq({lit("1"), cls({{'0', '2'}})})});
    const Expr monthsWith30 = alt({seq({lit("0"), cls({{'1', '1'}, {'3', '9'}})}), seq({lit("1"), cls({{'0', '2'}})})});
    const Expr monthsWith31 = alt({seq({lit("0"), cls({{'1', '1'}, {'3', '3'}, {'5', '5'}, {'7', '8'}})}), seq({lit("1"), cls({{'0', '0'}, {'2', '2'}})})});
    // Divisible by 4 as its last two digits say, except centuries not divisible by 400.
    const Expr multipleOf4 = alt({seq({lit("0"), cls({{'4', '4'}, {'8', '8'}})}), seq({cls({{'2', '2'}, {'4', '4'}, {'6', '6'}, {'8', '8'}}), cls({{'0', '0'}, {'4', '4'}, {'8', '8'}})}),
                                  seq({cls({{'1', '1'}, {'3', '3'}, {'5', '5'}, {'7', '7'}, {'9', '9'}}), cls({{'2', '2'}, {'6', '6'}})})});
    const Expr leapYear = alt({seq({times(digit(), 2), multipleOf4}), seq({multipleOf4, lit("00")})});
    return alt({
        seq({year, lit("-"), month, lit("-"), day28}),
        seq({year, lit("-"), monthsWith30, lit("-"), alt({lit("29"), lit("30")})}),
        seq({year, lit("-"), monthsWith31, lit("-31")}),
        seq({leapYear, lit("-02-29")}),
    });
}

Expr hour() { return alt({twoDigits('0', '1'), seq({lit("2"), cls({{'0', '3'}})})}); }
Expr minute() { return twoDigits('0', '5'); }

// RFC 3339 full-time; a leap second (":60") is refused, as it is valid only at one instant.
Expr fullTime() {
    const Expr fraction = Expr::optional(seq({lit("."), Expr::plus(digit())}));
    const Expr offset = alt({cls({{'Z', 'Z'}, {'z', 'z'}}), seq({cls({{'+', '+'}, {'-', '-'}}), hour(), lit(":"), minute()})});
    return seq({hour(), lit(":"), minute(), lit(":"), minute(), fraction, offset});
}

// RFC 3339 appendix A: P1Y2M3DT4H5M6S, P1W, PT0S...
Expr duration() {
    auto amount = [](const char* unit) { return seq({Expr::plus(digit()), lit(unit)}); };
    const Expr second = amount("S");
    const Expr minute = seq({amount("M"), Expr::optional(second)});
    const Expr hour = seq({amount("H"), Expr::optional(minute)});
    const Expr time = seq({lit("T"), alt({hour, minute, second})});
    const Expr day = amount("D");
    const Expr month = seq({amount("M"), Expr::optional(day)});
    const Expr year = seq({amount("Y"), Expr::optional(month)});
    const Expr date = seq({alt({day, month, year}), Expr::optional(time)});
    return seq({lit("P"), alt({date, time, amount("W")})});
}

Expr uuid() {
    return seq({times(hexDigit(), 8), lit("-"), times(hexDigit(), 4), lit("-"), times(hexDigit(), 4), lit("-"), times(hexDigit(), 4), lit("-"),
                times(hexDigit(), 12)});
}

// 0-255 without leading zeros.
Expr decOctet() {
    return alt({digit(), seq({cls({{'1', '9'}}), digit()}), seq({lit("1"), digit(), digit()}), seq({lit("2"), cls({{'0', '4'}}), digit()}),
                seq({lit("25"), cls({{'0', '5'}})})});
}

Expr ipv4() { return seq({decOctet(), lit("."), decOctet(), lit("."), decOctet(), lit("."), decOctet()}); }

// RFC 3986's IPv6address: eight groups, or fewer around one "::", the last two possibly an IPv4 address.
Expr ipv6() {
    const Expr h16 = Expr::repeat(hexDigit(), 1, 4);
    const Expr groupColon = seq({h16, lit(":")});
    const Expr ls32 = alt({seq({h16, lit(":"), h16}), ipv4()});
    // Up to n groups before "::", the last without its colon.
    auto head = [&](int n) { return n == 0 ? Expr::empty() : Expr::optional(seq({Expr::repeat(groupColon, 0, n - 1), h16})); };
    return alt({
        seq({times(groupColon, 6), ls32}),
        seq({lit("::"), times(groupColon, 5), ls32}),
        seq({head(1), lit("::"), times(groupColon, 4), ls32}),
        seq({head(2), lit("::"), times(groupColon, 3), ls32}),
        seq({head(3), lit("::"), times(groupColon, 2), ls32}),
        seq({head(4), lit("::"), groupColon, ls32}),
        seq({head(5), lit("::"), ls32}),
        seq({head(6), lit("::"), h16}),
        seq({head(7), lit("::")}),
    });
}

// A hostname label: letters, digits and inner hyphens, 1 to 63 characters (RFC 1123).
Expr label() { return seq({alnum(), Expr::optional(seq({Expr::repeat(cls({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'-', '-'}}), 0, 61), alnum()}))}); }

Expr hostnameLabels() { return seq({label(), Expr::star(seq({lit("."), label()}))}); }

// RFC 5321 Mailbox with a dot-atom local part and a domain name (quoted local parts and
// address literals are not generated).
Expr email() {
    const Expr atext = cls({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'!', '!'}, {'#', '\''}, {'*', '+'}, {'-', '-'}, {'/', '/'}, {'=', '='}, {'?', '?'}, {'^', '`'}, {'{', '~'}});
    const Expr atom = Expr::plus(atext);
    return seq({atom, Expr::star(seq({lit("."), atom})), lit("@"), hostnameLabels()});
}

// OpenAPI's "byte": base64 (RFC 4648) with its padding.
Expr base64() {
    const Expr symbol = cls({{'A', 'Z'}, {'a', 'z'}, {'0', '9'}, {'+', '+'}, {'/', '/'}});
    const Expr padded = alt({seq({times(symbol, 2), lit("==")}), seq({times(symbol, 3), lit("=")})});
    return seq({Expr::star(times(symbol, 4)), Expr::optional(padded)});
}

// RFC 3986 appendix A.
struct UriParts {
    Expr pctEncoded = seq({lit("%"), hexDigit(), hexDigit()});
    Expr unreserved = cls({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'-', '.'}, {'_', '_'}, {'~', '~'}});
    Expr subDelims = cls({{'!', '!'}, {'$', '$'}, {'&', ','}, {';', ';'}, {'=', '='}});
    Expr pchar = alt({unreserved, pctEncoded, subDelims, cls({{':', ':'}, {'@', '@'}})});
    Expr segment = Expr::star(pchar);
    Expr segmentNz = Expr::plus(pchar);
    Expr segmentNzNc = Expr::plus(alt({unreserved, pctEncoded, subDelims, lit("@")}));
    Expr pathAbempty = Expr::star(seq({lit("/"), segment}));
    Expr pathAbsolute = seq({lit("/"), Expr::optional(seq({segmentNz, pathAbempty}))});
    Expr queryOrFragment = Expr::star(alt({pchar, cls({{'/', '/'}, {'?', '?'}})}));

    Expr authority() const {
        const Expr userinfo = seq({Expr::star(alt({unreserved, pctEncoded, subDelims, lit(":")})), lit("@")});
        const Expr ipvFuture = seq({cls({{'v', 'v'}, {'V', 'V'}}), Expr::plus(hexDigit()), lit("."), Expr::plus(alt({unreserved, subDelims, lit(":")}))});
        const Expr ipLiteral = seq({lit("["), alt({ipv6(), ipvFuture}), lit("]")});
        const Expr regName = Expr::star(alt({unreserved, pctEncoded, subDelims}));
        const Expr host = alt({ipLiteral, ipv4(), regName});
        return seq({Expr::optional(userinfo), host, Expr::optional(seq({lit(":"), Expr::star(digit())}))});
    }
    Expr tail() const {
        return seq({Expr::optional(seq({lit("?"), queryOrFragment})), Expr::optional(seq({lit("#"), queryOrFragment}))});
    }
    Expr uri() const {
        const Expr scheme = seq({alpha(), Expr::star(cls({{'a', 'z'}, {'A', 'Z'}, {'0', '9'}, {'+', '+'}, {'-', '.'}}))});
        const Expr hierPart = alt({seq({lit("//"), authority(), pathAbempty}), pathAbsolute, seq({segmentNz, pathAbempty}), Expr::empty()});
        return seq({scheme, lit(":"), hierPart, tail()});
    }
    Expr relativeReference() const {
        const Expr relativePart = alt({seq({lit("//"), authority(), pathAbempty}), pathAbsolute, seq({segmentNzNc, pathAbempty}), Expr::empty()});
        return seq({relativePart, tail()});
    }
};

}  // namespace

std::optional<Expr> stringFormatExpr(std::string_view format) {
    if (format == "date") return fullDate();
    if (format == "time") return fullTime();
    if (format == "date-time") return seq({fullDate(), cls({{'T', 'T'}, {'t', 't'}}), fullTime()});
    if (format == "duration") return duration();
    if (format == "uuid") return uuid();
    if (format == "email") return email();
    if (format == "ipv4") return ipv4();
    if (format == "ipv6") return ipv6();
    if (format == "hostname") return hostnameLabels();
    if (format == "byte") return base64();
    if (format == "uri") return UriParts{}.uri();
    if (format == "uri-reference") return alt({UriParts{}.uri(), UriParts{}.relativeReference()});
    return std::nullopt;
}

FormatLengths stringFormatLengths(std::string_view format) {
    if (format == "date") return {10, 10};
    if (format == "uuid") return {36, 36};
    if (format == "ipv4") return {7, 15};
    if (format == "ipv6") return {2, 45};
    if (format == "time") return {9, -1};
    if (format == "date-time") return {20, -1};
    if (format == "email") return {3, -1};
    if (format == "duration") return {3, -1};
    return {0, -1};
}

}  // namespace pagoda::structured
