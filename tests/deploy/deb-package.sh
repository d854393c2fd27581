#!/usr/bin/env bash
# Proves the Debian package. It builds the package with cpack from a build folder and checks
# its metadata and contents, then installs it with dpkg, runs `agora --version` from it and has
# systemd-analyze verify the unit template for two instances. Finally it removes and purges
# the package (and the agora user when this run created it). The tarball's contents are
# checked too.
#
#   tests/deploy/deb-package.sh BUILD_DIR
#
# Needs root for dpkg; refuses to touch a machine where an agora package is already installed.
set -euo pipefail

build=$(cd "${1:?usage: deb-package.sh BUILD_DIR}" && pwd)
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
work=$(mktemp -d /tmp/agora-deb.XXXXXX)
installed=0
created_user=0
checks=0

ok() {
  checks=$((checks + 1))
  echo "ok - $*"
}
fail() {
  echo "not ok - $*" >&2
  exit 1
}

cleanup() {
  local status=$?
  set +e
  if [ $installed -eq 1 ]; then dpkg --purge agora >/dev/null 2>&1; fi
  if [ $created_user -eq 1 ] && getent passwd agora >/dev/null; then
    deluser --system agora >/dev/null 2>&1
    getent group agora >/dev/null && delgroup --system agora >/dev/null 2>&1
  fi
  rm -rf "$work"
  if [ $status -eq 0 ]; then echo "$checks passed, 0 failed"; else echo "$checks passed, 1 failed"; fi
  exit $status
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "run as root: dpkg installs the package"
if dpkg-query -W -f='${Status}' agora 2>/dev/null | grep -q "installed"; then
  fail "an agora package is already installed here; remove it first (dpkg -r agora)"
fi
getent passwd agora >/dev/null || created_user=1

# ---- build ----

(cd "$build" && cpack -G "DEB;TGZ" -B "$work/cpack" -D CPACK_OUTPUT_FILE_PREFIX="$work/packages" \
  >"$work/cpack.log" 2>&1) ||
  { tail -30 "$work/cpack.log" >&2; fail "cpack -G DEB;TGZ"; }
deb=$(ls "$work"/packages/agora_*.deb)
tarball=$(ls "$work"/packages/agora-*.tar.gz)
ok "cpack builds $(basename "$deb") and $(basename "$tarball")"

# ---- metadata and contents ----

control=$(dpkg-deb --field "$deb")
[ "$(dpkg-deb --field "$deb" Version)" = "$version-1" ] || fail "version is not $version-1"
depends=$(dpkg-deb --field "$deb" Depends)
for library in libpocofoundation80 libpoconetssl80 libpocodatamysql80 libpocoredis80 \
    libargon2-1 libutf8proc2 libmariadb3 libssl3 adduser; do
  grep -q "$library" <<<"$depends" || fail "Depends lacks $library: $depends"
done
ok "Depends names the shared libraries (from dpkg-shlibdeps) and adduser"

dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$work" ./conffiles ./postinst ./prerm ./postrm
grep -qx /etc/agora/agora.properties "$work/conffiles" || fail "agora.properties is no conffile"
grep -qx /etc/agora/roles/catalog.env "$work/conffiles" || fail "roles/catalog.env is no conffile"
ok "configuration files are conffiles"

contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for path in ./usr/bin/agora ./etc/agora/agora.properties ./etc/agora/roles/all.env \
    ./usr/lib/systemd/system/agora@.service ./usr/share/doc/agora/agora.example.properties; do
  grep -qx "$path" <<<"$contents" || fail "the package lacks $path"
done
tar_contents=$(tar -tzf "$tarball")
for path in usr/bin/agora etc/agora/agora.properties usr/lib/systemd/system/agora@.service; do
  grep -q "/$path$" <<<"$tar_contents" || fail "the tarball lacks $path"
done
ok "both packages hold the binary, the configuration and the unit template"
grep -q '^Package: agora$' <<<"$control" || fail "package name"

# ---- install, run, verify the unit ----

dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
installed=1
ok "dpkg -i installs it"

[ "$(/usr/bin/agora --version)" = "agora $version" ] || fail "agora --version from /usr/bin"
ok "/usr/bin/agora --version prints agora $version"

IFS=: read -r _ _ uid _ _ home shell < <(getent passwd agora) || fail "no agora user"
[ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] || fail "agora is no system user"
ok "postinst created the system user agora (uid $uid)"

for role in catalog all; do
  systemd-analyze verify "agora@$role.service" >"$work/verify.log" 2>&1 ||
    { cat "$work/verify.log" >&2; fail "systemd-analyze verify agora@$role.service"; }
  # verify exits 0 for some problems too; any line about our unit is one.
  if grep -i "agora@" "$work/verify.log" >&2; then fail "systemd-analyze warns about agora@$role"; fi
done
ok "systemd-analyze verify accepts agora@catalog.service and agora@all.service"

# ---- remove and purge ----

dpkg -r agora >/dev/null 2>&1 || fail "dpkg -r agora"
[ ! -e /usr/bin/agora ] || fail "/usr/bin/agora is still there after dpkg -r"
[ -e /etc/agora/agora.properties ] || fail "dpkg -r removed the conffile"
dpkg --purge agora >/dev/null 2>&1 || fail "dpkg --purge agora"
installed=0
[ ! -e /etc/agora/agora.properties ] || fail "dpkg --purge left /etc/agora/agora.properties"
ok "dpkg -r removes the binary and keeps the configuration; --purge removes that too"
