# The engine matrix's functions, sourced by ci/lane (see there for what each lane is).
# shellcheck shell=bash

LANES=${DOCKERLAB_LANES:-/var/cache/dockerlab}
LANE_NOFILE=1024        # the soft limit of a usual login shell: a leak of sockets shows here
VM_MEMORY=${DOCKERLAB_VM_MEMORY:-12G}
VM_TIMEOUT=${DOCKERLAB_VM_TIMEOUT:-2700}
# a suffix for the lane's state, so that several checkouts can each run a lane at once
LANE_TAG=${DOCKERLAB_LANE_TAG:+-$DOCKERLAB_LANE_TAG}

# What a learner's fresh Debian machine has before the kit: the kit itself installs Docker's
# packages (its own bring-up, tested here). chromium (and libatomic1, for playwright's node
# driver) is for the browser tests, the kernel for the cgroup-v2 lane's virtual machine.
BASE_PACKAGES="python3 python3-venv git procps iproute2 kmod sudo ca-certificates chromium \
  libatomic1 linux-image-cloud-amd64 initramfs-tools e2fsprogs uidmap rootlesskit slirp4netns"

# the tests of the lanes that run a share of the suite
CONTAINERD_STORE_TESTS="tests/unit tests/integration/test_layers_engine.py \
  tests/integration/test_build_engine.py tests/integration/test_registry.py \
  tests/integration/test_registry_auth_cleanup.py tests/integration/test_doctor_and_errors.py \
  tests/integration/test_engine_facts.py tests/integration/test_sockets.py \
  tests/integration/test_lab_session.py tests/exercises notebooks/00_welcome.ipynb \
  notebooks/01_images_and_layers.ipynb \
  notebooks/02_dockerfile_and_build_cache.ipynb notebooks/02b_dockerfile_instructions.ipynb \
  notebooks/05_registries.ipynb"
CGROUP_V2_TESTS="tests/unit/test_linux_logic.py tests/integration/test_linux_host.py \
  tests/integration/test_linux_helper.py \
  tests/integration/test_containers.py::test_a_memory_limit_gets_a_container_oom_killed \
  tests/integration/test_containers.py::test_a_cpu_quota_throttles_a_busy_loop \
  tests/integration/test_containers.py::test_absurd_memory_limits \
  tests/integration/test_containers.py::test_negative_cpu_quota \
  tests/integration/test_doctor_and_errors.py tests/integration/test_engine_facts.py \
  notebooks/03_containers.ipynb notebooks/03b_isolation_and_limits.ipynb \
  notebooks/07_under_the_hood_namespaces_cgroups.ipynb \
  notebooks/08_under_the_hood_overlayfs_and_handmade_container.ipynb"

say() { printf 'lane: %s\n' "$*" >&2; }
fail() { printf 'lane: %s\n' "$*" >&2; exit 1; }

lane_list() {
  cat <<'LIST'
host              ./kit test on this machine's engine
debian13          ./kit test on Debian 13: docker.io 26, BuildKit, OCI save, Compose v2
bookworm          ./kit test on Debian 12: docker.io 20.10, classic builder, Compose v1
containerd-store  Debian 14 (forky)'s docker.io 28 with the containerd image store: image, build, registry
forky             ./kit test on Debian 14 (forky, testing): docker.io 28, buildx 0.29, Python 3.14
cgroup-v2         Debian 13 booted as a virtual machine with cgroup v2: under-the-hood tests
LIST
}

# The second engine generation beside this host's: Debian 12 on a Debian 13 host, else 13.
other_generation() {
  if grep -q '^VERSION_ID="13"' /etc/os-release 2>/dev/null; then echo bookworm
  else echo debian13; fi
}

# Debian's suite of each lane: the engine generations learners have (20.10, 26, 28); the
# containerd image store lane runs the newest, closest to Docker 29 where that store is the
# default
suite_of() {
  case "$1" in bookworm) echo bookworm ;; forky|containerd-store) echo forky ;; *) echo trixie ;; esac
}

require_root() {
  [ "$(id -u)" = 0 ] || fail "$1 needs root (namespaces, mounts, debootstrap): run it as root"
}

debian_mirror() {  # the mirror this host's apt uses
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
    sed -n -e 's#^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*/debian\)/* .*#\2#p' \
      -e 's#^URIs:.*\(http[^ ]*/debian\)/*\( .*\)\{0,1\}$#\1#p' |
    head -1
}

