#!/bin/bash
# Generates pylog's amalgamation, as sqlite ships one: the whole library as one
# C file and one header, for builds that compile pylog into an extension without
# Bazel (the Python package, pkg-config, CMake, Meson, a copy in a project).
#
#   tools/amalgamate.sh OUTDIR   writes OUTDIR/pylog.c and OUTDIR/pylog/pylog.h
#
# Then `cc -IOUTDIR ... OUTDIR/pylog.c mymod.c` with `#include "pylog/pylog.h"`
# in mymod.c, exactly as with pylog/ itself.
#
# OUTDIR/pylog/pylog.h: pylog/pylog.h with every header of pylog/ it includes
# (internal/site.h, ...) inlined: self-contained, one file to ship.
# OUTDIR/pylog.c: every pylog/*.c (sorted by name), each header of pylog/
# (pylog/internal/*.h, ...) inlined at its first include and dropped at later
# ones; an include of
# pylog.h, or of a header already inlined into it, stays `#include
# "pylog/pylog.h"` (found next to pylog.c, so no -I is needed for pylog.c).
# `#line` directives make compiler messages and __FILE__ name the original
# files (pylog/bridge.c, pylog/internal/queue.h, ...).
#
# File names are never listed here: the .c files are globbed and every
# include is resolved from the file that names it (then from the repository
# root). The script fails, writing nothing, on what it cannot amalgamate
# faithfully: a quoted include that resolves to no file or to a file that is
# not a .h file under pylog/, a computed include, a pylog header
# included under a condition (only the first include is kept), or a .c file
# that defines a macro before its first include (it would no longer precede
# the headers of the files before it). A macro a .c file defines and leaves
# defined gets an `#undef` at the end of that file (with a note on stderr), so
# it cannot leak into the next file. Clashes between the files' static names
# are left to the compiler: tools/check_amalgamation.sh compiles the result.
set -euo pipefail
export LC_ALL=C

if [[ $# -ne 1 || -z $1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd -P)
src=$repo/pylog
out=$1

die() {
    echo "amalgamate.sh: error: $*" >&2
    exit 1
}

[[ -f $src/pylog.h ]] || die "$src/pylog.h not found"
version=$(sed -n 's/^#define PYLOG_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$src/pylog.h" |
          paste -sd.)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "no PYLOG_VERSION_MAJOR/MINOR/PATCH in pylog/pylog.h"

sources=()
for f in "$src"/*.c; do
    [[ -f $f ]] && sources+=("$f")
done
[[ ${#sources[@]} -gt 0 ]] || die "no pylog/*.c"

re_include='^[[:space:]]*#[[:space:]]*include[[:space:]]*(.*)$'
re_quoted='^"([^"]+)"'
re_angled='^<[^>]+>'
re_if='^[[:space:]]*#[[:space:]]*if(n?def)?([[:space:]]|\(|$)'
re_endif='^[[:space:]]*#[[:space:]]*endif'
re_define='^[[:space:]]*#[[:space:]]*define[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)'
re_undef='^[[:space:]]*#[[:space:]]*undef[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)'

# normalize PATH: sets `normalized` to PATH (absolute) without "." and ".."
# components (no forks: the script runs once per include).
normalize() {
    local part parts=() out=()
    IFS=/ read -r -a parts <<<"$1"
    for part in "${parts[@]}"; do
        case $part in
        "" | .) ;;
        ..) [[ ${#out[@]} -gt 0 ]] && unset "out[$((${#out[@]} - 1))]" ;;
        *) out+=("$part") ;;
        esac
    done
    local IFS=/
    normalized="/${out[*]}"
}

# resolve FROM NAME: sets `resolved` to the path of `#include "NAME"` written
# in file FROM (searched next to FROM, then from the repository root, as
# Bazel's -iquote does); fails when it is not a pylog header.
resolve() {
    local from=$1 name=$2 path
    for path in "${from%/*}/$name" "$repo/$name"; do
        if [[ -f $path ]]; then
            normalize "$path"
            if [[ $normalized == "$src"/*.h ]]; then
                resolved=$normalized
                return
            fi
            die "${from#"$repo"/}: #include \"$name\" is $normalized, not a header" \
                "under pylog/: cannot amalgamate it"
        fi
    done
    die "${from#"$repo"/}: #include \"$name\": no such file next to it or in $repo"
}

# guard_depth FILE: sets `allowed` to 1 when FILE's first conditional is an
# include guard (#ifndef X, then #define X), else 0: the conditional depth at
# which an include is unconditional.
guard_depth() {
    local line guard=""
    allowed=0
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ -z $guard ]]; then
            if [[ $line =~ ^[[:space:]]*#[[:space:]]*ifndef[[:space:]]+([A-Za-z0-9_]+)[[:space:]]*$ ]]; then
                guard=${BASH_REMATCH[1]}
            elif [[ $line =~ $re_if || $line =~ $re_define ]]; then
                return
            fi
        elif [[ $line =~ $re_define ]]; then
            [[ ${BASH_REMATCH[1]} == "$guard" ]] && allowed=1
            return
        elif [[ $line =~ $re_if ]]; then
            return
        fi
    done <"$1"
}

declare -A inlined=()   # normalized path -> 1: already in the output being written
declare -A in_header=() # normalized path -> 1: inlined into the generated pylog.h

# emit FILE MODE: writes FILE to stdout with its pylog includes resolved.
# MODE "header": building pylog.h (the headers it includes are inlined);
# MODE "source": building pylog.c (pylog.h and what it holds stay an include).
emit() {
    local file=$1 mode=$2 name=${1#"$repo"/} line n=0 depth=0 allowed=0 target arg
    [[ $file == *.h ]] && guard_depth "$file"
    printf '#line 1 "%s"\n' "$name"
    while IFS= read -r line || [[ -n $line ]]; do
        n=$((n + 1))
        if [[ $line =~ $re_if ]]; then
            depth=$((depth + 1))
        elif [[ $line =~ $re_endif ]]; then
            depth=$((depth - 1))
        fi
        if [[ ! $line =~ $re_include ]]; then
            printf '%s\n' "$line"
            continue
        fi
        arg=${BASH_REMATCH[1]}
        if [[ $arg =~ $re_angled ]]; then
            printf '%s\n' "$line"
            continue
        fi
        [[ $arg =~ $re_quoted ]] ||
            die "$name:$n: cannot amalgamate a computed include: $line"
        resolve "$file" "${BASH_REMATCH[1]}"
        target=$resolved
        if [[ $depth -gt $allowed ]]; then
            die "$name:$n: $line is inside a preprocessor condition; an amalgamation" \
                "keeps only a header's first include, so it must be unconditional"
        fi
        if [[ $mode == source && ($target == "$src/pylog.h" || -n ${in_header[$target]:-}) ]]; then
            # Already included at the top of pylog.c (its guard drops it).
            printf '#include "pylog/pylog.h" /* %s */\n' "$line"
        elif [[ $mode == header && $target == "$src/pylog.h" ]]; then
            die "$name:$n: $line: a header inlined into pylog.h includes pylog.h"
        elif [[ -n ${inlined[$target]:-} ]]; then
            printf '/* %s: inlined above */\n' "$line"
        else
            inlined[$target]=1
            [[ $mode == header ]] && in_header[$target]=1
            emit "$target" "$mode"
            printf '#line %d "%s"\n' "$((n + 1))" "$name"
        fi
    done <"$file"
}

# undefs FILE: sets `leftover` to the macros FILE defines and leaves defined.
undefs() {
    local line name
    local -A live=() seen=()
    local order=()
    leftover=()
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line =~ $re_define ]]; then
            live[${BASH_REMATCH[1]}]=1
            order+=("${BASH_REMATCH[1]}")
        elif [[ $line =~ $re_undef ]]; then
            unset "live[${BASH_REMATCH[1]}]"
        fi
    done <"$1"
    for name in "${order[@]}"; do
        if [[ -n ${live[$name]:-} && -z ${seen[$name]:-} ]]; then
            seen[$name]=1
            leftover+=("$name")
        fi
    done
}

