#!/usr/bin/env bash
# Installs and starts, on a Debian bookworm machine as root, what the action
# and its tests need: Docker engine, buildx, QEMU user emulators, the CNCF
# distribution registry, skopeo and oras (independent registry clients),
# htpasswd, and static busybox binaries for each test architecture.
# Idempotent: a second run changes nothing and prints one line.
set -euo pipefail

CACHE=${MULTIARCH_CACHE:-/var/cache/multiarch-action}
ARCHES=(amd64 arm64 s390x ppc64el)   # busybox-static from bookworm
LOG=$(mktemp /tmp/setup-machine.XXXXXX.log)
trap 'rm -f "$LOG"' EXIT

say() { printf 'setup-machine: %s\n' "$*"; }
quiet() { "$@" >>"$LOG" 2>&1 || { cat "$LOG" >&2; return 1; }; }

[[ $(id -u) == 0 ]] || { say "run as root (apt, binfmt_misc and dockerd need it)"; exit 1; }

add_sources() {
  local changed=0
  for a in arm64 s390x ppc64el; do
    dpkg --print-foreign-architectures | grep -qx "$a" || { dpkg --add-architecture "$a"; changed=1; }
  done
  if ! grep -qs '^Architectures: amd64' /etc/apt/sources.list.d/trixie.sources; then
    # amd64 only: apt drops a whole suite when one index fails, and trixie's
    # riscv64 index is often mid-sync. riscv64 has its own apt state below.
    cat >/etc/apt/sources.list.d/trixie.sources <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Architectures: amd64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    # trixie only serves what is asked for by name (-t trixie); never upgrades bookworm.
    printf 'Package: *\nPin: release n=trixie\nPin-Priority: 50\n' >/etc/apt/preferences.d/trixie-low
    changed=1
  fi
  return $changed
}

apt_update() {
  # trixie's index is sometimes mid-sync: a failed update is tolerated as long
  # as bookworm's lists are there; riscv64 is then skipped later.
  apt-get update >>"$LOG" 2>&1 || say "apt-get update reported errors (tolerated; see riscv64 below)"
}

need_install=()
for cmd in dockerd:docker.io qemu-aarch64-static:qemu-user-static docker-registry:docker-registry \
           skopeo:skopeo htpasswd:apache2-utils curl:curl jq:jq dpkg-deb:dpkg; do
  command -v "${cmd%%:*}" >/dev/null || need_install+=("${cmd#*:}")
done

sources_changed=0
add_sources || sources_changed=1
if (( ${#need_install[@]} )) || (( sources_changed )) || [[ ! -d /var/lib/apt/lists ]] || \
   ! compgen -G '/var/lib/apt/lists/*trixie*Packages*' >/dev/null; then
  say "installing ${need_install[*]:-apt indexes}"
  apt_update
  if (( ${#need_install[@]} )); then
    quiet env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_install[@]}"
  fi
fi

# Extracts one file from a Debian package of the given suite into DEST.
fetch_from_deb() { # pkg suite path-inside dest
  local pkg=$1 suite=$2 inside=$3 dest=$4 tmp
  [[ -x $dest ]] && return 0
  tmp=$(mktemp -d)
  ( cd "$tmp" && apt-get download ${suite:+-t "$suite"} "$pkg" >>"$LOG" 2>&1 ) || { rm -rf "$tmp"; return 1; }
  dpkg-deb -x "$tmp"/*.deb "$tmp/x"
  install -D -m 0755 "$tmp/x/$inside" "$dest"
  rm -rf "$tmp"
}

# buildx: not in bookworm; trixie's docker-buildx is a static Go binary.
if ! docker buildx version >/dev/null 2>&1; then
  say "installing buildx from trixie"
  fetch_from_deb docker-buildx trixie usr/libexec/docker/cli-plugins/docker-buildx \
    /usr/libexec/docker/cli-plugins/docker-buildx
  mkdir -p /usr/local/lib/docker/cli-plugins
  ln -sf /usr/libexec/docker/cli-plugins/docker-buildx /usr/local/lib/docker/cli-plugins/docker-buildx
fi

# oras: an independent OCI client, from trixie (static Go binary).
if ! command -v oras >/dev/null; then
  say "installing oras from trixie"
  fetch_from_deb oras trixie usr/bin/oras /usr/local/bin/oras || say "oras unavailable (trixie index); skopeo still checks pushes"
fi

# Static busybox per architecture: the only userland test images have.
for a in "${ARCHES[@]}"; do
  fetch_from_deb "busybox-static:$a" "" bin/busybox "$CACHE/busybox/$a/busybox" || { say "busybox-static:$a failed"; exit 1; }
done
# riscv64 is only in trixie, through a separate apt state so that a mid-sync
# riscv64 index never takes the other indexes down with it.
fetch_riscv64_busybox() {
  local d=$CACHE/apt-riscv64
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nArchitectures: riscv64\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$d/riscv64.sources"
  local opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$d" -o Dir::State::Lists="$d/lists"
              -o Dir::Cache="$d/cache" -o APT::Architectures::=riscv64)
  apt-get "${opts[@]}" update >>"$LOG" 2>&1 || return 1
  local tmp; tmp=$(mktemp -d)
  ( cd "$tmp" && apt-get "${opts[@]}" download busybox-static:riscv64 >>"$LOG" 2>&1 ) || { rm -rf "$tmp"; return 1; }
  dpkg-deb -x "$tmp"/*.deb "$tmp/x" && install -D -m 0755 "$tmp/x/bin/busybox" "$CACHE/busybox/riscv64/busybox"
  rm -rf "$tmp"
}
# A failed try is remembered for an hour, so runs in between stay quiet.
stamp=$CACHE/riscv64.unavailable
if [[ ! -x $CACHE/busybox/riscv64/busybox ]] && ! [[ -n $(find "$stamp" -mmin -60 2>/dev/null) ]]; then
  if fetch_riscv64_busybox; then rm -f "$stamp"; else
    touch "$stamp"
    say "riscv64 busybox unavailable (trixie riscv64 index mid-sync?): riscv64 tests will skip"
  fi
fi

# binfmt_misc: mounted so the action can register emulators.
if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi

# dockerd: no systemd here, no bridge (private ranges are off limits).
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd"
  mkdir -p /var/log
  nohup dockerd --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
    >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -n 30 /var/log/dockerd.log >&2; say "dockerd did not start"; exit 1; }
fi

[[ ${SETUP_VERBOSE:-} ]] && say "ready (docker $(docker version -f '{{.Server.Version}}'), $(docker buildx version | cut -d' ' -f1-2), busybox in $CACHE/busybox)"
exit 0
