#!/usr/bin/env bash
# The release binaries: the service compiled ahead of time for linux-amd64 and linux-arm64 with docker/Dockerfile's
# own restore and publish commands (scripts/lib/publish.sh: as the image builds it), each packed with the two files it
# reads beside itself (its SQLite library, appsettings.json) as dist/etcd-remediator-VERSION-linux-ARCH.tar.gz, and
# dist/SHA256SUMS over both (`sha256sum -c SHA256SUMS` checks a download). The release workflow attaches all three.
#   scripts/package.sh [VERSION]      (default: `git describe`)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/deps.sh
source scripts/lib/publish.sh
source scripts/lib/package.sh

version=${1:-$(git describe --tags --always --dirty)}
ensure_dotnet
ensure_native_toolchain amd64 arm64

dist=dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$dist" && mkdir -p "$dist"
name="etcd-remediator-$version-linux"
publish_as_the_image "$work/$name" amd64 arm64
for arch in amd64 arm64; do
  # The suite compiles this machine's architecture only: here the cross-compile shows it made the other one.
  pack_release "$work/$name-$arch" "$arch" "$dist"
done
write_sums "$dist"
cat "$dist/SHA256SUMS"
