#!/usr/bin/env bash
# Checks a monitoring file with promtool for ctest: a scrape configuration, a rules file, or the
# unit tests of a rules file.
#
#   promtool-check.sh config|rules|test FILE
#
# Debian's promtool is built without Kubernetes service discovery and rejects
# kubernetes_sd_configs. With such a promtool, `config` checks a copy of FILE in which each
# kubernetes_sd_configs block is an empty static_configs block, so every other part is still
# checked, and prints a note that it did so.
set -euo pipefail

mode=${1:-}
file=${2:-}
if [ -z "$mode" ] || [ ! -f "$file" ]; then
  echo "usage: promtool-check.sh config|rules|test FILE" >&2
  exit 2
fi
command -v promtool >/dev/null || {
  echo "promtool is missing: install Debian's prometheus package (scripts/install-deps.sh prometheus)" >&2
  exit 1
}

# True when this promtool supports kubernetes_sd_configs.
supports_kubernetes() {
  local probe
  probe=$(mktemp)
  printf 'scrape_configs:\n  - job_name: probe\n    kubernetes_sd_configs:\n      - role: pod\n' >"$probe"
  local result=0
  promtool check config "$probe" >/dev/null 2>&1 || result=1
  rm -f "$probe"
  return $result
}

check_config() {
  if ! grep -q 'kubernetes_sd_configs:' "$file" || supports_kubernetes; then
    promtool check config "$file"
    return
  fi
  local folder copy
  folder=$(mktemp -d)
  trap 'rm -rf "$folder"' RETURN
  # The copy sits beside copies of the rule files it names, so those are checked too.
  cp "$(dirname "$file")"/*.yml "$folder/"
  copy=$folder/$(basename "$file")
  awk '
    skipping && match($0, /^ */) && RLENGTH > indent && $0 !~ /^ *$/ { next }
    { skipping = 0 }
    /^ *kubernetes_sd_configs:/ {
      match($0, /^ */); indent = RLENGTH; skipping = 1
      pad = sprintf("%*s", indent, "")
      print pad "static_configs:"; print pad "  - targets: []"; next
    }
    { print }
  ' "$file" >"$copy"
  if grep -q 'kubernetes_sd_configs:' "$copy"; then
    echo "promtool-check: could not set aside the kubernetes_sd_configs blocks of $file" >&2
    return 1
  fi
  echo "promtool-check: this promtool lacks Kubernetes discovery; checking $file with its" \
    "kubernetes_sd_configs blocks set aside (relabelling, rule files and all else are checked)"
  promtool check config "$copy"
}

case "$mode" in
  config) check_config ;;
  rules) promtool check rules "$file" ;;
  test) cd "$(dirname "$file")" && promtool test rules "$(basename "$file")" ;;
  *) echo "usage: promtool-check.sh config|rules|test FILE" >&2; exit 2 ;;
esac
