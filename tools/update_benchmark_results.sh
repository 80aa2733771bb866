#!/bin/bash
# Puts the summary table of one full pylog_benchmark run into
# testing/benchmarks/RESULTS.md, between its "results" markers, with what
# the run says about itself (date, CPUs, load average) and the machine, the
# compiler and the commit. Reads the run's output (stdout and stderr):
#   bazel run -c opt //testing/benchmarks:pylog_benchmark 2>&1 |
#       tools/update_benchmark_results.sh
# Refuses a --smoke run and a run whose summary is incomplete. An argument
# names other markers: deferred_benchmark's table goes between the
# "deferred" markers:
#   bazel run -c opt //testing/benchmarks:deferred_benchmark 2>&1 |
#       tools/update_benchmark_results.sh deferred
set -euo pipefail
cd "$(dirname "$0")/.."
markers=${1:-results}
run=$(mktemp "${TMPDIR:-/tmp}/pylog-bench.XXXXXX")
trap 'rm -f "$run"' EXIT
cat >"$run"

python3 - "$run" testing/benchmarks/RESULTS.md "$markers" <<'PY'
import re, subprocess, sys

run_path, results_path, markers = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(run_path, errors="replace").read().splitlines()

def fail(why):
    sys.exit("update_benchmark_results.sh: " + why)

def first(prefix):
    return next((l for l in lines if l.startswith(prefix)), None)

version = first("python ")
if version is None or first("summary: ") is None:
    fail("no summary table in the input (a failed or cut-short run?)")
if "--smoke" in version:
    fail("a --smoke run's numbers mean nothing")
summary = first("summary: ")
if not summary.endswith(", 0 missing"):
    fail("measures are missing: " + summary)
start = lines.index(version)
table = lines[start + 1:lines.index(summary, start)]
while table and not table[0]:
    table.pop(0)
while table and not table[-1]:
    table.pop()

def command(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"

cpu = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
dirty = " (with uncommitted changes)" if command("git", "status", "--porcelain") else ""
date = next((l for l in lines if re.match(r"\d{4}-\d\d-\d\dT", l)), "?")
about = [
    "Run " + date + " at commit " + command("git", "rev-parse", "--short", "HEAD") + dirty + ".",
    "Machine: " + (first("Run on") or "?") + ", model name \"" + cpu + "\"; "
    + (first("Load Average:") or "load average ?") + " at the start.",
    "Toolchain: " + command("gcc", "--version").splitlines()[0] + "; " + version + ".",
]
if first("***WARNING*** Library was built as DEBUG"):
    about.append("Google Benchmark warned that its library was built as DEBUG "
                 "(Debian's build); the timed loops run inline code from its "
                 "header, which that build does not slow down.")
block = "\n".join(about) + "\n\n" + "\n".join(table) + "\n"
text = open(results_path).read()
pattern = re.compile("(<!-- " + re.escape(markers) + ": begin -->\n).*?(<!-- "
                     + re.escape(markers) + ": end -->)", re.S)
if not pattern.search(text):
    fail(results_path + " has no " + markers + " markers")
open(results_path, "w").write(pattern.sub(lambda m: m.group(1) + block + m.group(2), text))
print("updated " + results_path)
PY
