// filter_spec_fuzz.cc: the body of the filter spec fuzzer (see the header).
#include "testing/filter_spec_fuzz.h"

#include "pylog/internal/filter.h"
#include "pylog/internal/filter_spec.h"

#include <cstdlib>
#include <cstring>
#include <string>

void FuzzFilterSpec(const uint8_t *data, size_t size) {
    // A copy ending in NUL (the parser's contract); embedded NULs end it.
    std::string spec(reinterpret_cast<const char *>(data), size);
    const size_t length = std::strlen(spec.c_str());
    filter_rules table;
    if (pylog_internal_filter_rules_init(&table, PYLOG_LEVEL_WARN, nullptr,
                                         0) != 0) {
        std::abort();
    }
    spec_cursor cursor;
    spec_directive directive;
    spec_error error;
    int status;
    size_t directives = 0;
    pylog_internal_spec_start(&cursor, spec.c_str());
    while ((status = pylog_internal_spec_next(&cursor, &directive, &error))) {
        if (++directives > length + 1) {
            std::abort();  // the cursor must always advance
        }
        if (status < 0) {
            if (error.offset + error.length > length || !error.reason) {
                std::abort();
            }
            continue;
        }
        if (directive.level < 0 || directive.level > PYLOG_LEVEL_OFF) {
            std::abort();
        }
        if (directive.target == nullptr) {
            table.level = directive.level;
            continue;
        }
        if (directive.target < spec.c_str() ||
            directive.target + directive.target_length >
                spec.c_str() + length ||
            directive.target_length == 0) {
            std::abort();
        }
        if (pylog_internal_filter_rules_set(&table, directive.target,
                                            directive.target_length,
                                            directive.level) != 0) {
            std::abort();
        }
    }
    // Every rule target must answer for itself.
    for (size_t i = 0; i < table.n_rules; i++) {
        if (pylog_internal_filter_threshold(&table, table.rules[i].target) !=
            table.rules[i].level) {
            std::abort();
        }
    }
    pylog_internal_filter_rules_clear(&table);
}
