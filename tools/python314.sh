#!/bin/bash
# CPython 3.14 on this Debian bookworm machine, without touching the system:
# Debian unstable's (sid's) binary packages of CPython 3.14 and of the
# libraries it needs (sid's own libc and loader included: sid's libpython3.14
# needs glibc >= 2.38, bookworm has 2.36), fetched with `apt-get download`
# under a private apt configuration, unpacked with `dpkg -x` into a cache
# folder, the python3.14 binary pointed at the unpacked loader and libraries
# with patchelf, and a wrapper bin/python3 that runs it.
#   tools/python314.sh     prints the wrapper's path as its last line of stdout
# Idempotent: when the wrapper exists and imports logging, ssl, sqlite3 and
# threading, nothing is fetched or changed. The cache folder is
# ${PYLOG_PYTHON314_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pylog/python3.14}:
#   apt/       the private apt configuration, package lists and downloads
#   root/      the unpacked packages (root/usr/bin/python3.14, root/usr/include)
#   bin/python3  the wrapper
# The mirror is the one the system's own sources use for its release
# (/etc/apt/sources.list and sources.list.d), or $PYLOG_DEBIAN_MIRROR.
# The unpacked libraries are built for sid's libc: only programs started by
# sid's loader (the patched python3.14, or a program linked with
# -Wl,--dynamic-linker=root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2,
# as pylog/python_configure.bzl does) may load them.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${PYLOG_PYTHON314_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pylog/python3.14}
wrapper=$cache/bin/python3
check='import logging, ssl, sqlite3, threading'

# Packages from sid. libpython3.14-testsuite has test/test_stable_abi_ctypes.py
# (the abi3 example's list of the stable ABI); python3-setuptools (architecture
# all) makes setup.py work (the setuptools example); libgcc-s1 and libdb5.3t64
# are what sid's libc6 and libpython3.14-stdlib depend on besides the others.
packages=(python3.14 python3.14-minimal libpython3.14 libpython3.14-stdlib
          libpython3.14-minimal libpython3.14-dev python3.14-dev
          libpython3.14-testsuite
          libc6 libgcc-s1 libexpat1 zlib1g libffi8 libssl3t64 libsqlite3-0
          libbz2-1.0 liblzma5 libzstd1 libuuid1 libncursesw6 libtinfo6
          libreadline8t64 libdb5.3t64 python3-setuptools)

if [[ -x $wrapper ]] && "$wrapper" -c "$check" 2>/dev/null; then
    echo "$wrapper"
    exit 0
fi

"$repo/tools/setup.sh"  # patchelf
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9  # one fetch at a time; released when this script exits
if [[ -x $wrapper ]] && "$wrapper" -c "$check" 2>/dev/null; then
    echo "$wrapper"  # another run finished it while this one waited
    exit 0
fi

# python314_mirror: the URI of the system's own Debian archive (the entry
# whose suite is the release's codename, in one-line or deb822 format).
python314_mirror() {
    local codename
    # shellcheck disable=SC1091
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    shopt -s nullglob
    {
        awk -v codename="$codename" '
            $1 == "deb" {
                i = 2
                if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) == codename) print $i
            }' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
        awk -v codename="$codename" 'BEGIN { RS = "" } {
                deb = 0; uri = ""; suite = 0; n = split($0, lines, "\n")
                for (j = 1; j <= n; j++) {
                    if (lines[j] ~ /^Types:.*[[:space:]]deb([[:space:]]|$)/) deb = 1
                    if (lines[j] ~ /^URIs:/) { split(lines[j], w, /[[:space:]]+/); uri = w[2] }
                    if (lines[j] ~ /^Suites:/ &&
                        (" " lines[j] " ") ~ ("[[:space:]]" codename "[[:space:]]")) suite = 1
                }
                if (deb && suite && uri != "") print uri
            }' /etc/apt/sources.list.d/*.sources 2>/dev/null
    } | head -n 1
}

mirror=${PYLOG_DEBIAN_MIRROR:-$(python314_mirror)}
if [[ -z $mirror ]]; then
    echo "python314.sh: no Debian mirror in /etc/apt/sources.list(.d); set PYLOG_DEBIAN_MIRROR" >&2
    exit 1
fi

