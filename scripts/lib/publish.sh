# The service as the image builds it: docker/Dockerfile's own build-stage `dotnet restore` and `dotnet publish`
# lines, read from it (so that no copy of them can drift), for one target architecture. Sourced by the scripts.
#   publish_as_the_image amd64|arm64 OUTPUT_DIR
# Native code (PublishAot): the compile links with clang and lld, another architecture's with Debian's cross
# toolchain; ensure_native_toolchain installs what this machine lacks of them (the packages the Dockerfile's
# build stage installs into the SDK image).

ensure_native_toolchain() {
  local cross=()
  case $(uname -m) in
    x86_64) cross=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
    aarch64) cross=(gcc-x86-64-linux-gnu libc6-dev-amd64-cross) ;;
  esac
  ensure_packages clang lld "${cross[@]}"
}

publish_as_the_image() {
  local target=$1 output=$2 step command
  for step in restore publish; do
    command=$(grep -o "dotnet $step src/EtcdRemediator/.*" docker/Dockerfile | head -n 1)
    command=${command//\$TARGETARCH/$target}
    command=${command// -o \/app / -o $output }
    [ -n "$command" ] || { echo "docker/Dockerfile has no 'dotnet $step' line" >&2; return 1; }
    eval "$command -nologo -clp:ErrorsOnly" >/dev/null || { echo "the Dockerfile's $step for $target failed: $command" >&2; return 1; }
  done
}