# check_no_early_define FILE: a .c file must not define a macro before its
# first #include (in one translation unit it would follow other files' includes).
check_no_early_define() {
    local line n=0
    while IFS= read -r line || [[ -n $line ]]; do
        n=$((n + 1))
        [[ $line =~ $re_include ]] && return 0
        if [[ $line =~ $re_define ]]; then
            die "${1#"$repo"/}:$n: ${BASH_REMATCH[1]} is defined before the first #include;" \
                "in the amalgamation it would come after the other files' includes" \
                "(define it in pylog.h, or pass -D)"
        fi
    done <"$1"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pylog-amalgamate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pylog"

banner() {
    cat <<EOF
/*
 * $1: GENERATED by pylog's tools/amalgamate.sh from pylog/ (pylog $version).
 * Do not edit: change the files in pylog/ and generate it again. The #line
 * directives below name those files.
 */
EOF
}

{
    banner pylog/pylog.h
    emit "$src/pylog.h" header
} >"$tmp/pylog/pylog.h"

{
    banner pylog.c
    cat <<'EOF'
/*
 * Every .c file of pylog/ in one translation unit. Compile it with the extension
 * module that includes "pylog/pylog.h" (hidden visibility: every pylog symbol
 * is PYLOG_API); each extension gets its own copy of pylog's state.
 */
/* Python.h (through pylog.h) must come before any system header. */
#include "pylog/pylog.h"

EOF
    for f in "${sources[@]}"; do
        check_no_early_define "$f"
        emit "$f" source
        undefs "$f"
        for macro in "${leftover[@]}"; do
            echo "amalgamate.sh: note: ${f#"$repo"/} leaves $macro defined; #undef added" >&2
            printf '#undef %s /* added by amalgamate.sh: defined in %s */\n' "$macro" "${f#"$repo"/}"
        done
        printf '\n'
    done
} >"$tmp/pylog.c"

mkdir -p "$out/pylog"
mv "$tmp/pylog/pylog.h" "$out/pylog/pylog.h"
mv "$tmp/pylog.c" "$out/pylog.c"
