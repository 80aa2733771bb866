// filter_spec_fuzz.h: one fuzz input through the filter spec parser and the
// rule table; shared by the libFuzzer target (filter_spec_fuzzer.cc) and
// the randomized run in filter_spec_test.cc.
#ifndef PYLOG_TESTING_FILTER_SPEC_FUZZ_H_
#define PYLOG_TESTING_FILTER_SPEC_FUZZ_H_

#include <cstddef>
#include <cstdint>

// Parses `size` bytes as a NUL-terminated spec, applies every good
// directive to a rule table and checks the parser's invariants (offsets and
// lengths inside the spec, levels in range). Aborts on a broken invariant.
void FuzzFilterSpec(const uint8_t *data, size_t size);

#endif  // PYLOG_TESTING_FILTER_SPEC_FUZZ_H_
