#!/bin/bash
# hot_path_test.sh: checks in the machine code that a disabled statement
# costs what pylog.h and internal/site.h promise: hot_path_site() (one
# PYLOG_DEBUG, -O2) must have a path from its entry to `ret` that makes no call, leaves the
# function by no jump, does no atomic read-modify-write or fence and stores
# nothing to shared memory, and that reads the generation and a slot and
# passes two conditional branches (the two compares). The rest of the
# function must hold no atomic either, and its slow path must call
# pylog_internal_log (the statement was compiled in). The path is searched
# over the function's branches rather than assumed to be the fall-through:
# gcc lays the skip path out behind a taken branch. Stores to the stack are
# allowed (clang pushes a frame first). Not checked here: that this path is
# the one taken exactly when the statement is disabled; the behaviour tests
# (caching_test, filter_test) hold that.
#
# Then the self-check: each hot_path_bad_* function breaks one rule and must
# be rejected for it, so a check that accepts everything cannot pass.
#   usage: hot_path_test.sh SITE_ARCHIVE... -- BAD_ARCHIVE...
# (one archive per PIC/non-PIC flavour Bazel built; each is checked)
set -uo pipefail

site=() bad=()
while [[ $# -gt 0 && $1 != -- ]]; do site+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
bad=("$@")
if [[ ${#site[@]} -eq 0 || ${#bad[@]} -eq 0 ]]; then
    echo "usage: hot_path_test.sh SITE_ARCHIVE... -- BAD_ARCHIVE..." >&2
    exit 2
fi

# Reads `objdump -dr` of one file; checks function `fn` (slow: the symbol its
# slow path must call, or empty). Prints PASS and the path, or FAIL and why.
read -r -d '' checker <<'AWK'
function hex(s,   i, c, v) {
    v = 0
    for (i = 1; i <= length(s); i++) {
        c = index("0123456789abcdef", substr(s, i, 1))
        if (c == 0) break
        v = v * 16 + c - 1
    }
    return v
}
# The operand after the last top-level comma (AT&T: the destination).
function last_operand(o,   k, depth, c, start) {
    depth = 0; start = 1
    for (k = 1; k <= length(o); k++) {
        c = substr(o, k, 1)
        if (c == "(") depth++
        else if (c == ")") depth--
        else if (c == "," && depth == 0) start = k + 1
    }
    return substr(o, start)
}
function classify(i,   s, m, o, dest) {
    s = text[i]; locked = 0
    while (match(s, /^(lock|rep|repz|repnz|repe|repne|bnd|notrack|ds|cs|data16|addr32)[ \t]+/)) {
        if (substr(s, 1, 4) == "lock") locked = 1
        s = substr(s, RLENGTH + 1)
    }
    m = s; sub(/[ \t].*/, "", m)
    o = s; if (!sub(/^[^ \t]+[ \t]+/, "", o)) o = ""
    mn[i] = m; ops[i] = o
    atomic[i] = locked || m ~ /^(cmpxchg|xadd|mfence)/ || (m ~ /^xchg/ && o ~ /\(/)
    dest = last_operand(o)
    store[i] = dest ~ /\(%rip\)/ && m !~ /^(cmp|test|push|nop|prefetch|lea|j|call|ucomis|comis)/ && m !~ /^bt[wlq]?$/
    reads[i] = (!store[i] && m !~ /^(lea|nop)/ && o ~ /\(%rip\)/) ? reloc[i] : ""
}
# Index of the in-function target of jump i, or 0 (indirect, or elsewhere).
function target(i,   t) {
    if (reloc[i] != "" || ops[i] ~ /^\*/) return 0
    t = ops[i]; sub(/[ \t].*/, "", t)
    return (hex(t) in at) ? at[hex(t)] : 0
}
function walk(i, gen, slot, branches, len,   t, ok) {
    if (i > n) { why["falls off the end of the function"] = 1; return 0 }
    if (on_path[i]) { why["loops"] = 1; return 0 }
    path[len] = i
    if (atomic[i]) { why["atomic read-modify-write or fence: " text[i]] = 1; return 0 }
    if (store[i]) { why["store to shared memory: " text[i] " <" reloc[i] ">"] = 1; return 0 }
    if (mn[i] ~ /^call/) { why["call: " text[i] " <" reloc[i] ">"] = 1; return 0 }
    if (mn[i] ~ /^(ud2|hlt|int3)$/) { why["traps: " text[i]] = 1; return 0 }
    if (reads[i] == "pylog_internal_generation") gen = 1
    else if (reads[i] != "") slot = 1
    if (mn[i] ~ /^ret/) {
        if (gen && slot && branches >= 2) { path_len = len; return 1 }
        why["returns without reading the generation and a slot and comparing twice"] = 1
        return 0
    }
    on_path[i] = 1; ok = 0
    if (mn[i] ~ /^jmp/) {
        t = target(i)
        if (t == 0) why["jumps out of the function: " text[i] " <" reloc[i] ">"] = 1
        else ok = walk(t, gen, slot, branches, len + 1)
    } else if (mn[i] ~ /^(j|loop)/) {
        ok = walk(i + 1, gen, slot, branches + 1, len + 1)
        if (!ok) {
            t = target(i)
            if (t == 0) why["jumps out of the function: " text[i] " <" reloc[i] ">"] = 1
            else ok = walk(t, gen, slot, branches + 1, len + 1)
        }
    } else {
        ok = walk(i + 1, gen, slot, branches, len + 1)
    }
    on_path[i] = 0
    return ok
}
/^[0-9a-f]+ <[^>]+>:$/ {
    name = $2; gsub(/[<>:]/, "", name)
    inside = name == fn && !seen; if (inside) seen = 1
    next
}
inside && /^ *[0-9a-f]+:\t/ {
    split($0, part, "\t"); a = part[1]; gsub(/[ :]/, "", a)
    n++; text[n] = part[2]; sub(/[ \t]*#.*/, "", text[n]); at[hex(a)] = n
    next
}
inside && /^\t+[0-9a-f]+: R_/ { s = $NF; sub(/[-+]0x[0-9a-f]+$/, "", s); reloc[n] = s; next }
END {
    if (n == 0) { print "FAIL " fn ": not found"; exit 1 }
    for (i = 1; i <= n; i++) classify(i)
    failed = 0
    for (i = 1; i <= n; i++) if (atomic[i]) {
        print "FAIL " fn ": atomic read-modify-write or fence in the function: " text[i]; failed = 1
    }
    if (slow != "") {
        calls_slow = 0
        for (i = 1; i <= n; i++) if (mn[i] ~ /^(call|jmp)/ && reloc[i] == slow) calls_slow = 1
        if (!calls_slow) { print "FAIL " fn ": never calls " slow " (statement not compiled in?)"; failed = 1 }
    }
    if (!walk(1, 0, 0, 0, 1)) {
        print "FAIL " fn ": no path from the entry to ret without a call, atomic or store; the paths stop at:"
        for (w in why) print "    " w
        failed = 1
    }
    if (failed) {
        print "  disassembly:"
        for (i = 1; i <= n; i++) print "    " text[i] (reloc[i] != "" ? "  <" reloc[i] ">" : "")
        exit 1
    }
    taken = 0
    for (p = 1; p < path_len; p++) if (path[p + 1] != path[p] + 1) taken++
    print "PASS " fn ": entry to ret in " path_len " instructions, " taken " jump(s) taken:"
    for (p = 1; p <= path_len; p++) print "    " text[path[p]] (reloc[path[p]] != "" ? "  <" reloc[path[p]] ">" : "")
}
AWK

# check FILE FUNCTION [SLOW_SYMBOL]
check() {
    objdump -dr --no-show-raw-insn "$1" | awk -v fn="$2" -v slow="${3:-}" "$checker"
}

status=0
for file in "${site[@]}"; do
    echo "== $file"
    check "$file" hot_path_site pylog_internal_log || status=1
done

# Self-check: FUNCTION and the reason it must be rejected for.
expected=(
    "hot_path_bad_call:call: call"
    "hot_path_bad_jump_out:jumps out of the function"
    "hot_path_bad_atomic:atomic read-modify-write"
    "hot_path_bad_store:store to shared memory"
    "hot_path_bad_no_check:returns without reading the generation"
    "hot_path_no_such_function:not found"
)
for file in "${bad[@]}"; do
    echo "== self-check: $file"
    for entry in "${expected[@]}"; do
        fn=${entry%%:*} reason=${entry#*:}
        if out=$(check "$file" "$fn"); then
            echo "SELF-CHECK FAILED: $fn was accepted:"
            echo "$out"
            status=1
        elif ! grep -qF -- "$reason" <<<"$out"; then
            echo "SELF-CHECK FAILED: $fn was rejected, but not for \"$reason\":"
            echo "$out"
            status=1
        else
            echo "ok: $fn rejected ($reason)"
        fi
    done
done
exit $status
