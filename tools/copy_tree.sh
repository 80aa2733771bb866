#!/bin/bash
# Copies pylog's tree to DEST as a clean clone has it, plus uncommitted and new
# (not ignored) files, so a check builds what the developer sees without
# writing into the tree or picking up its build outputs (bazel-*, build/, ...).
# Outside a git checkout, copies everything but bazel-* and .git.
#   tools/copy_tree.sh DEST
set -euo pipefail
if [[ $# -ne 1 ]]; then
    echo "usage: $0 DEST" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd -P)
mkdir -p "$1"
dest=$(cd "$1" && pwd -P)
cd "$repo"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Tracked files deleted in the work tree are skipped, as in the work tree.
    git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            [[ -e $f || -L $f ]] && printf '%s\0' "$f"
        done |
        tar --null -T - -cf - | tar -C "$dest" -xf -
else
    tar --exclude='./bazel-*' --exclude=./.git -cf - . | tar -C "$dest" -xf -
fi