host_tools() {  # what this host needs to build and enter the lanes
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v unshare >/dev/null || missing+=(util-linux)
  command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
  command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
  [ ${#missing[@]} -eq 0 ] && return
  say "installing ${missing[*]} on this host"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >/dev/null || fail "cannot install ${missing[*]}: no Debian mirror?"
}

# enter ROOT NET COMMAND: run COMMAND (sh) in ROOT in new mount and PID namespaces, and a new
# network namespace unless NET is "net". Binds come from the BIND_* variables.
enter() {
  local root=$1 net=$2 command=$3 flags=(--mount --propagation private --pid --fork)
  [ "$net" = net ] || flags+=(--net)
  unshare "${flags[@]}" /bin/sh -es "$root" "$net" "$command" \
    "${BIND_KIT:-}" "${BIND_VENV:-}" "${BIND_STATE:-}" <<'SH'
root=$1; net=$2; command=$3; kit=$4; venv=$5; state=$6
mount --bind "$root" "$root"
mount --rbind /dev "$root/dev"; mount -t proc proc "$root/proc"; mount --rbind /sys "$root/sys"
mount -t tmpfs tmpfs "$root/run"; mount -t tmpfs tmpfs "$root/tmp"
if [ -n "$kit" ]; then
  mkdir -p "$root/kit" "$kit/.venv"; mount --bind "$kit" "$root/kit"
  mount --bind "$venv" "$root/kit/.venv"
fi
if [ -n "$state" ]; then
  for dir in var/lib/docker var/lib/containerd var/lib/dockerlab etc/docker; do
    mkdir -p "$root/$dir" "$state/$dir"; mount --bind "$state/$dir" "$root/$dir"
  done
fi
if [ "$net" = net ]; then cp /etc/resolv.conf "$root/etc/resolv.conf"; else ip link set lo up; fi
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/host-ca.crt" 2>/dev/null || true
cd "$root"; mkdir -p .oldroot; pivot_root . .oldroot
exec /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive CI="${CI:-}" \
  PYTHONDONTWRITEBYTECODE=1 \
  PIP_CERT=/etc/ssl/certs/host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
  /bin/sh -c "umount -l /.oldroot && rmdir /.oldroot 2>/dev/null; $command"
SH
}

# ensure_rootfs SUITE: Debian SUITE's root file system, built once and reused while its
# package list stays the same (a half-built one is built again).
ensure_rootfs() {
  local suite=$1 root="$LANES/rootfs/$1" stamp wanted
  wanted=$(printf '%s\n' $BASE_PACKAGES | sort | tr '\n' ' ')
  stamp="$root/.dockerlab-rootfs"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then return; fi
  if [ -s "$stamp" ]; then  # built before with fewer packages: add the new ones
    say "adding packages to the Debian $suite root file system"
    BIND_KIT="" BIND_STATE="" enter "$root" net \
      "apt-get update -q && apt-get install -y -q --no-install-recommends $BASE_PACKAGES" \
      >> "$LANES/rootfs/$suite.log" 2>&1 && { echo "$wanted" > "$stamp"; return; }
    say "adding packages failed: building $suite again"
  fi
  host_tools
  local mirror; mirror=$(debian_mirror)
  [ -n "$mirror" ] || fail "no Debian mirror in this host's apt sources: set DEBIAN_MIRROR"
  say "building the Debian $suite root file system in $root (once; about 5 minutes)"
  rm -rf "$root"; mkdir -p "$root"
  # an older debootstrap has no script for a newer suite (testing) yet: unstable's fits it
  local script=/usr/share/debootstrap/scripts/$suite newer=""
  [ -e "$script" ] || { script=/usr/share/debootstrap/scripts/sid; newer=1; }
  debootstrap --variant=minbase --include=ca-certificates,mount "$suite" "$root" "$mirror" \
    "$script" > "$LANES/rootfs/$suite.log" 2>&1 ||
    fail "debootstrap of $suite from $mirror failed: see $LANES/rootfs/$suite.log"
  # testing's Release file is valid for a week only (stable's has no end), and apt refuses an
  # expired one: a mirror synced less often would stop the lane. Signatures are still checked.
  [ -z "$newer" ] ||
    echo 'Acquire::Check-Valid-Until "false";' > "$root/etc/apt/apt.conf.d/99dockerlab-lane"
  BIND_KIT="" BIND_STATE="" enter "$root" net \
    "apt-get update -q && apt-get install -y -q --no-install-recommends $BASE_PACKAGES" \
    >> "$LANES/rootfs/$suite.log" 2>&1 ||
    fail "installing the lane's packages into $suite failed: see $LANES/rootfs/$suite.log"
  echo "$wanted" > "$stamp"
}

# prepare LANE: the rootfs, the lane's venv and the kit's own system packages, installed the
# way a learner's machine gets them (./kit's bring-up), with the network.
prepare() {
  local lane=$1 suite; suite=$(suite_of "$1")
  require_root "lane $lane"
  mkdir -p "$LANES/rootfs"
  exec 9> "$LANES/rootfs/$suite.lock"  # one lane at a time builds or updates the shared parts
  flock 9
  ensure_rootfs "$suite"
  ROOT="$LANES/rootfs/$suite"
  export BIND_KIT="$CHECKOUT" BIND_VENV="$LANES/venv/$suite" BIND_STATE="$LANES/state/$lane$LANE_TAG"
  mkdir -p "$BIND_VENV"
  rm -rf "$BIND_STATE"; mkdir -p "$BIND_STATE"
  if [ "$lane" = containerd-store ]; then
    mkdir -p "$BIND_STATE/etc/docker"
    echo '{"features": {"containerd-snapshotter": true}}' > "$BIND_STATE/etc/docker/daemon.json"
  fi
  # packages installed into the rootfs never start their services (dockerd) on this host's
  # network during prepare: Debian's policy-rc.d convention, as container images have it
  printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"; chmod +x "$ROOT/usr/sbin/policy-rc.d"
  say "$lane: preparing (venv in $BIND_VENV, the kit's system packages)"
  enter "$ROOT" net "cd /kit && ./kit venv && .venv/bin/python -m dockerlab engine install" \
    > "$BIND_STATE.prepare.log" 2>&1 ||
    fail "$lane: preparing failed: $(tail -3 "$BIND_STATE.prepare.log" | tr '\n' ' ')"
  exec 9>&-
}

drop_state() {  # the engine's data goes; its log stays beside the state, for a red lane
  cp "$BIND_STATE/var/lib/dockerlab/dockerd.log" "$BIND_STATE.dockerd.log" 2>/dev/null || true
  rm -rf "$BIND_STATE"
}

lane_command() {  # the command a lane runs when none is given
  case "$1" in
    containerd-store) echo "./kit test $CONTAINERD_STORE_TESTS" ;;
    # and the exercise whose check reads cgroup v2's files (memory.max, memory.events)
    cgroup-v2) echo "./kit test $CGROUP_V2_TESTS && ./kit test tests/exercises -k killed_at" ;;
    *) echo "./kit test" ;;
  esac | sed 's/^/ /'
}

