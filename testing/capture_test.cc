// capture_test.cc: deferred formatting (pylog/capture.c, capture_spec.c) on
// its own, with no Python, against glibc's vsnprintf. Each check captures
// the arguments of one variadic call by the plan, hands the same
// (untouched) va_list to vsnprintf, then formats the capture: the text,
// every byte of the buffer around it and the return value must be equal,
// for full and truncated buffers, %m with errno at the call, and errno
// unchanged by the format. A table sweeps every conversion with every flag
// set, widths, precisions and edge values; random formats over fixed
// argument lists follow (`*` widths and precisions, negative ones too, NULL
// and unterminated strings, NaN, infinities, long double); refused formats
// get no plan; and four threads share plans for a million random
// statements (a tenth of that under ASan and TSan: bazel test
// --config=tsan //testing:capture_test).
// Two timings print what a capture and a format cost (-c opt).
#include "pylog/internal/capture.h"

#include <gtest/gtest.h>
#include <sys/types.h> /* ssize_t: the signed size_t of %zd */

#include <cerrno>
#include <cfloat>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace {

// C11's LDBL_TRUE_MIN and DBL_TRUE_MIN (not in C++14).
const long double kLdblTrueMin =
    std::numeric_limits<long double>::denorm_min();
const double kDblTrueMin = std::numeric_limits<double>::denorm_min();

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr int kScale = 10;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
constexpr int kScale = 10;
#else
constexpr int kScale = 1;
#endif
#else
constexpr int kScale = 1;
#endif

struct PlanDeleter {
    void operator()(pylog_internal_capture_plan *plan) const {
        pylog_internal_capture_plan_free(plan);
    }
};
using Plan = std::unique_ptr<pylog_internal_capture_plan, PlanDeleter>;

// A plan points to its format: `fmt` must outlive it.
Plan NewPlan(const char *fmt) {
    return Plan(pylog_internal_capture_plan_new(fmt));
}

std::string Show(const char *bytes, size_t n) {
    std::string shown;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = static_cast<unsigned char>(bytes[i]);
        if (c >= 32 && c < 127) {
            shown += static_cast<char>(c);
        } else {
            char escape[8];
            snprintf(escape, sizeof escape, "\\x%02x", c);
            shown += escape;
        }
    }
    return shown;
}

// "" when capture + format of `args` under `plan` equals vsnprintf(size)
// of `args` at the call with errno `err`, else what differs.
std::string CompareV(const pylog_internal_capture_plan *plan, size_t size,
                     int err, const char *fmt, va_list args) {
    const size_t max = pylog_internal_capture_max_size(plan);
    // One slot more than the maximum, to see that nothing goes past it.
    std::vector<uint64_t> slots(max / 8 + 1, 0x5a5a5a5a5a5a5a5aULL);
    const size_t used = pylog_internal_capture_write(plan, slots.data(),
                                                     args);
    std::string where = std::string("format \"") + Show(fmt, strlen(fmt)) +
                        "\" size " + std::to_string(size) + ": ";
    if (used == 0 || used % 8 != 0 || used > max) {
        return where + "capture used " + std::to_string(used) + " of " +
               std::to_string(max);
    }
    if (slots[max / 8] != 0x5a5a5a5a5a5a5a5aULL) {
        return where + "capture wrote past max_size";
    }
    // 16 guard bytes after `size`, all compared.
    std::vector<char> want(size + 16, '\x7e'), got(size + 16, '\x7e');
    va_list copy;
    va_copy(copy, args);
    errno = err;
    const int want_ret = vsnprintf(size ? want.data() : nullptr, size, fmt,
                                   copy);
    va_end(copy);
    errno = 4242;
    const int got_ret = pylog_internal_capture_format(
        plan, slots.data(), err, size ? got.data() : nullptr, size);
    const int after = errno;
    if (after != 4242) {
        return where + "errno changed to " + std::to_string(after);
    }
    if (want_ret != got_ret || want != got) {
        return where + "vsnprintf " + std::to_string(want_ret) + " \"" +
               Show(want.data(), want.size()) + "\", capture " +
               std::to_string(got_ret) + " \"" +
               Show(got.data(), got.size()) + "\"";
    }
    return "";
}

// The same through one variadic call: a plan for `fmt`, then CompareV.
std::string Compare(size_t size, int err, const char *fmt, ...) {
    Plan plan(pylog_internal_capture_plan_new(fmt));
    if (plan == nullptr) {
        return std::string("no plan for \"") + fmt + "\"";
    }
    if (strcmp(pylog_internal_capture_plan_format(plan.get()), fmt) != 0) {
        return "plan_format differs";
    }
    va_list args;
    va_start(args, fmt);
    std::string result = CompareV(plan.get(), size, err, fmt, args);
    va_end(args);
    return result;
}

