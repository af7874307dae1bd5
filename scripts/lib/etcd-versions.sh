# etcd versions for tests, demos and benchmarks, and kubectl for the manifest tests. Sourced;
# defines etcd_bin_dir and ensure_kubectl.
#
#   etcd_bin_dir 3.4   -> /usr/bin (Debian bookworm's etcd-server and etcd-client, installed by apt)
#   etcd_bin_dir 3.5   -> a cached folder with etcd and etcdctl 3.5 from a newer Debian suite
#
# The 3.5 binaries come from Debian's own packages (sid, else trixie), fetched by name with apt
# from a sources list and state directory of our own, so the machine's apt setup is untouched,
# and unpacked with dpkg-deb -x: they are static Go binaries. The folder is named after the
# exact version and reused by later runs.

ETCD_CACHE=${ETCD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/etcd-remediator/etcd}

etcd_bin_dir() {
  local major=$1
  case $major in
    3.4)
      ensure_packages etcd-server etcd-client || return 1
      local have
      have=$(/usr/bin/etcd --version 2>/dev/null | sed -n 's/^etcd Version: //p')
      [[ $have == 3.4.* ]] || { echo "Debian's etcd here is '$have', not 3.4" >&2; return 1; }
      echo /usr/bin ;;
    3.5) fetch_debian_etcd 3.5 ;;
    *) echo "unknown etcd version '$major' (3.4 or 3.5)" >&2; return 1 ;;
  esac
}

# fetch_debian_etcd MAJOR: prints the bin folder of the newest MAJOR.x that sid or trixie ship.
fetch_debian_etcd() {
  local major=$1
  local cached
  cached=$(ls -d "$ETCD_CACHE/$major".*/usr/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$cached" ] && [ -x "$cached/etcd" ] && [ -x "$cached/etcdctl" ]; then
    echo "$cached"
    return 0
  fi
  fetch_newer_debian "$ETCD_CACHE" "$major." etcd-server etcd-client
}

# ensure_kubectl: kubectl on PATH (for `kubectl kustomize`); when the machine has none, Debian's
# kubectl package from sid/trixie, fetched the same way into the cache.
ensure_kubectl() {
  command -v kubectl >/dev/null && return 0
  local cache=${ETCD_CACHE%/etcd}/kubectl dir
  dir=$(ls -d "$cache"/*/usr/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/kubectl" ] || dir=$(fetch_newer_debian "$cache" "" kubectl) || return 1
  export PATH="$dir:$PATH"
}

# fetch_newer_debian CACHE VERSION_PREFIX PACKAGE...: the newest version (starting with the prefix)
# of the first package that sid or trixie ship, with the others at the same version, unpacked into
# CACHE/<version>; prints its usr/bin.
fetch_newer_debian() {
  local cache=$1 prefix=$2; shift 2
  local main=$1
  command -v dpkg-deb >/dev/null && command -v apt-get >/dev/null || { echo "apt-get and dpkg-deb are needed to fetch $main" >&2; return 1; }
  local apt_dir
  apt_dir=$(mktemp -d /tmp/etcdrem-apt-XXXXXX)
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/debs"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' sid trixie >"$apt_dir/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o Dir::State::status=/dev/null
    -o "Dir::Cache=$apt_dir" -o "Dir::Cache::Archives=$apt_dir/archives" -o APT::Sandbox::User=root)
  echo "fetching $* from Debian (sid/trixie) into $cache..." >&2
  if ! apt-get "${opts[@]}" -qq update >/dev/null 2>"$apt_dir/update.err"; then
    cat "$apt_dir/update.err" >&2; rm -rf "$apt_dir"; return 1
  fi
  local version
  version=$(apt-cache "${opts[@]}" madison "$main" | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep "^$prefix" | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    echo "no $main ${prefix}x in Debian sid or trixie" >&2; rm -rf "$apt_dir"; return 1
  fi
  local wanted=() pkg
  for pkg in "$@"; do wanted+=("$pkg=$version"); done
  if ! (cd "$apt_dir/debs" && apt-get "${opts[@]}" -qq download "${wanted[@]}" >/dev/null 2>&1); then
    echo "could not download ${wanted[*]}" >&2; rm -rf "$apt_dir"; return 1
  fi
  local target="$cache/${version%%-*}"
  target=${target//[:+~]/_}
  rm -rf "$target.tmp" && mkdir -p "$target.tmp"
  for deb in "$apt_dir"/debs/*.deb; do dpkg-deb -x "$deb" "$target.tmp" || { rm -rf "$apt_dir" "$target.tmp"; return 1; }; done
  rm -rf "$apt_dir" "$target" && mv "$target.tmp" "$target"
  echo "$target/usr/bin"
}

# etcd_version DIR: "3.5.30" for the etcd in DIR.
etcd_version() { "$1/etcd" --version 2>/dev/null | sed -n 's/^etcd Version: //p'; }
