#!/usr/bin/env bash
# Writes the secret files that a deployment reads, beside their committed *.example files:
# for every NAME.example in DIR without a NAME, a fresh random value of the right kind. Existing
# files are kept, so real passwords and certificates put there first win.
#   scripts/make-secrets.sh k8s/overlays/dev/secrets
#   scripts/make-secrets.sh docker/secrets
# The folder becomes private to its owner (0700). The files are 0644 inside it, because a
# compose file secret keeps its mode and the containers' non-root user must read it.
set -euo pipefail

dir=${1:?usage: make-secrets.sh SECRETS_DIR}
[ -d "$dir" ] || { echo "make-secrets: no folder $dir" >&2; exit 2; }
chmod 700 "$dir"

random() { openssl rand -hex 24 | tr -d '\n'; }

# Prints the new content of secret NAME.
generate() {
  local name=$1
  case "$name" in
    session-keys) echo "k1:$(openssl rand -base64 32)" ;;
    signing-key.pem) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null ;;
    service-clients)
      local clients="" role
      for role in auth users catalog orders; do
        clients="$clients${clients:+,}$role:$(cat "$dir/$role-client-secret")"
      done
      printf '%s' "$clients"
      ;;
    *-client-secret | *-password) random ;;
    *) echo "make-secrets: no rule for $dir/$name" >&2; return 1 ;;
  esac
}

write() {
  local name=$1
  [ -e "$dir/$name.example" ] && [ ! -e "$dir/$name" ] || return 0
  generate "$name" >"$dir/$name.new"
  chmod 644 "$dir/$name.new"
  mv "$dir/$name.new" "$dir/$name"
  echo "make-secrets: wrote $dir/$name"
}

# Client secrets first: service-clients lists them.
for example in "$dir"/*-client-secret.example; do
  [ -e "$example" ] && write "$(basename "${example%.example}")"
done
for example in "$dir"/*.example; do
  name=$(basename "${example%.example}")
  case "$name" in tls.crt | tls.key) continue ;; esac
  write "$name"
done
if [ -e "$dir/tls.crt.example" ] && [ ! -e "$dir/tls.crt" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 365 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
  chmod 644 "$dir/tls.key" "$dir/tls.crt"
  echo "make-secrets: wrote a self-signed $dir/tls.crt and $dir/tls.key (localhost)"
fi