std::string CompareWithPlan(const pylog_internal_capture_plan *plan,
                            size_t size, int err, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    std::string result = CompareV(plan, size, err, fmt, args);
    va_end(args);
    return result;
}

// Every size a buffer could have around a text of `length` bytes.
const size_t kSizes[] = {0, 1, 2, 5, 17, 4096};

// ---------------------------------------------------------------- table

const char *const kWidths[] = {"", "1", "7", "23", "*"};
const char *const kPrecisions[] = {"", ".", ".0", ".1", ".4", ".19", ".*"};
const int kStarValues[] = {-9, -1, 0, 3, 12};

// Every conversion of `convs` with each of the 32 flag sets, every width
// and precision above (the `*` ones with each of kStarValues) and every
// value, at a large and at two small sizes.
template <typename T>
void Sweep(const std::vector<const char *> &convs,
           const std::vector<T> &values) {
    int failures = 0;
    for (const char *conv : convs) {
        for (unsigned mask = 0; mask < 32; mask++) {
            std::string flags;
            for (int bit = 0; bit < 5; bit++) {
                if (mask & (1u << bit)) {
                    flags += "-+ #0"[bit];
                }
            }
            for (const char *width : kWidths) {
                for (const char *precision : kPrecisions) {
                    const std::string fmt = "<%" + flags + width +
                                            precision + conv + ">";
                    const bool ws = width[0] == '*';
                    const bool ps = strcmp(precision, ".*") == 0;
                    for (const T &value : values) {
                        for (int star : kStarValues) {
                            for (size_t size : {size_t{256}, size_t{0},
                                                size_t{6}}) {
                                std::string r;
                                const char *f = fmt.c_str();
                                if (ws && ps) {
                                    r = Compare(size, 0, f, star, -star - 1,
                                                value);
                                } else if (ws || ps) {
                                    r = Compare(size, 0, f, star, value);
                                } else {
                                    r = Compare(size, 0, f, value);
                                }
                                if (!r.empty() && ++failures <= 10) {
                                    ADD_FAILURE() << r;
                                }
                            }
                            if (!ws && !ps) {
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
    EXPECT_EQ(failures, 0);
}

TEST(CaptureTableTest, SignedIntegers) {
    Sweep<int>({"d", "i", "hd", "hhd", "hi", "hhi", "c"},
               {0, 1, -1, 42, 127, 128, -129, 255, 65535, -32769, INT_MAX,
                INT_MIN});
    Sweep<long>({"ld", "li"}, {0, -7, LONG_MAX, LONG_MIN});
    Sweep<long long>({"lld", "lli", "qd", "qi"}, {0, 99, LLONG_MAX,
                                                  LLONG_MIN});
    Sweep<intmax_t>({"jd", "ji"}, {0, -1, INTMAX_MAX, INTMAX_MIN});
    Sweep<ssize_t>({"zd", "zi"}, {0, -3, SSIZE_MAX, -SSIZE_MAX - 1});
    Sweep<ptrdiff_t>({"td", "ti"}, {0, 12345, PTRDIFF_MAX, PTRDIFF_MIN});
}

TEST(CaptureTableTest, UnsignedIntegers) {
    Sweep<unsigned>({"u", "o", "x", "X", "hu", "hhu", "ho", "hhx", "hX"},
                    {0u, 1u, 8u, 255u, 256u, 65536u, UINT_MAX});
    Sweep<unsigned long>({"lu", "lo", "lx", "lX"}, {0ul, 10ul, ULONG_MAX});
    Sweep<unsigned long long>({"llu", "llo", "llx", "llX", "qu", "qx"},
                              {0ull, 7ull, ULLONG_MAX});
    Sweep<uintmax_t>({"ju", "jo", "jx", "jX"}, {0u, UINTMAX_MAX});
    Sweep<size_t>({"zu", "zo", "zx", "zX", "tu", "to", "tx", "tX"},
                  {size_t{0}, size_t{77}, SIZE_MAX});
}

TEST(CaptureTableTest, FloatingPoint) {
    const std::vector<const char *> convs = {
        "e", "E", "f", "F", "g", "G", "a", "A", "le", "lf", "lg", "lA"};
    // Values whose %f has hundreds of digits are left to the tests below.
    Sweep<double>(convs, {0.0, -0.0, 1.0, -2.5, 3.25, 0.1, 1e-310, 9.5e21,
                          DBL_MIN, 123456.789, NAN, -NAN, INFINITY,
                          -INFINITY});
    Sweep<long double>({"Le", "LE", "Lf", "LF", "Lg", "LG", "La", "LA"},
                       {0.0L, -0.0L, 1.0L / 3, -1e25L, LDBL_MIN,
                        kLdblTrueMin,
                        2.5L, NAN, -INFINITY});
}

TEST(CaptureTableTest, StringsPointersCharacters) {
    static const char kLong[] = "a string longer than the widths here";
    Sweep<const char *>({"s"}, {"", "x", "hello", "%d %s", kLong, nullptr});
    static int object;
    Sweep<void *>({"p"}, {nullptr, &object, reinterpret_cast<void *>(1),
                          reinterpret_cast<void *>(UINTPTR_MAX)});
}

TEST(CaptureTableTest, PercentAndErrno) {
    for (int err : {0, EINVAL, ENOENT, EAGAIN, ERANGE, 4000, -5}) {
        for (size_t size : kSizes) {
            EXPECT_EQ("", Compare(size, err, "%m"));
            EXPECT_EQ("", Compare(size, err, "a %m b %d %m", 3));
            EXPECT_EQ("", Compare(size, err, "[%-30m|%30m|%.4m|%#m]"));
            EXPECT_EQ("", Compare(size, err, "%*m %.*m %*.*m", -20, 3, 25,
                                  2));
            EXPECT_EQ("", Compare(size, err, "100%% %%d %%%s%%", "x"));
            EXPECT_EQ("", Compare(size, err, "%%"));
            EXPECT_EQ("", Compare(size, err, "plain text"));
            EXPECT_EQ("", Compare(size, err, ""));
        }
    }
}

// ------------------------------------------------------- special cases

// Captures `fmt` with its arguments; the bytes used (0: declined).
size_t CaptureOnly(const pylog_internal_capture_plan *plan,
                   std::vector<uint64_t> *slots, ...) {
    slots->assign(pylog_internal_capture_max_size(plan) / 8, 0);
    va_list args;
    va_start(args, slots);
    size_t used = pylog_internal_capture_write(plan, slots->data(), args);
    va_end(args);
    return used;
}

TEST(CaptureTest, StringPrecisionReadsNoFurther) {
    // Heap buffers with no NUL: ASan reports any read past their end.
    // Precision 0 is checked without vsnprintf: ASan's printf interceptor
    // reads a "%.0s" string to its NUL (it takes 0 for no precision).
    {
        std::unique_ptr<char[]> none(new char[0]);
        for (const char *fmt : {"[%.0s]", "[%5.s]", "[%.*s]"}) {
            Plan plan = NewPlan(fmt);
            ASSERT_NE(plan, nullptr);
            std::vector<uint64_t> slots;
            const bool star = fmt[3] == '*';
            ASSERT_EQ(star ? CaptureOnly(plan.get(), &slots, 0, none.get())
                           : CaptureOnly(plan.get(), &slots, none.get()),
                      star ? 24u : 16u); // the `*`, a length, a NUL
            char out[16];
            EXPECT_EQ(pylog_internal_capture_format(plan.get(), slots.data(),
                                                    0, out, sizeof out),
                      fmt[2] == '5' ? 7 : 2);
            EXPECT_STREQ(out, fmt[2] == '5' ? "[     ]" : "[]");
        }
    }
    for (size_t n : {size_t{1}, size_t{7}, size_t{8}, size_t{1024}}) {
        std::unique_ptr<char[]> bytes(new char[n]);
        for (size_t i = 0; i < n; i++) {
            bytes[i] = static_cast<char>('a' + i % 26);
        }
        const std::string fixed = "[%." + std::to_string(n) + "s]";
        const std::string wide = "[%-2000." + std::to_string(n) + "s]";
        for (size_t size : kSizes) {
            EXPECT_EQ("", Compare(size, 0, fixed.c_str(), bytes.get()));
            EXPECT_EQ("", Compare(size, 0, wide.c_str(), bytes.get()));
            EXPECT_EQ("", Compare(size, 0, "[%.*s]", static_cast<int>(n),
                                  bytes.get()));
            EXPECT_EQ("", Compare(size, 0, "[%*.*s]", -40,
                                  static_cast<int>(n), bytes.get()));
        }
    }
}

TEST(CaptureTest, LongStringsDecline) {
    const std::string max(PYLOG_INTERNAL_CAPTURE_STRING_MAX, 'm');
    const std::string over(PYLOG_INTERNAL_CAPTURE_STRING_MAX + 1, 'o');
    const std::string huge(100000, 'h');
    std::vector<uint64_t> slots;
    Plan s = NewPlan("%d %s");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(CaptureOnly(s.get(), &slots, 1, over.c_str()), 0u);
    EXPECT_EQ(CaptureOnly(s.get(), &slots, 1, huge.c_str()), 0u);
    EXPECT_EQ(pylog_internal_capture_max_size(s.get()),
              CaptureOnly(s.get(), &slots, 1, max.c_str()));
    for (size_t size : kSizes) {
        EXPECT_EQ("", Compare(size, 0, "%s", max.c_str()));
        EXPECT_EQ("", Compare(size, 0, "%.1024s", huge.c_str()));
        EXPECT_EQ("", Compare(size, 0, "%.*s", 1024, huge.c_str()));
    }
    Plan wide = NewPlan("%.2000s");
    Plan star = NewPlan("%.*s");
    ASSERT_NE(wide, nullptr);
    ASSERT_NE(star, nullptr);
    EXPECT_EQ(CaptureOnly(wide.get(), &slots, over.c_str()), 0u);
    EXPECT_EQ(CaptureOnly(star.get(), &slots, 1025, huge.c_str()), 0u);
    EXPECT_EQ(CaptureOnly(star.get(), &slots, -1, over.c_str()), 0u);
    EXPECT_NE(CaptureOnly(star.get(), &slots, 3, huge.c_str()), 0u);
    // Precisions past the most, on bytes with no NUL: declined, having
    // read no further than the most and one byte.
    std::unique_ptr<char[]> bytes(
        new char[PYLOG_INTERNAL_CAPTURE_STRING_MAX + 1]);
    memset(bytes.get(), 'b', PYLOG_INTERNAL_CAPTURE_STRING_MAX + 1);
    EXPECT_EQ(CaptureOnly(wide.get(), &slots, bytes.get()), 0u);
    EXPECT_EQ(CaptureOnly(star.get(), &slots, 5000, bytes.get()), 0u);
    // A short precision makes a small capture.
    Plan small = NewPlan("%.5s");
    ASSERT_NE(small, nullptr);
    EXPECT_EQ(pylog_internal_capture_max_size(small.get()), 16u);
    EXPECT_EQ(CaptureOnly(small.get(), &slots, huge.c_str()), 16u);
}

TEST(CaptureTest, CaptureCopiesTheString) {
    char text[] = "before";
    Plan plan = NewPlan("%s|%5.3s");
    ASSERT_NE(plan, nullptr);
    std::vector<uint64_t> slots;
    ASSERT_NE(CaptureOnly(plan.get(), &slots, text, text), 0u);
    strcpy(text, "AFTER!");
    char out[32];
    EXPECT_EQ(pylog_internal_capture_format(plan.get(), slots.data(), 0, out,
                                            sizeof out),
              12);
    EXPECT_STREQ(out, "before|  bef");
}

TEST(CaptureTest, NoArgumentsStillUsesASlot) {
    Plan plan = NewPlan("no arguments, 100%% %m");
    ASSERT_NE(plan, nullptr);
    std::vector<uint64_t> slots;
    EXPECT_EQ(pylog_internal_capture_max_size(plan.get()), 8u);
    EXPECT_EQ(CaptureOnly(plan.get(), &slots), 8u);
}

TEST(CaptureTest, MostArguments) {
    std::string fmt;
    for (int i = 0; i < 32; i++) {
        fmt += "%d,";
    }
    Plan plan = NewPlan(fmt.c_str());
    EXPECT_NE(plan, nullptr);
    EXPECT_EQ(NewPlan((fmt + "%d").c_str()), nullptr);
    EXPECT_NE(NewPlan((fmt + "%m%%").c_str()), nullptr);
    std::string stars;
    for (int i = 0; i < 16; i++) {
        stars += "%*d";
    }
    EXPECT_NE(NewPlan(stars.c_str()), nullptr);
    EXPECT_EQ(NewPlan((stars + "%c").c_str()), nullptr);
    EXPECT_EQ(NewPlan((stars + "%*d").c_str()), nullptr);
}

TEST(CaptureTest, RefusedFormats) {
    EXPECT_EQ(pylog_internal_capture_plan_new(nullptr), nullptr);
    for (const char *fmt :
         {"%n", "%hn", "%lln", "x %d %n", "%lc", "%ls", "%C", "%S", "%1$d",
          "%2$s %1$s", "%*1$d", "%.*2$d", "%'d", "%'f", "%Id", "%-'5d",
          "%b", "%B", "%k", "%y", "%Z", "%Zd", "%", "abc%", "%-", "%5",
          "%.3", "%l", "%hh", "%#", "%Ld", "%Lu", "%llf", "%qf", "%hf",
          "%jf", "%zg", "%hhs", "%ls", "%lp", "%hc", "%lm", "%5%", "%-%",
          "%.%", "%*5d", "%.*5d", "%2147483648d", "%.2147483648f",
          "%99999999999d", "%..3d", "%3.4.5d", "%hld", "%lhd", "%llld",
          "%hhhd", "%5-d", "%d %"}) {
        EXPECT_EQ(NewPlan(fmt), nullptr) << fmt;
    }
    // Their neighbours are deferred.
    for (const char *fmt : {"%d", "%lld", "%qd", "%Lf", "%lf", "%%", "%m",
                            "%2147483647.2147483647d", "%.0s", "%.s",
                            "%00005.005d", "%--++  ##00d"}) {
        EXPECT_NE(NewPlan(fmt), nullptr) << fmt;
    }
}

TEST(CaptureTest, ExtremesAndTruncation) {
    for (size_t size = 0; size < 80; size++) {
        EXPECT_EQ("", Compare(size, EBADF,
                              "%d|%ld|%lld|%jd|%zd|%td|%hhd|%hd|%m|%s|%s",
                              INT_MIN, LONG_MIN, LLONG_MIN, INTMAX_MIN,
                              static_cast<ssize_t>(-1), PTRDIFF_MIN,
                              SCHAR_MIN, SHRT_MIN, "str", nullptr));
        EXPECT_EQ("", Compare(size, 0, "%f %e %g %a %.3Lf %Lg %La", NAN,
                              -INFINITY, -0.0, DBL_MIN, LDBL_MAX,
                              -kLdblTrueMin, 1.0L / 3));
        EXPECT_EQ("", Compare(size, 0, "%-*d|%*d|%.*d|%.*f|%*.*s|", -8,
                              INT_MIN, 7, INT_MIN, -1, 42, -3, 1.5, -12,
                              -2, "neg"));
        EXPECT_EQ("", Compare(size, 0, "%.3s|%.10s|%10.2s|%-8s|%.0s",
                              nullptr, nullptr, nullptr, nullptr, nullptr));
    }
}

// ---------------------------------------------------------- random

enum Tag {
    kInt, kUInt, kLong, kULong, kLLong, kULLong, kIntMax, kUIntMax,
    kSSize, kSize, kPtrdiff, kDouble, kLDouble, kStr, kPtr
};
template <Tag> struct TypeOf;
template <> struct TypeOf<kInt> { using type = int; };
template <> struct TypeOf<kUInt> { using type = unsigned; };
template <> struct TypeOf<kLong> { using type = long; };
template <> struct TypeOf<kULong> { using type = unsigned long; };
template <> struct TypeOf<kLLong> { using type = long long; };
template <> struct TypeOf<kULLong> { using type = unsigned long long; };
template <> struct TypeOf<kIntMax> { using type = intmax_t; };
template <> struct TypeOf<kUIntMax> { using type = uintmax_t; };
template <> struct TypeOf<kSSize> { using type = ssize_t; };
template <> struct TypeOf<kSize> { using type = size_t; };
template <> struct TypeOf<kPtrdiff> { using type = ptrdiff_t; };
template <> struct TypeOf<kDouble> { using type = double; };
template <> struct TypeOf<kLDouble> { using type = long double; };
template <> struct TypeOf<kStr> { using type = const char *; };
template <> struct TypeOf<kPtr> { using type = void *; };

// The conversions each argument type can be read by.
const std::vector<std::vector<const char *>> kConversionsOf = {
    {"d", "i", "c", "hhd", "hd", "hhi", "hi"},
    {"u", "o", "x", "X", "hhu", "hu", "hhx", "hx", "ho"},
    {"ld", "li"},
    {"lu", "lo", "lx", "lX"},
    {"lld", "lli", "qd", "qi"},
    {"llu", "llo", "llx", "llX", "qu", "qx"},
    {"jd", "ji"},
    {"ju", "jo", "jx", "jX"},
    {"zd", "zi"},
    {"zu", "zo", "zx", "zX", "tu", "tx"},
    {"td", "ti"},
    {"e", "E", "f", "F", "g", "G", "a", "A", "le", "lf", "lF", "lg", "lG",
     "la", "lA", "lE"},
    {"Le", "LE", "Lf", "LF", "Lg", "LG", "La", "LA"},
    {"s"},
    {"p"},
};

// What each argument of a random statement is for.
enum Role { kUnused, kStar, kValue };
struct Arg {
    Role role = kUnused;
    int precision = -1; // a %s's fixed precision, or -1
    bool star_precision = false;
};

// A random format over a list of argument types: which arguments it reads
// (a prefix; printf ignores the rest), how, and the format itself.
struct Shape {
    int signature = 0;
    std::string format;
    std::vector<Arg> args;
};

using Rng = std::mt19937_64;

int Uniform(Rng &rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}
bool Chance(Rng &rng, int percent) { return Uniform(rng, 0, 99) < percent; }

void AppendText(Rng &rng, std::string *fmt) {
    static const char *const kTexts[] = {"", "", " ", "x=", "%%", "%m",
                                         " %-12m ", "é\t", "%%%%", "[", "]",
                                         "a longer literal piece "};
    int n = Uniform(rng, 0, 2);
    while (n-- > 0) {
        *fmt += kTexts[Uniform(rng, 0, 11)];
    }
}

Shape MakeShape(Rng &rng, int signature, const std::vector<Tag> &tags) {
    Shape shape;
    shape.signature = signature;
    shape.args.resize(tags.size());
    const int used = Uniform(rng, 0, static_cast<int>(tags.size()));
    int i = 0;
    while (i < used) {
        AppendText(rng, &shape.format);
        bool width_star = false, precision_star = false;
        if (tags[i] == kInt && i + 1 < used && Chance(rng, 30)) {
            shape.args[i++].role = kStar;
            width_star = true;
        }
        if (tags[i] == kInt && i + 1 < used && Chance(rng, 30)) {
            shape.args[i++].role = kStar;
            precision_star = true;
        }
        std::string spec = "%";
        for (int n = Uniform(rng, 0, 3); n > 0; n--) {
            spec += "-+ #0"[Uniform(rng, 0, 4)];
        }
        if (width_star) {
            spec += "*";
        } else if (Chance(rng, 40)) {
            spec += std::to_string(Uniform(rng, 1, 40));
        }
        Arg &arg = shape.args[i];
        if (precision_star) {
            spec += ".*";
            arg.star_precision = true;
        } else if (Chance(rng, 40)) {
            arg.precision = Chance(rng, 10) ? 0 : Uniform(rng, 0, 40);
            spec += Chance(rng, 10) && arg.precision == 0
                        ? "."
                        : "." + std::to_string(arg.precision);
        }
        const auto &convs = kConversionsOf[tags[i]];
        spec += convs[Uniform(rng, 0, static_cast<int>(convs.size()) - 1)];
        shape.format += spec;
        arg.role = kValue;
        i++;
    }
    AppendText(rng, &shape.format);
    return shape;
}

// Random values, edge values often.
template <typename T> T RandomInteger(Rng &rng) {
    static const T kEdges[] = {0, 1, static_cast<T>(-1),
                               std::numeric_limits<T>::min(),
                               std::numeric_limits<T>::max(), 42, 255,
                               static_cast<T>(-128)};
    if (Chance(rng, 30)) {
        return kEdges[Uniform(rng, 0, 7)];
    }
    return static_cast<T>(Chance(rng, 50) ? rng() : rng() % 1000);
}

double RandomDouble(Rng &rng) {
    static const double kEdges[] = {0.0, -0.0, NAN, -NAN, INFINITY,
                                    -INFINITY, DBL_MAX, DBL_MIN,
                                    kDblTrueMin, 0.5, 1e15, 9.5};
    int pick = Uniform(rng, 0, 3);
    if (pick == 0) {
        return kEdges[Uniform(rng, 0, 11)];
    }
    if (pick == 1) {
        uint64_t bits = rng();
        double value;
        memcpy(&value, &bits, sizeof value);
        return value;
    }
    return static_cast<double>(static_cast<int64_t>(rng() % 2000000) -
                               1000000) /
           std::pow(10.0, Uniform(rng, -5, 8));
}

long double RandomLongDouble(Rng &rng) {
    static const long double kEdges[] = {LDBL_MAX, LDBL_MIN, kLdblTrueMin,
                                         -0.0L, 1e-4000L, 1e4000L};
    if (Chance(rng, 20)) {
        return kEdges[Uniform(rng, 0, 5)];
    }
    return static_cast<long double>(RandomDouble(rng)) *
           (1.0L + static_cast<long double>(rng() % 1000) / 7777);
}

// The strings of a statement, alive until it is compared.
struct Strings {
    std::vector<std::unique_ptr<char[]>> held;

    const char *Make(Rng &rng, const Arg &arg, int star) {
        if (Chance(rng, 10)) {
            return nullptr;
        }
        const int precision = arg.star_precision ? star : arg.precision;
        // With a precision, half the time exactly that many bytes and no
        // NUL (ASan reports a read past them); not for precision 0, which
        // ASan's printf interceptor reads as no precision.
        const bool terminated = precision <= 0 || Chance(rng, 50);
        const size_t length =
            !terminated ? static_cast<size_t>(precision)
            : Chance(rng, 3) ? PYLOG_INTERNAL_CAPTURE_STRING_MAX
                             : static_cast<size_t>(rng() % 48);
        held.emplace_back(new char[length + (terminated ? 1 : 0)]);
        char *s = held.back().get();
        for (size_t i = 0; i < length; i++) {
            s[i] = static_cast<char>(Uniform(rng, 1, 255));
        }
        if (terminated) {
            s[length] = '\0';
        }
        return s;
    }
};

// A random value for an argument of type T; a `*` gets a small int (which
// *star remembers for the %.*s after it).
template <typename T>
T MakeValue(Rng &rng, const Arg &arg, int *star, Strings *) {
    if (arg.role == kStar) {
        *star = Uniform(rng, -30, 30);
        return static_cast<T>(*star);
    }
    return RandomInteger<T>(rng);
}
template <>
double MakeValue<double>(Rng &rng, const Arg &, int *, Strings *) {
    return RandomDouble(rng);
}
template <>
long double MakeValue<long double>(Rng &rng, const Arg &, int *,
                                   Strings *) {
    return RandomLongDouble(rng);
}
template <>
const char *MakeValue<const char *>(Rng &rng, const Arg &arg, int *star,
                                    Strings *strings) {
    return strings->Make(rng, arg, *star);
}
template <>
void *MakeValue<void *>(Rng &rng, const Arg &, int *, Strings *) {
    return Chance(rng, 10) ? nullptr
                           : reinterpret_cast<void *>(
                                 static_cast<uintptr_t>(rng()));
}

// A statement over the argument types `tags`: random values for `shape`
// (made for these tags), a random buffer size and errno, then CompareV.
template <Tag... tags> struct Signature {
    static std::vector<Tag> Tags() { return {tags...}; }

    template <size_t... I>
    static std::string Run(const Shape &shape,
                           const pylog_internal_capture_plan *plan, Rng &rng,
                           std::index_sequence<I...>) {
        Strings strings;
        std::tuple<typename TypeOf<tags>::type...> values;
        int star = 0;
        // Left to right, so that a %.*s sees its own `*`.
        int ignored[] = {
            0, (std::get<I>(values) =
                    MakeValue<typename TypeOf<tags>::type>(
                        rng, shape.args[I], &star, &strings),
                0)...};
        (void)ignored;
        const size_t size = Chance(rng, 25) ? 4096 : rng() % 64;
        const int err = Chance(rng, 50) ? Uniform(rng, 0, 140) : EINTR;
        return CompareWithPlan(plan, size, err, shape.format.c_str(),
                               std::get<I>(values)...);
    }

    static std::string Run(const Shape &shape,
                           const pylog_internal_capture_plan *plan,
                           Rng &rng) {
        return Run(shape, plan, rng,
                   std::make_index_sequence<sizeof...(tags)>());
    }
};

// Argument lists: ints where `*` can go, every type, and 32 arguments.
using Signature0 = Signature<kInt, kInt, kDouble, kInt, kStr, kLong, kUInt,
                             kInt, kInt, kStr, kLDouble, kPtr>;
using Signature1 = Signature<kStr, kInt, kInt, kLLong, kULLong, kInt,
                             kDouble, kSize, kSSize, kPtrdiff, kIntMax,
                             kUIntMax, kULong>;
using Signature2 = Signature<kLDouble, kInt, kLDouble, kInt, kInt, kDouble,
                             kULong, kInt, kStr, kInt, kInt, kInt>;
using Signature3 = Signature<kInt, kInt, kStr, kInt, kInt, kStr, kInt, kInt,
                             kStr, kInt, kInt, kStr, kInt, kDouble, kInt,
                             kInt, kStr, kInt, kInt, kLDouble, kInt, kUInt,
                             kInt, kInt, kStr, kInt, kSize, kInt, kInt,
                             kStr, kPtr, kInt>;
constexpr int kSignatures = 4;

std::vector<Tag> TagsOf(int signature) {
    switch (signature) {
    case 0: return Signature0::Tags();
    case 1: return Signature1::Tags();
    case 2: return Signature2::Tags();
    default: return Signature3::Tags();
    }
}

std::string RunShape(const Shape &shape,
                     const pylog_internal_capture_plan *plan, Rng &rng) {
    switch (shape.signature) {
    case 0: return Signature0::Run(shape, plan, rng);
    case 1: return Signature1::Run(shape, plan, rng);
    case 2: return Signature2::Run(shape, plan, rng);
    default: return Signature3::Run(shape, plan, rng);
    }
}

Shape RandomShape(Rng &rng) {
    const int signature = Uniform(rng, 0, kSignatures - 1);
    return MakeShape(rng, signature, TagsOf(signature));
}

TEST(CaptureRandomTest, FreshFormats) {
    Rng rng(20240611);
    const int count = 200000 / kScale;
    int failures = 0;
    for (int n = 0; n < count; n++) {
        Shape shape = RandomShape(rng);
        Plan plan = NewPlan(shape.format.c_str());
        if (plan == nullptr) {
            ADD_FAILURE() << "no plan for \"" << shape.format << "\"";
            continue;
        }
        std::string r = RunShape(shape, plan.get(), rng);
        if (!r.empty() && ++failures <= 10) {
            ADD_FAILURE() << r;
        }
    }
    EXPECT_EQ(failures, 0);
}

// Four threads share 500 plans (made here) and each makes some of its own;
// at least 250,000 statements each (a tenth under the sanitizers).
TEST(CaptureRandomTest, ThreadsSharePlans) {
    Rng rng(7);
    // Reserved: a plan points into its shape's format string.
    std::vector<Shape> shapes;
    std::vector<Plan> plans;
    shapes.reserve(500);
    for (int n = 0; n < 500; n++) {
        shapes.push_back(RandomShape(rng));
        plans.push_back(NewPlan(shapes.back().format.c_str()));
        ASSERT_NE(plans.back(), nullptr) << shapes.back().format;
    }
    const int per_thread = 250000 / kScale;
    std::vector<int> failures(4, 0), done(4, 0);
    std::vector<std::string> first(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; t++) {
        threads.emplace_back([&, t] {
            Rng mine(1000 + t);
            for (int n = 0; n < per_thread; n++) {
                std::string r;
                if (Chance(mine, 10)) {
                    Shape shape = RandomShape(mine);
                    Plan plan = NewPlan(shape.format.c_str());
                    r = plan == nullptr ? "no plan for " + shape.format
                                        : RunShape(shape, plan.get(), mine);
                } else {
                    const int k = Uniform(mine, 0, 499);
                    r = RunShape(shapes[k], plans[k].get(), mine);
                }
                if (!r.empty() && failures[t]++ == 0) {
                    first[t] = r;
                }
                done[t]++;
            }
        });
    }
    for (std::thread &thread : threads) {
        thread.join();
    }
    for (int t = 0; t < 4; t++) {
        EXPECT_EQ(done[t], per_thread);
        EXPECT_EQ(failures[t], 0) << first[t];
    }
}

// ----------------------------------------------------------- timing

// The capture of one statement, as a logging macro would make it.
size_t CaptureCall(const pylog_internal_capture_plan *plan, void *out, ...) {
    va_list args;
    va_start(args, out);
    size_t used = pylog_internal_capture_write(plan, out, args);
    va_end(args);
    return used;
}

// Prints the cost of capturing ("%d %f %s", 42, 3.25, a 16-byte string);
// informational only (bazel test -c opt --test_output=all
// --test_arg=--gtest_filter=*Timing*).
TEST(CaptureTimingTest, PrintsNanosecondsPerCapture) {
    Plan plan = NewPlan("%d %f %s");
    ASSERT_NE(plan, nullptr);
    std::vector<uint64_t> slots(pylog_internal_capture_max_size(plan.get()) /
                                8);
    static const char kText[] = "0123456789abcdef";
    const int count = 10000000 / kScale;
    const size_t used = CaptureCall(plan.get(), slots.data(), 42, 3.25,
                                    kText);
    EXPECT_EQ(used, 48u); // 8 + 8 + a length slot and 17 bytes in 24
    size_t sum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int n = 0; n < count; n++) {
        sum += CaptureCall(plan.get(), slots.data(), 42, 3.25, kText);
    }
    const auto end = std::chrono::steady_clock::now();
    EXPECT_EQ(sum, static_cast<size_t>(count) * used);
    const double ns =
        std::chrono::duration<double, std::nano>(end - start).count() /
        count;
    printf("capture_write(\"%%d %%f %%s\", 42, 3.25, 16 bytes): %.1f ns\n",
           ns);
}

// Prints the cost of formatting a capture of ("value %d ratio %f name %s",
// 42, 3.25, a 16-byte string), as delivery does; informational only, like
// the one above.
TEST(CaptureTimingTest, PrintsNanosecondsPerFormat) {
    static const char kFormat[] = "value %d ratio %f name %s";
    Plan plan = NewPlan(kFormat);
    ASSERT_NE(plan, nullptr);
    std::vector<uint64_t> slots(pylog_internal_capture_max_size(plan.get()) /
                                8);
    static const char kText[] = "0123456789abcdef";
    ASSERT_NE(CaptureCall(plan.get(), slots.data(), 42, 3.25, kText), 0u);
    char want[128], got[128];
    const int length = snprintf(want, sizeof want, kFormat, 42, 3.25, kText);
    const int count = 2000000 / kScale;
    size_t sum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int n = 0; n < count; n++) {
        sum += static_cast<size_t>(pylog_internal_capture_format(
            plan.get(), slots.data(), 0, got, sizeof got));
    }
    const auto end = std::chrono::steady_clock::now();
    EXPECT_EQ(sum, static_cast<size_t>(count) * static_cast<size_t>(length));
    EXPECT_STREQ(got, want);
    const double ns =
        std::chrono::duration<double, std::nano>(end - start).count() /
        count;
    printf("capture_format(\"%s\", 42, 3.25, 16 bytes): %.1f ns\n",
           kFormat, ns);
}

}  // namespace
