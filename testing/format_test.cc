// format_test.cc: pylog's own formatter (format.c) writes what vsnprintf
// writes, byte for byte, for every format it accepts, and declines the rest
// (other conversions, flags, width, precision; text that does not fit).
// Random formats over a fixed argument list, every buffer size near the
// output's length, and the extremes of every integer type.
#include "pylog/internal/format.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace {

// The arguments every call passes, in this order; a format consumes a
// prefix of them (printf ignores the rest).
struct Arguments {
    int i;
    unsigned u;
    long l;
    unsigned long ul;
    long long ll;
    unsigned long long ull;
    size_t z;
    intmax_t j;
    uintmax_t uj;
    ptrdiff_t t;
    const char *s;
    double d;
    const void *p;
};

// Conversions for each argument above: the ones pylog formats itself, then
// (after the empty string) ones it must decline.
const std::vector<std::vector<std::string>> kConversions = {
    {"%d", "%i", "%c", "%hd", "%hhd", "%hu", "%hhu", "%hx", "", "%5d", "%-3d",
     "%+d", "% d", "%.2d", "%05d"},
    {"%u", "%x", "%X", "", "%o", "%#x", "%8X"},
    {"%ld", "%li", "", "%8ld"},
    {"%lu", "%lx", "%lX", "", "%lo"},
    {"%lld", "%lli", "", "%'lld"},
    {"%llu", "%llx", "", "%20llu"},
    {"%zu", "%zx", "%zd", "", "%zo"},
    {"%jd", "%ji", "", "%3jd"},
    {"%ju", "%jx", ""},
    {"%td", "%ti", "", "%-9td"},
    {"%s", "", "%.3s", "%10s", "%-4s"},
    {"", "%f", "%g", "%.2f", "%e"},
    {"", "%p"},
};

std::string Vsnprintf(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(nullptr, 0, fmt, args);
    va_end(args);
    std::string out(static_cast<size_t>(n) + 1, '\0');
    va_start(args, fmt);
    vsnprintf(&out[0], out.size(), fmt, args);
    va_end(args);
    out.resize(static_cast<size_t>(n));
    return out;
}

int Fast(char *out, size_t size, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int n = pylog_internal_format_fast(out, size, fmt, args);
    va_end(args);
    return n;
}

#define ALL_ARGUMENTS(A)                                                    \
    (A).i, (A).u, (A).l, (A).ul, (A).ll, (A).ull, (A).z, (A).j, (A).uj,     \
        (A).t, (A).s, (A).d, (A).p

template <typename T>
T Pick(std::mt19937_64 &random, std::vector<T> special) {
    if (random() % 3 != 0) {
        return special[random() % special.size()];
    }
    return static_cast<T>(random());
}

Arguments RandomArguments(std::mt19937_64 &random) {
    static const char *const kStrings[] = {"", "a", "héllo wörld", "100%",
                                           nullptr, "a\nb\tc"};
    Arguments a;
    a.i = Pick<int>(random, {0, -1, 1, INT_MIN, INT_MAX, 'x', 255, -129});
    a.u = Pick<unsigned>(random, {0u, UINT_MAX, 16u});
    a.l = Pick<long>(random, {0L, LONG_MIN, LONG_MAX, -42L});
    a.ul = Pick<unsigned long>(random, {0UL, ULONG_MAX});
    a.ll = Pick<long long>(random, {LLONG_MIN, LLONG_MAX, -1LL});
    a.ull = Pick<unsigned long long>(random, {0ULL, ULLONG_MAX});
    a.z = Pick<size_t>(random, {0, SIZE_MAX});
    a.j = Pick<intmax_t>(random, {INTMAX_MIN, INTMAX_MAX});
    a.uj = Pick<uintmax_t>(random, {0, UINTMAX_MAX});
    a.t = Pick<ptrdiff_t>(random, {PTRDIFF_MIN, PTRDIFF_MAX, -7});
    a.s = kStrings[random() % (sizeof kStrings / sizeof *kStrings)];
    a.d = static_cast<double>(static_cast<int64_t>(random() % 2000000)) / 7;
    a.p = reinterpret_cast<const void *>(static_cast<uintptr_t>(random()));
    return a;
}

// Text between conversions: plain, empty, multi-byte, or `%%`.
std::string RandomText(std::mt19937_64 &random) {
    static const char *const kTexts[] = {"", "x", " = ", "%%", "é", "abc%%def",
                                         "a long stretch of text "};
    return kTexts[random() % (sizeof kTexts / sizeof *kTexts)];
}

TEST(FormatTest, WritesWhatVsnprintfWritesOrDeclines) {
    std::mt19937_64 random(20261201);
    long accepted = 0, declined_conversion = 0;
    for (int round = 0; round < 100000; round++) {
        Arguments a = RandomArguments(random);
        std::string fmt = RandomText(random);
        bool supported = true;
        size_t used = random() % (kConversions.size() + 1);
        for (size_t k = 0; k < used; k++) {
            const std::vector<std::string> &choices = kConversions[k];
            std::string conversion = choices[random() % choices.size()];
            if (conversion.empty()) {  // the marker: this argument unused
                used = k;
                break;
            }
            size_t marker = 0;
            while (!choices[marker].empty()) {
                marker++;
            }
            bool ours = false;
            for (size_t c = 0; c < marker; c++) {
                ours = ours || choices[c] == conversion;
            }
            supported = supported && ours;
            fmt += conversion + RandomText(random);
        }
        const std::string expected = Vsnprintf(fmt.c_str(), ALL_ARGUMENTS(a));
        for (size_t size : {expected.size() + 1, expected.size(),
                            expected.size() + 64, size_t{1}}) {
            std::vector<char> out(size + 1, '#');
            int n = Fast(out.data(), size, fmt.c_str(), ALL_ARGUMENTS(a));
            if (n >= 0) {
                ASSERT_TRUE(supported) << "accepted " << fmt;
                ASSERT_LT(static_cast<size_t>(n), size) << fmt;
                ASSERT_EQ(std::string(out.data(), static_cast<size_t>(n)),
                          expected)
                    << fmt;
                ASSERT_EQ(out[static_cast<size_t>(n)], '\0') << fmt;
                accepted++;
            }
            else if (supported && expected.size() < size) {
                FAIL() << "declined a format it formats: " << fmt;
            }
            else if (!supported) {
                declined_conversion++;
            }
            ASSERT_EQ(out[size], '#') << "wrote past the buffer: " << fmt;
        }
    }
    // Both sides of the split were exercised, many times.
    EXPECT_GT(accepted, 50000);
    EXPECT_GT(declined_conversion, 50000);
}

TEST(FormatTest, NulCharacterIsPartOfTheText) {
    char out[8];
    ASSERT_EQ(Fast(out, sizeof out, "a%cb", 0), 3);
    EXPECT_EQ(std::string(out, 3), std::string("a\0b", 3));
}

TEST(FormatTest, ZeroSizeBufferIsDeclined) {
    char out[1] = {'#'};
    EXPECT_EQ(Fast(out, 0, "x"), -1);
    EXPECT_EQ(out[0], '#');
}

TEST(FormatTest, TrailingPercentIsDeclined) {
    char out[8];
    EXPECT_EQ(Fast(out, sizeof out, "50%"), -1);
}

}  // namespace
