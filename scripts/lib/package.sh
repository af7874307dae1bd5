# The release's packing, shared by scripts/package.sh and the test that unpacks a release as a user does
# (tests/EtcdRemediator.IntegrationTests/EndToEnd/ReleaseTarballTests.cs). Needs scripts/lib/publish.sh (elf_machine).

# pack_release FOLDER ARCH DIST: FOLDER, a published service named as its tarball (etcd-remediator-VERSION-linux-ARCH),
# checked to be native ARCH code and packed as DIST/NAME.tar.gz with only what the service loads, owned by root.
pack_release() {
  local folder=$1 arch=$2 dist=$3 name machine
  name=$(basename "$folder")
  machine=$(elf_machine "$folder/EtcdRemediator")
  [ "$machine" = "$arch" ] || { echo "$name/EtcdRemediator is not native $arch code (ELF machine: $machine)" >&2; return 1; }
  # The static web assets manifest is the SDK's, for a development host.
  rm -f "$folder"/*.staticwebassets.endpoints.json || return 1
  tar -C "$(dirname "$folder")" --owner=0 --group=0 --sort=name -czf "$dist/$name.tar.gz" "$name" || return 1
  echo "$dist/$name.tar.gz: $(tar -tzf "$dist/$name.tar.gz" | tr '\n' ' ')"
}

# write_sums DIST: DIST/SHA256SUMS over its tarballs (`sha256sum -c SHA256SUMS` checks a download).
write_sums() { (cd "$1" && sha256sum -- *.tar.gz >SHA256SUMS); }
