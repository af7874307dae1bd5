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

# image_context DIR: the build stage's COPY lines run as docker runs them: from the repository (the build context) into
# DIR (the stage's WORKDIR), without what .dockerignore leaves out of every folder (its **/NAME patterns: bin/, obj/,
# node_modules/ ...). So the publish sees only what the image build sees, never this clone's own build output, and can
# run while it builds.
image_context() {
  local dir=$1 line sources destination source pattern excludes=()
  mkdir -p "$dir" || return 1
  while read -r pattern; do excludes+=(--exclude="$pattern"); done < <(sed -n 's|^\*\*/\([^/]*\)/\{0,1\}$|\1|p' .dockerignore)
  while read -r line; do
    read -ra sources <<<"${line#COPY }"
    destination=${sources[-1]}
    unset 'sources[-1]'
    for source in "${sources[@]}"; do
      # Each source lands at its own path under WORKDIR (global.json in ./, proto/ in proto/, a csproj in its folder):
      # the Dockerfile's layout, checked here so that copying it as a path is what docker does.
      case $destination in ./|"$source"|"$(dirname "$source")/") ;; *)
        echo "docker/Dockerfile: COPY $source $destination is not copied to its own path" >&2; return 1 ;;
      esac
      tar -cf - "${excludes[@]}" "$source" | tar -xf - -C "$dir" || return 1
    done
  done < <(sed -n '/ AS build$/,/^FROM /p' docker/Dockerfile | grep '^COPY ' | grep -v -- '--from=')
}

# image_step restore|publish ARCH CONTEXT OUTPUT: runs the Dockerfile's line for that step in CONTEXT.
image_step() {
  local step=$1 target=$2 context=$3 output=$4 command
  command=$(grep -o "dotnet $step src/EtcdRemediator/.*" docker/Dockerfile | head -n 1)
  command=${command//\$TARGETARCH/$target}
  command=${command// -o \/app / -o $output }
  [ -n "$command" ] || { echo "docker/Dockerfile has no 'dotnet $step' line" >&2; return 1; }
  (cd "$context" && eval "$command -nologo -clp:ErrorsOnly") >"$output.log" 2>&1 ||
    { echo "the Dockerfile's $step for $target failed: $command" >&2; cat "$output.log" >&2; return 1; }
}

# publish_as_the_image OUTPUT_BASE ARCH...: each architecture in a build context of its own (OUTPUT_BASE-ARCH.context,
# removed afterwards), side by side: the native compiler keeps about one core busy for most of its run.
publish_as_the_image() {
  local base target pids=() failed=0 pid
  base=$(realpath -m "$1")
  shift
  for target in "$@"; do
    (image_context "$base-$target.context" && image_step restore "$target" "$base-$target.context" "$base-$target" &&
      image_step publish "$target" "$base-$target.context" "$base-$target") & pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  for target in "$@"; do rm -rf "$base-$target.context" "$base-$target.log"; done
  return $failed
}
