#!/usr/bin/env bash
# Installs and starts, on a Debian bookworm machine as root, what the action
# and its tests need: two Docker engines (20.10 with the classic image store on
# the default socket, 26 with the containerd image store on
# /var/run/docker26.sock), buildx, QEMU user emulators, the CNCF
# distribution registry, docker compose, skopeo, oras and cosign (independent registry clients),
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

# The Debian mirror this machine already uses for bookworm (a runner may have an
# internal one): the first URI of a deb822 stanza or one-line source whose
# suites include bookworm itself.
debian_mirror() {
  local uri
  uri=$(awk 'BEGIN { RS = ""; FS = "\n" }
    { uris = ""; hit = 0; off = 0
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^[ \t]*#/) continue
        if ($i ~ /^URIs:/) { split($i, u, /[ \t]+/); uris = u[2] }
        if ($i ~ /^Suites:/ && (" " $i " ") ~ /[ \t]bookworm[ \t]/) hit = 1
        if ($i ~ /^Enabled:[ \t]*no/) off = 1
      }
      if (hit && !off && uris != "") { print uris; exit } }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
  [[ -n $uri ]] || uri=$(sed -nE 's/^deb[ \t]+(\[[^]]*\][ \t]+)?([^ \t]+)[ \t]+bookworm[ \t].*/\2/p' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
  [[ -n $uri ]] || { say "no bookworm source in /etc/apt to take the Debian mirror from"; return 1; }
  printf '%s\n' "${uri%/}"
}

# One deb822 stanza for trixie main on the given architecture, from MIRROR.
trixie_source() { # arch
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nArchitectures: %s\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$MIRROR" "$1"
}

add_sources() {
  local changed=0
  for a in arm64 s390x ppc64el; do
    dpkg --print-foreign-architectures | grep -qx "$a" || { dpkg --add-architecture "$a"; changed=1; }
  done
  # amd64 only: apt drops a whole suite when one index fails, and trixie's
  # riscv64 index is often mid-sync. riscv64 has its own apt state below.
  if [[ $(trixie_source amd64) != "$(cat /etc/apt/sources.list.d/trixie.sources 2>/dev/null)" ]]; then
    trixie_source amd64 >/etc/apt/sources.list.d/trixie.sources
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

MIRROR=$(debian_mirror)
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

# Extracts files from one Debian package of the given suite: pairs of a path
# inside the package and where to install it. Does nothing when all are there.
fetch_from_deb() { # pkg suite inside dest [inside dest ...]
  local pkg=$1 suite=$2 tmp rc=0
  shift 2
  local pairs=("$@") i missing=0
  for ((i = 1; i < ${#pairs[@]}; i += 2)); do [[ -x ${pairs[i]} ]] || missing=1; done
  (( missing )) || return 0
  tmp=$(mktemp -d)
  if ( cd "$tmp" && apt-get download ${suite:+-t "$suite"} "$pkg" >>"$LOG" 2>&1 ) && dpkg-deb -x "$tmp"/*.deb "$tmp/x"; then
    for ((i = 0; i < ${#pairs[@]}; i += 2)); do
      install -D -m 0755 "$tmp/x/${pairs[i]}" "${pairs[i + 1]}" || rc=1
    done
  else
    rc=1
  fi
  rm -rf "$tmp"
  return $rc
}

# buildx: not in bookworm; trixie's docker-buildx is a static Go binary.
if ! docker buildx version >/dev/null 2>&1; then
  say "installing buildx from trixie"
  fetch_from_deb docker-buildx trixie usr/libexec/docker/cli-plugins/docker-buildx \
    /usr/libexec/docker/cli-plugins/docker-buildx
  mkdir -p /usr/local/lib/docker/cli-plugins
  ln -sf /usr/libexec/docker/cli-plugins/docker-buildx /usr/local/lib/docker/cli-plugins/docker-buildx
fi

# Compose v2 (Hub's automated tests, docker-compose.test.yml): not in bookworm;
# trixie's docker-compose is a Go binary, a CLI plugin also put on PATH.
if ! docker compose version >/dev/null 2>&1 || ! command -v docker-compose >/dev/null; then
  say "installing docker compose from trixie"
  fetch_from_deb docker-compose trixie usr/libexec/docker/cli-plugins/docker-compose \
    /usr/libexec/docker/cli-plugins/docker-compose
  mkdir -p /usr/local/lib/docker/cli-plugins
  ln -sf /usr/libexec/docker/cli-plugins/docker-compose /usr/local/lib/docker/cli-plugins/docker-compose
  ln -sf /usr/libexec/docker/cli-plugins/docker-compose /usr/local/bin/docker-compose
fi

# oras: an independent OCI client, from trixie (static Go binary).
if ! command -v oras >/dev/null; then
  say "installing oras from trixie"
  fetch_from_deb oras trixie usr/bin/oras /usr/local/bin/oras || say "oras unavailable (trixie index); skopeo still checks pushes"
fi

# cosign: an independent signing client (signatures and attestations carried
# and made by the action are checked with it), from trixie (static Go binary).
if ! command -v cosign >/dev/null; then
  say "installing cosign from trixie"
  fetch_from_deb cosign trixie usr/bin/cosign /usr/local/bin/cosign || say "cosign unavailable (trixie index); signature tests skip"
fi

# Static busybox per architecture: the only userland test images have.
for a in "${ARCHES[@]}"; do
  fetch_from_deb "busybox-static:$a" "" bin/busybox "$CACHE/busybox/$a/busybox" || { say "busybox-static:$a failed"; exit 1; }
done
# riscv64 is only in trixie, through a separate apt state so that a mid-sync
# riscv64 index never takes the other indexes down with it. trixie has merged
# /usr: its busybox is usr/bin/busybox (bookworm's is bin/busybox).
fetch_riscv64_busybox() {
  local d=$CACHE/apt-riscv64 tmp f rc=1
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  trixie_source riscv64 >"$d/riscv64.sources"
  local opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$d" -o Dir::State::Lists="$d/lists"
              -o Dir::Cache="$d/cache" -o APT::Architectures::=riscv64)
  # A mid-sync index makes update exit non-zero; what counts is whether the
  # package can then be downloaded (from this update's lists or the last good ones).
  apt-get "${opts[@]}" update >>"$LOG" 2>&1 || true
  tmp=$(mktemp -d)
  if ( cd "$tmp" && apt-get "${opts[@]}" download busybox-static:riscv64 >>"$LOG" 2>&1 ) &&
     dpkg-deb -x "$tmp"/*.deb "$tmp/x"; then
    for f in usr/bin/busybox bin/busybox; do
      [[ -f $tmp/x/$f ]] && { install -D -m 0755 "$tmp/x/$f" "$CACHE/busybox/riscv64/busybox" && rc=0; break; }
    done
  fi
  rm -rf "$tmp"
  return $rc
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

# Waits for the engine on SOCKET; on a timeout prints its log's tail and fails.
wait_for_engine() { # socket log name
  for _ in $(seq 1 60); do docker -H "unix://$1" info >/dev/null 2>&1 && return 0; sleep 0.5; done
  tail -n 30 "$2" >&2
  say "$3 did not start"
  exit 1
}

# dockerd: no systemd here, no bridge (private ranges are off limits).
NO_BRIDGE=(--bridge=none --iptables=false --ip-masq=false --ip6tables=false)
if ! docker -H unix:///var/run/docker.sock info >/dev/null 2>&1; then
  say "starting dockerd"
  mkdir -p /var/log
  nohup dockerd "${NO_BRIDGE[@]}" >/var/log/dockerd.log 2>&1 &
  wait_for_engine /var/run/docker.sock /var/log/dockerd.log dockerd
fi

# The second engine: Docker 26 with the containerd image store, beside 20.10
# and sharing nothing with it (own socket, data, exec root, pid file; the
# containerd it manages lives under that exec root and data root). Binaries
# from trixie's packages; runc is bookworm's (trixie's needs a newer libc).
D26=/usr/local/lib/docker26
SOCK26=/var/run/docker26.sock
if [[ ! -x $D26/bin/dockerd || ! -x $D26/bin/containerd || ! -x $D26/bin/containerd-shim-runc-v2 ]]; then
  say "installing Docker 26 and containerd from trixie into $D26"
  fetch_from_deb docker.io trixie usr/sbin/dockerd "$D26/bin/dockerd" || { say "trixie's docker.io failed"; exit 1; }
  fetch_from_deb containerd trixie usr/bin/containerd "$D26/bin/containerd" \
    usr/bin/containerd-shim-runc-v2 "$D26/bin/containerd-shim-runc-v2" || { say "trixie's containerd failed"; exit 1; }
fi
if ! docker -H "unix://$SOCK26" info >/dev/null 2>&1; then
  say "starting dockerd 26 (containerd image store) on $SOCK26"
  mkdir -p /etc/docker26
  echo '{"features":{"containerd-snapshotter":true}}' >/etc/docker26/daemon.json
  # Its own directory first in PATH: dockerd starts that containerd, which finds that shim.
  PATH=$D26/bin:$PATH nohup "$D26/bin/dockerd" --config-file /etc/docker26/daemon.json -H "unix://$SOCK26" \
    --data-root /var/lib/docker26 --exec-root /var/run/docker26 --pidfile /var/run/docker26.pid \
    "${NO_BRIDGE[@]}" >/var/log/docker26.log 2>&1 &
  wait_for_engine "$SOCK26" /var/log/docker26.log "dockerd 26"
fi

[[ ${SETUP_VERBOSE:-} ]] && say "ready (docker $(docker -H unix:///var/run/docker.sock version -f '{{.Server.Version}}') and $(docker -H "unix://$SOCK26" version -f '{{.Server.Version}}') on $SOCK26, $(docker buildx version | cut -d' ' -f1-2), busybox in $CACHE/busybox)"
exit 0
