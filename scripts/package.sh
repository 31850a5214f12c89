#!/usr/bin/env bash
# Builds what people install without a Rust toolchain, from a release build:
#   target/package/liveness-coach_VERSION_ARCH.deb       (apt-get install ./that.deb)
#   target/package/liveness-coach-VERSION-ARCH-linux.tar.gz
# Both hold the stripped binary (models built in), README, NOTICE and the
# licences. The .deb is assembled with dpkg-deb (Debian's own tool, part of
# every Debian/Ubuntu system) and its library dependencies are worked out by
# dpkg-shlibdeps (package dpkg-dev) from what the binary links.
#
# Usage: scripts/package.sh            (prints the two paths on the last lines)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

command -v dpkg-deb >/dev/null || { echo "package.sh needs dpkg-deb (Debian/Ubuntu)" >&2; exit 1; }
cargo build --release --locked -p liveness-coach >&2
target=${CARGO_TARGET_DIR:-$root/target}
bin="$target/release/liveness-coach"
[[ -x "$bin" ]] || { echo "no binary at $bin" >&2; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
arch=$(dpkg --print-architecture)
out="$target/package"
work=$(mktemp -d "${TMPDIR:-/tmp}/lc-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

docs() { # the files every package carries, into $1
    install -d "$1"
    install -m 644 README.md models/NOTICE "$1/"
    install -m 644 models/LICENSE-mediapipe-Apache-2.0.txt "$1/LICENSE-mediapipe-Apache-2.0"
    install -m 644 assets/fonts/LICENSE "$1/LICENSE-font"
    install -m 644 LICENSE-MIT LICENSE-APACHE "$1/"
}

# --- .deb ----------------------------------------------------------------
pkg="$work/deb"
install -d "$pkg/DEBIAN" "$pkg/usr/bin"
install -m 755 "$bin" "$pkg/usr/bin/liveness-coach"
docs "$pkg/usr/share/doc/liveness-coach"
cat "models/NOTICE" >"$pkg/usr/share/doc/liveness-coach/copyright"
# dpkg-shlibdeps wants a debian/control beside it; it only reads the source name.
mkdir -p "$work/shlib/debian"
printf 'Source: liveness-coach\n\nPackage: liveness-coach\nArchitecture: any\n' >"$work/shlib/debian/control"
depends=$(cd "$work/shlib" && dpkg-shlibdeps -O "$pkg/usr/bin/liveness-coach" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
[[ -n "$depends" ]] || depends="libc6"
size=$(du -ks "$pkg/usr" | cut -f1)
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: liveness-coach
Version: $version
Architecture: $arch
Maintainer: liveness-coach developers <liveness-coach@localhost>
Installed-Size: $size
Depends: $depends
Recommends: ffmpeg
Section: video
Priority: optional
Description: rehearse and diagnose webcam liveness checks, offline
 Practise the webcam step of an identity check (blink, turn, nod) in front of
 your own camera, and find out why a recorded attempt would fail: light,
 framing, glasses, masks, movement. No network code; nothing is written
 unless you ask. English and Simplified Chinese.
CONTROL
deb="$out/liveness-coach_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$pkg" "$deb" >&2

# --- tarball -------------------------------------------------------------
name="liveness-coach-$version-$(uname -m)-linux"
install -d "$work/$name"
install -m 755 "$bin" "$work/$name/liveness-coach"
docs "$work/$name"
tarball="$out/$name.tar.gz"
tar -C "$work" --owner=0 --group=0 -czf "$tarball" "$name"

echo "binary: $(du -h "$bin" | cut -f1) ($(stat -c %s "$bin") bytes, stripped)" >&2
echo "$deb"
echo "$tarball"
