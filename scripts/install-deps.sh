#!/usr/bin/env bash
# Installs the Debian packages a command needs, only when some are missing.
# Usage: scripts/install-deps.sh PACKAGE...
set -euo pipefail

missing=()
for package in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
else
  sudo=
fi

# Another apt or dpkg run may hold the lock (unattended upgrades, a parallel install): wait.
wait_for_dpkg_lock() {
  local waited=0
  # Without fuser (a minimal system), apt's own lock timeout below does the waiting.
  command -v fuser >/dev/null 2>&1 || return 0
  while fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock \
      >/dev/null 2>&1; do
    if [ "$waited" -ge 600 ]; then
      echo "install-deps: the dpkg lock is still held after 10 minutes; giving up" >&2
      exit 1
    fi
    [ "$waited" -eq 0 ] && echo "install-deps: waiting for another package install to finish" >&2
    sleep 3
    waited=$((waited + 3))
  done
}

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
wait_for_dpkg_lock
$sudo apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null
wait_for_dpkg_lock
$sudo apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