quoted() {  # words quoted for /bin/sh (dash): each in single quotes
  local out="" word
  for word in "$@"; do out+=" '${word//\'/\'\\\'\'}'"; done
  echo "$out"
}

lane_rootfs() {
  local lane=$1; shift
  local command; command=$([ $# -gt 0 ] && quoted "$@" || lane_command "$lane")
  prepare "$lane"
  trap drop_state EXIT
  say "$lane: running$command (ulimit -S -n $LANE_NOFILE, loopback only)"
  local start=$SECONDS status=0
  enter "$ROOT" nonet "ulimit -S -n $LANE_NOFILE; cd /kit && $command" || status=$?
  say "$lane: finished in $(( SECONDS - start )) s with exit status $status"
  return $status
}

# The VM lane: the rootfs plus a copy of the checkout and the venv on an ext4 disk, booted
# with the rootfs's own kernel (cgroup v2), its console streamed here.
lane_vm() {
  local lane=$1; shift
  local command; command=$([ $# -gt 0 ] && quoted "$@" || lane_command "$lane")
  host_tools
  prepare "$lane"
  VM_WORK="$BIND_STATE.vm" VM_DISK="$BIND_STATE.img"
  trap 'rm -rf "$VM_WORK" "$VM_DISK"; drop_state' EXIT
  local kernel initrd
  kernel=$(ls "$ROOT"/boot/vmlinuz-* 2>/dev/null | tail -1)
  initrd=$(ls "$ROOT"/boot/initrd.img-* 2>/dev/null | tail -1)
  [ -n "$kernel" ] && [ -n "$initrd" ] || fail "$lane: no kernel in $ROOT/boot (amd64 only)"
  local console="$BIND_STATE.console.log" boot status
  for boot in 1 2; do
    make_vm_disk "$lane" "$command"
    boot_vm "$lane" "$command" "$kernel" "$initrd" "$console"
    status=$(vm_status "$console")
    [ -z "$status" ] && [ "$boot" = 1 ] && guest_panicked "$console" || break
    # QEMU's multi-threaded emulation can run a stale copy of kernel code another vCPU has
    # just patched (static keys, text_poke's int3): the guest's kernel oopses on an int3
    # that is no longer there. Seen once in CI (runc making a cgroup, 71 s in); the emulator
    # failed, not a test, so the lane boots once more on a fresh disk, and says so.
    say "$lane: the VM's kernel panicked before the command gave its status: booting once more on a fresh disk"
  done
  [ -n "$status" ] || fail "$lane: the virtual machine gave no exit status"
  return "$status"
}

make_vm_disk() {  # a fresh ext4 disk: the rootfs, the checkout in /kit, its venv, the init
  local lane=$1 command=$2 work=$VM_WORK disk=$VM_DISK
  rm -rf "$work" "$disk"
  mkdir -p "$work/upper/kit" "$work/upper/usr/sbin" "$work/overlay-work" "$work/merged"
  tar -C "$CHECKOUT" --exclude=./.venv -cf - . | tar -C "$work/upper/kit" -xf -
  cp -a "$BIND_VENV" "$work/upper/kit/.venv"
  # under usr/: a real sbin/ in the upper layer would hide the rootfs's sbin -> usr/sbin link
  write_vm_init "$command" > "$work/upper/usr/sbin/dockerlab-vm-init"
  chmod +x "$work/upper/usr/sbin/dockerlab-vm-init"
  say "$lane: making the VM's disk"
  unshare --mount --propagation private /bin/sh -ec '
    mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/overlay-work" \
      "$2/merged"
    mkfs.ext4 -q -F -d "$2/merged" "$3" 24G' sh "$ROOT" "$work" "$disk" ||
    fail "$lane: making the VM's disk failed (overlayfs and mkfs.ext4 on this host?)"
}

boot_vm() {  # boots the disk, console to stdout and to the file $5, until power-off or timeout
  local lane=$1 command=$2 kernel=$3 initrd=$4 console=$5 start=$SECONDS
  say "$lane: booting (software emulation, 2 CPUs, $VM_MEMORY)$command"
  timeout "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 \
    -m "$VM_MEMORY" -drive file="$VM_DISK",if=virtio,format=raw -kernel "$kernel" \
    -initrd "$initrd" -display none -monitor none -serial stdio -no-reboot \
    -append "root=/dev/vda rw console=ttyS0 init=/usr/sbin/dockerlab-vm-init panic=-1 quiet loglevel=1" \
    -nic none < /dev/null | tee "$console" ||
    say "$lane: qemu ended with status ${PIPESTATUS[0]} (timeout: ${VM_TIMEOUT} s)"
  local status; status=$(vm_status "$console")
  say "$lane: finished in $(( SECONDS - start )) s with exit status ${status:-none}"
}

# the init prints the command's status on the console (a file on the disk may sit in the journal)
vm_status() { sed -n 's/^dockerlab-vm-status=\([0-9]*\).*/\1/p' "$1" | tail -1; }

guest_panicked() { grep -q 'Kernel panic - not syncing' "$1"; }

write_vm_init() {  # PID 1 of the VM: mounts, the command, its status on the disk, power off
  cat <<INIT
#!/bin/sh
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup; mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp
hostname dockerlab-vm; ip link set lo up
exec > /dev/ttyS0 2>&1
echo "vm: kernel \$(uname -r), cgroup fs \$(stat -fc %T /sys/fs/cgroup)"
cd /kit
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  LANG=C.UTF-8 TERM=dumb CI='${CI:-}'
ulimit -S -n $LANE_NOFILE
$command
echo "dockerlab-vm-status=\$?"
sync; mount -o remount,ro / 2>/dev/null; echo o > /proc/sysrq-trigger; sleep 30
INIT
}
