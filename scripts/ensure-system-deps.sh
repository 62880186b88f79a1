#!/usr/bin/env bash
# Installs what the tests and the embedded default need from outside npm, on a fresh Debian machine:
# redis-server (Debian package), a Go toolchain >= 1.24 to build the FerretDB wrapper once, and
# with --browser (npm test), Debian's chromium and a CJK font for the console's browser tests (test/e2e,
# pages in Traditional Chinese); `npm start` does not need them.
# Prints the directory to prepend to PATH for Go (empty when the system Go is fine).
set -euo pipefail

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [[ ${1:-} == --browser ]]; then
  [[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
fi

go_ok() {
  local go_bin=$1 version
  version=$("$go_bin" env GOVERSION 2>/dev/null || true)   # e.g. go1.26.8
  [[ $version =~ ^go1\.([0-9]+) ]] && (( BASH_REMATCH[1] >= 24 ))
}

GO_BIN=""
for candidate in "$(command -v go 2>/dev/null || true)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
  if [[ -n $candidate && -x $candidate ]] && go_ok "$candidate"; then GO_BIN=$candidate; break; fi
done
if [[ -z $GO_BIN ]] && ! command -v go >/dev/null 2>&1; then need_apt+=(golang-go ca-certificates); fi

if (( ${#need_apt[@]} > 0 )); then
  echo "installing Debian packages: ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

if [[ -z $GO_BIN ]]; then
  # Debian's Go is too old for FerretDB v1.24: fetch a newer toolchain the way Go itself does,
  # as the golang.org/toolchain module from the Go module proxy.
  toolchain="golang.org/toolchain@v0.0.1-go1.24.11.linux-$(dpkg --print-architecture)"
  dir=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$toolchain" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  chmod +x "$dir/bin/"* "$dir/pkg/tool/"*/* 2>/dev/null || true
  GO_BIN="$dir/bin/go"
fi
go_dir=$(dirname "$GO_BIN")
# Remembered for the FerretDB builder (src/platform/embedded/ferretdb.ts) when started by npm.
mkdir -p node_modules/.cache/govcert && echo "$go_dir" > node_modules/.cache/govcert/go-bin-dir
echo "$go_dir"
