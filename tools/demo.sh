#!/bin/bash
# The README's main command: set up the machine, then run the hello example.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
exec bazel run //examples/hello:demo "$@"