# The private apt configuration. APT_CONFIG is read before anything else,
# and it turns off the system's apt.conf and apt.conf.d (whose update hooks
# would run), sources, preferences, state and cache. Of the system's
# settings it keeps only whether Release files are checked for dates (a
# machine whose clock and mirror disagree turns that off).
checks=$(apt-config dump Acquire::Check-Valid-Until Acquire::Check-Date)
apt=$cache/apt
mkdir -p "$apt/parts" "$apt/sources.list.d" "$apt/state/lists/partial" \
    "$apt/cache/archives/partial" "$apt/debs"
: >"$apt/state/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$keyring] $mirror sid main" >"$apt/sources.list"
{
    echo "Dir::Etc::main \"/dev/null\";"
    echo "Dir::Etc::parts \"$apt/parts\";"
    echo "Dir::Etc::SourceList \"$apt/sources.list\";"
    echo "Dir::Etc::SourceParts \"$apt/sources.list.d\";"
    echo "Dir::Etc::Preferences \"/dev/null\";"
    echo "Dir::Etc::PreferencesParts \"$apt/parts\";"
    echo "Dir::State \"$apt/state\";"
    echo "Dir::State::status \"$apt/state/status\";"
    echo "Dir::Cache \"$apt/cache\";"
    echo "APT::Architectures { \"$(dpkg --print-architecture)\"; };"
    echo "Acquire::Languages \"none\";"
    echo "$checks"
    # As root, apt downloads as the user _apt, who cannot write into root's
    # home: root downloads itself.
    [[ $(id -u) -ne 0 ]] || echo "APT::Sandbox::User \"root\";"
} >"$apt/apt.conf"
export APT_CONFIG=$apt/apt.conf

echo "python314.sh: fetching CPython 3.14 from $mirror sid into $cache" >&2
apt-get update -qq --error-on=any >&2
(cd "$apt/debs" && apt-get download -qq "${packages[@]}" >&2)

# The files apt-get download wrote, as it names them (an epoch's colon is %3a).
debs=()
while read -r pkg version arch; do
    debs+=("$apt/debs/${pkg}_${version//:/%3a}_$arch.deb")
done < <(apt-cache show --no-all-versions "${packages[@]}" | awk '
    /^Package:/ {p = $2} /^Version:/ {v = $2} /^Architecture:/ {a = $2}
    /^$/ && p != "" {print p, v, a; p = ""}
    END {if (p != "") print p, v, a}')
rm -rf "${cache:?}/root" "${cache:?}/bin"
for deb in "${debs[@]}"; do
    dpkg -x "$deb" "$cache/root"  # fails if a package was not downloaded
done
if [[ ${#debs[@]} -ne ${#packages[@]} ]]; then
    echo "python314.sh: sid has ${#debs[@]} of the ${#packages[@]} packages" >&2
    exit 1
fi

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
lib=$cache/root/usr/lib/$multiarch
# Debian's include/python3.14/pyconfig.h only includes
# <$multiarch/python3.14/pyconfig.h>, which a compiler finds in the system's
# /usr/include, not here: the real one takes its place, so that
# -I root/usr/include/python3.14 (sysconfig's include path) is enough.
cp "$cache/root/usr/include/$multiarch/python3.14/pyconfig.h" \
    "$cache/root/usr/include/python3.14/pyconfig.h"
loader=$(printf '%s\n' "$lib"/ld-linux*.so.* | head -n 1)
# --force-rpath writes DT_RPATH, which (unlike DT_RUNPATH) also serves the
# libraries of the extension modules the interpreter loads (_ssl needs
# sid's libssl).
patchelf --set-interpreter "$loader" --force-rpath --set-rpath "$lib" \
    "$cache/root/usr/bin/python3.14"

mkdir -p "$cache/bin"
cat >"$wrapper.new" <<EOF
#!/bin/sh
# CPython 3.14 from Debian sid, unpacked by pylog's tools/python314.sh.
PYTHONHOME='$cache/root/usr'
export PYTHONHOME
exec '$cache/root/usr/bin/python3.14' "\$@"
EOF
chmod +x "$wrapper.new"
"$wrapper.new" -c "$check; import sys; print(sys.version)" >&2
mv "$wrapper.new" "$wrapper"
# The package lists and apt's caches (~160 MB) go; the .debs of this build
# stay for a rebuild, older ones go.
rm -rf "$apt/state/lists" "$apt/cache"
for deb in "$apt/debs"/*.deb; do
    case " ${debs[*]} " in *" $deb "*) ;; *) rm -f "$deb" ;; esac
done
echo "$wrapper"
