#!/usr/bin/env bash
# Builds the two local images of the container tests with `docker import`; nothing is ever pulled.
#
#   posixmq-it/tools:<hash>  busybox (static, from Debian's busybox-static package), mqtool and the
#                            order-producer of samples/native-producer, all statically linked (~3 MB)
#   posixmq-it/java:<hash>   the same plus a JDK 17+ taken from this host with the glibc libraries it needs,
#                            able to run the packaged order-pipeline sample (`java -jar`)
#
# <hash> is a hash of everything that goes in (this script, the C sources, the busybox package, the JDK), so a
# second run with the same inputs only checks that the images exist. Prints "tools=IMAGE" and "java=IMAGE".
#
# Environment: POSIXMQ_IT_JAVA_HOME (default: JAVA_HOME, else the `java` on PATH), POSIXMQ_IT_CACHE (default
# ~/.cache/posixmq-it: the busybox package and a lock).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../../.." && pwd)
producer_dir=$project/samples/native-producer
cache=${POSIXMQ_IT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/posixmq-it}
java_home=${POSIXMQ_IT_JAVA_HOME:-${JAVA_HOME:-}}
if [ -z "$java_home" ]; then
  java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
fi
java_home=$(readlink -f "$java_home")

say() { echo "build-images: $*" >&2; }

mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9 # one build at a time (CI script and tests may race)

# ---- inputs
java_version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null || true)
if [ -z "$java_version" ] || [ "$java_version" -lt 17 ]; then
  say "need a JDK 17 or newer; $java_home has '${java_version:-no release file}' (set POSIXMQ_IT_JAVA_HOME)"
  exit 1
fi

busybox_deb=$(ls "$cache"/busybox-static_*.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$busybox_deb" ]; then
  say "downloading busybox-static (Debian package)"
  if ! (cd "$cache" && apt-get download -qq busybox-static >/dev/null 2>&1); then
    [ "$(id -u)" = 0 ] && apt-get update -qq
    (cd "$cache" && apt-get download -qq busybox-static >/dev/null)
  fi
  busybox_deb=$(ls "$cache"/busybox-static_*.deb | tail -n 1)
fi

producer_sources=() # the sample's Makefile and C sources, when the sample is there
if [ -f "$producer_dir/Makefile" ]; then
  mapfile -t producer_sources < <(find "$producer_dir" -maxdepth 1 \( -name Makefile -o -name '*.[ch]' \) | sort)
fi

tools_hash=$( {
  cat "$here/build-images.sh" "$here/mqtool.c"
  sha256sum "$busybox_deb" | cut -d' ' -f1
  [ ${#producer_sources[@]} -eq 0 ] || cat "${producer_sources[@]}"
  gcc --version | head -n 1
} | sha256sum | cut -c1-12)
java_hash=$( {
  echo "$tools_hash $java_home"
  cat "$java_home/release"
  stat -c '%s %Y' "$java_home/lib/modules"
} | sha256sum | cut -c1-12)
tools_image=posixmq-it/tools:$tools_hash
java_image=posixmq-it/java:$java_hash

exists() { docker image inspect "$1" >/dev/null 2>&1; }

if exists "$tools_image" && exists "$java_image"; then
  echo "tools=$tools_image"
  echo "java=$java_image"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- tools root file system: static binaries only
build_tools_root() {
  local root=$1
  mkdir -p "$root"/{bin,tmp,proc,sys,dev,etc} "$root/usr/bin"
  chmod 1777 "$root/tmp"
  dpkg-deb -x "$busybox_deb" "$work/busybox"
  cp "$work/busybox/bin/busybox" "$root/bin/busybox"
  local applet
  for applet in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  gcc -O2 -s -static -o "$root/bin/mqtool" "$here/mqtool.c" -lrt
  if [ ${#producer_sources[@]} -gt 0 ]; then
    make -s -C "$producer_dir" static OUT="$root/bin" >&2 # bin/order-producer
    strip "$root/bin/order-producer"
  fi
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001:app:/tmp:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\napp:x:10001:\n' >"$root/etc/group"
}

import() { # import ROOT IMAGE DOCKER_CHANGES...
  local root=$1 image=$2
  shift 2
  local args=()
  local change
  for change in "$@"; do args+=(-c "$change"); done
  tar -C "$root" -c . | docker import "${args[@]}" - "$image" >/dev/null
  docker tag "$image" "${image%%:*}:latest"
  # drop older builds of the same image
  docker images --format '{{.Repository}}:{{.Tag}}' "${image%%:*}" \
    | grep -v -e ":${image##*:}\$" -e ':latest$' | xargs -r docker rmi >/dev/null 2>&1 || true
  say "built $image ($(du -sh "$root" | cut -f1))"
}

if ! exists "$tools_image"; then
  build_tools_root "$work/tools"
  import "$work/tools" "$tools_image" 'ENV PATH=/bin:/usr/bin'
fi

if ! exists "$java_image"; then
  root=$work/java
  [ -d "$work/tools" ] || build_tools_root "$work/tools"
  cp -a "$work/tools" "$root"
  # the host's merged /usr layout, so that the paths ldd prints work unchanged
  mkdir -p "$root/usr/lib/x86_64-linux-gnu" "$root/usr/lib64"
  if [ -L /lib ]; then ln -s usr/lib "$root/lib"; fi
  if [ -L /lib64 ]; then ln -s usr/lib64 "$root/lib64"; fi
  # the JDK, symlinks resolved (Debian's point into /etc), without what only compiling or debugging needs
  mkdir -p "$root/opt/java"
  (cd "$java_home" && find . \( -path ./jmods -o -path ./include -o -path ./man -o -path ./docs -o -path ./demo \
      -o -name src.zip -o -name ct.sym -o -name 'libatk-wrapper.so' \) -prune -o \( -type f -o -type l \) -print0 \
    | xargs -0 cp -L --parents -t "$root/opt/java" 2>/dev/null || true)
  for needed in bin/java lib/modules lib/server/libjvm.so; do
    [ -e "$root/opt/java/$needed" ] || { say "copying the JDK failed: $needed is missing"; exit 1; }
  done
  # the shared libraries the JDK links against, plus all of libc6 (JNA opens libc and librt by name)
  {
    find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null \
      | awk '/=> \// { print $3 } /^\t\/[^ ]*ld-linux/ { print $1 }'
    dpkg -L libc6 2>/dev/null | grep -E '/lib(64)?/.*\.so' || true
  } | sort -u | while read -r lib; do
    if [ -e "$lib" ]; then cp -L --parents "$lib" "$root"; fi
  done
  import "$root" "$java_image" 'ENV PATH=/opt/java/bin:/bin:/usr/bin' 'ENV JAVA_HOME=/opt/java'
fi

echo "tools=$tools_image"
echo "java=$java_image"
