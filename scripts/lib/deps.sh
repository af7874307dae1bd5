# Installs Debian packages the project needs when they are missing. Sourced by the scripts.
# apt-get update runs at most once per invocation, and only when something is missing.

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  # policy-rc.d stops Debian's postinst from starting system services (etcd on :2379, prometheus
  # on :9090) that would collide with the ports our own stack or a user's tools expect.
  local policy=/usr/sbin/policy-rc.d created=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created=1
  fi
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  local rc=$?
  [ -n "$created" ] && $sudo rm -f "$policy"
  return $rc
}

ensure_dotnet() {
  command -v dotnet >/dev/null || { echo "The .NET SDK (10.0) is required: https://dot.net" >&2; exit 1; }
}
