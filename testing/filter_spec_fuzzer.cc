// filter_spec_fuzzer.cc: the libFuzzer entry point for the filter spec
// parser. Built by tools/fuzz.sh with clang -fsanitize=fuzzer,address; not
// part of `bazel test` (filter_spec_test.cc runs the same body on random
// inputs instead).
#include "testing/filter_spec_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzFilterSpec(data, size);
    return 0;
}
