# The service as the image builds it: docker/Dockerfile's own build-stage `dotnet restore` and `dotnet publish`
# lines, read from it (so that no copy of them can drift), per target architecture. Sourced by the scripts.
#   publish_as_the_image OUTPUT_BASE amd64 [arm64]   -> OUTPUT_BASE-amd64, OUTPUT_BASE-arm64
# Native code (PublishAot): the compile links with clang and lld, another architecture's with Debian's cross
# toolchain; ensure_native_toolchain installs what this machine lacks of them (the packages the Dockerfile's
# build stage installs into the SDK image).

# ensure_native_toolchain ARCH...: clang and lld, and Debian's cross toolchain for each ARCH that is not this machine's.
ensure_native_toolchain() {
  local cross=() target here
  case $(uname -m) in x86_64) here=amd64 ;; aarch64) here=arm64 ;; *) here=$(uname -m) ;; esac
  for target in "$@"; do
    [ "$target" = "$here" ] && continue
    case $target in
      arm64) cross+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
      amd64) cross+=(gcc-x86-64-linux-gnu libc6-dev-amd64-cross) ;;
    esac
  done
  ensure_packages clang lld "${cross[@]}"
}

# elf_machine FILE: the ELF header's e_machine (bytes 18-19, little-endian) as the architecture's name:
# the check that a cross-compile made what it was asked for, without file(1).
elf_machine() {
  case $(od -An -tx1 -j18 -N2 "$1" | tr -d ' \n') in
    3e00) echo amd64 ;; b700) echo arm64 ;; *) echo unknown ;;
  esac
}

# image_step restore|publish ARCH OUTPUT: runs the Dockerfile's line for that step.
image_step() {
  local step=$1 target=$2 output=$3 command
  command=$(grep -o "dotnet $step src/EtcdRemediator/.*" docker/Dockerfile | head -n 1)
  command=${command//\$TARGETARCH/$target}
  command=${command// -o \/app / -o $output }
  [ -n "$command" ] || { echo "docker/Dockerfile has no 'dotnet $step' line" >&2; return 1; }
  eval "$command -nologo -clp:ErrorsOnly" >"$output.log" 2>&1 || { echo "the Dockerfile's $step for $target failed: $command" >&2; cat "$output.log" >&2; return 1; }
}

publish_as_the_image() {
  local base=$1 target pids=() failed=0 pid
  shift
  # The restores one after the other: each rewrites the project's obj/project.assets.json.
  for target in "$@"; do image_step restore "$target" "$base-$target" || return 1; done
  # The compiles side by side: each architecture has its own intermediate folder, and the native compiler keeps
  # about one core busy for most of its run, so two take little longer than one on two cores.
  for target in "$@"; do image_step publish "$target" "$base-$target" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  rm -f "$base"-*.log
  return $failed
}
