# The Debian packages each README command needs; sourced by the scripts beside it.
# shellcheck shell=bash
AGORA_BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config git psmisc
  libpoco-dev libssl-dev libargon2-dev libutf8proc-dev libsqlite3-dev libmariadb-dev
  openssl ca-certificates curl
)
AGORA_TEST_PACKAGES=(
  "${AGORA_BUILD_PACKAGES[@]}"
  libgtest-dev
  redis-server redis-tools
  mariadb-server mariadb-client
  nginx
  chromium nodejs
  prometheus
  # The Debian package test: dpkg-shlibdeps, the file utility CPack runs before it, and
  # systemd-analyze verify.
  dpkg-dev file systemd
  # The asan preset: clang, its sanitizer and libFuzzer runtimes, and llvm-symbolizer for
  # readable sanitizer stack traces.
  clang-14 libclang-rt-14-dev llvm-14
)
# The storefront's browser tests run on node and npm. NodeSource's nodejs brings its own npm;
# Debian's needs the npm package.
command -v npm >/dev/null 2>&1 || AGORA_TEST_PACKAGES+=(npm)
# What scripts/topology.sh runs besides agora itself.
AGORA_TOPOLOGY_PACKAGES=(
  nginx openssl curl mariadb-server mariadb-client redis-server redis-tools
)
# What bench/run.sh needs: the build, the topology, the load generator and the profiler it runs
# when a target is missed.
AGORA_BENCH_PACKAGES=(
  "${AGORA_BUILD_PACKAGES[@]}"
  "${AGORA_TOPOLOGY_PACKAGES[@]}"
  wrk linux-perf binutils
)
# What docker/test-containers.sh needs: a Docker engine, debootstrap for the base images,
# and the servers it runs beside the containers.
AGORA_CONTAINER_TEST_PACKAGES=(
  docker.io debootstrap git openssl curl
  nginx mariadb-server mariadb-client redis-server redis-tools
)
