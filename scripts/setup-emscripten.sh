#!/usr/bin/env bash
# Installs the toolchain that links fib-pyrs for Pyodide (wasm32-unknown-emscripten), from
# package registries only, and writes build/emscripten/env.sh for the build to source.
#
#   rustup target     wasm32-unknown-emscripten (Rust stable's std already uses wasm
#                     exception handling, which Pyodide 314 expects)
#   LLVM              clang/lld/llvm $LLVM_VERSION from the machine's apt sources
#   emcc              Debian's `emscripten` package, used only as the linker: downloaded
#                     from another suite with a private apt configuration and unpacked into
#                     the cache (never installed system-wide). Pinned; if the suite has moved
#                     on, the next pin is tried.
#   binaryen          npm `binaryen` (package.json), since bookworm's is too old
#
# Idempotent: a second run only re-checks and takes about a second. Cached in
# $PY_RUST_FIB_CACHE (default ~/.cache/py-rust-fib), outside the repository.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PY_RUST_FIB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/py-rust-fib}
LLVM_VERSION=22
# Suite and version of Debian's emscripten package, in order of preference. Both link
# wheels that load in Pyodide 314.0.7 (see README "Pyodide").
EMSCRIPTEN_PINS=("sid 6.0.5+dfsg+~1.41.5-2" "trixie 3.1.69+dfsg-3")
OUT=$ROOT/build/emscripten
say() { printf '\033[1msetup-emscripten:\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- Rust target
if ! rustup target list --installed | grep -qx wasm32-unknown-emscripten; then
  say "adding the Rust target wasm32-unknown-emscripten"
  rustup target add wasm32-unknown-emscripten
fi

# ---- LLVM from the machine's own apt sources
LLVM_ROOT=/usr/lib/llvm-$LLVM_VERSION/bin
if ! [ -x "$LLVM_ROOT/clang" ] || ! [ -x "$LLVM_ROOT/wasm-ld" ]; then
  say "installing clang/lld/llvm $LLVM_VERSION with apt"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "clang-$LLVM_VERSION" "lld-$LLVM_VERSION" "llvm-$LLVM_VERSION"
fi

# ---- binaryen (and Pyodide) from npm, pinned by package-lock.json
if ! [ -x "$ROOT/node_modules/binaryen/bin/wasm-opt" ]; then
  say "npm ci (Pyodide runtime, binaryen)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
fi

# ---- emcc: Debian's emscripten package, unpacked into the cache
debian_archive_uri() {
  # The Debian archive this machine already uses (deb822 or one-line format).
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || { say "no Debian archive found in /etc/apt: cannot fetch emscripten"; exit 1; }
  echo "$uri"
}

fetch_emscripten() {  # suite version -> unpacks into $CACHE/emscripten-<version>
  local suite=$1 version=$2 dest=$CACHE/emscripten-${2%%+*} apt=$CACHE/apt-$1
  [ -x "$dest/usr/share/emscripten/emcc" ] && { echo "$dest"; return 0; }
  mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_archive_uri) $suite main" \
    > "$apt/etc/sources.list"
  cat > "$apt/apt.conf" <<CONF
Dir::Etc::sourcelist "$apt/etc/sources.list";
Dir::Etc::sourceparts "-";
Dir::State::Lists "$apt/lists";
Dir::Cache "$apt/cache";
Dir::Cache::archives "$apt/archives";
APT::Sandbox::User "root";
CONF
  say "looking for emscripten $version in Debian $suite"
  APT_CONFIG=$apt/apt.conf apt-get update -qq >&2 || return 1
  (cd "$apt/archives" && APT_CONFIG=$apt/apt.conf apt-get download -qq "emscripten=$version" >&2) || return 1
  rm -rf "$dest.tmp" && dpkg -x "$apt"/archives/emscripten_*.deb "$dest.tmp" && mv "$dest.tmp" "$dest"
  rm -f "$apt"/archives/emscripten_*.deb
  echo "$dest"
}

EMSCRIPTEN=""
for pin in "${EMSCRIPTEN_PINS[@]}"; do
  if EMSCRIPTEN=$(fetch_emscripten $pin); then break; fi
  say "emscripten ${pin#* } is not in Debian ${pin%% *} any more; trying the next pin"
  EMSCRIPTEN=""
done
if [ -z "$EMSCRIPTEN" ]; then
  say "none of the pinned emscripten packages could be fetched (${EMSCRIPTEN_PINS[*]})."
  say "Update EMSCRIPTEN_PINS in $0 to a version that \`apt-cache policy emscripten\` shows for sid or trixie."
  exit 1
fi

# ---- emscripten configuration for this checkout
mkdir -p "$OUT" "$CACHE/emscripten-cache"
cat > "$OUT/config.py" <<CONF
# Written by scripts/setup-emscripten.sh
LLVM_ROOT = '$LLVM_ROOT'
BINARYEN_ROOT = '$ROOT/node_modules/binaryen'
NODE_JS = '$(command -v node)'
CACHE = '$CACHE/emscripten-cache'
CONF
cat > "$OUT/env.sh" <<ENV
# Written by scripts/setup-emscripten.sh: source it before building for Pyodide.
export EM_CONFIG='$OUT/config.py'
export PATH='$EMSCRIPTEN/usr/share/emscripten':"\$PATH"
# The wheel tag micropip in Pyodide 314 accepts (pyemscripten_2026_0_wasm32); without it
# maturin tags the wheel with emcc's own version, and micropip refuses it.
export MATURIN_PYEMSCRIPTEN_PLATFORM_VERSION=2026_0
ENV

# ---- verify: emcc links a tiny side module, the kind of binary a Pyodide extension is
# (a full program would first build emscripten's whole libc: minutes, and not needed)
# shellcheck source=/dev/null
. "$OUT/env.sh"
check=$OUT/check
mkdir -p "$check"
printf 'int answer(void) { return 42; }\n' > "$check/answer.c"
if ! emcc -sSIDE_MODULE=1 -O1 "$check/answer.c" -o "$check/answer.wasm" 2> "$check/emcc.log" \
   || [ "$(head -c 4 "$check/answer.wasm" | od -An -c | tr -d ' ')" != '\0asm' ]; then
  say "emcc could not link a test module; its output:"
  cat "$check/emcc.log" >&2
  exit 1
fi
say "ready: $(emcc --version 2>/dev/null | head -1) with LLVM $LLVM_VERSION ($EMSCRIPTEN)"
