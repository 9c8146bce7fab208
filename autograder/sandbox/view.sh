# Runs as root inside the child's private mount/pid/network namespaces (see process.py), then
# execs the rest of its arguments chrooted into a new root that holds only what student code
# needs: system folders read-only, a private /tmp, the sandbox folder and the runtime mirror.
# Every checkout, home folder and grader folder on the machine is simply not there. The
# student's folder WORK becomes a tmpfs of SIZE_MB and INODES (limits.disk_mb/disk_files) owned
# by OWNER, filled with the submission: writes past the limit fail with ENOSPC, and everything
# written is gone when the namespace ends.
# Usage: sh view.sh NEWROOT WORK SIZE_MB INODES OWNER KEEP_DIR... -- COMMAND...
# (WORK '-': the folder stays the bind-mounted one, e.g. for the grader audit)
set -eu
root=$1; work=$2; size=$3; inodes=$4; owner=$5; shift 5
mount -t tmpfs -o size=4m,mode=755 ag-root "$root"
for d in usr etc opt/conda; do
    [ -d "/$d" ] || continue
    mkdir -p "$root/$d"
    mount --bind "/$d" "$root/$d"
    mount -o remount,bind,ro "$root/$d"
done
for d in bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$root/$d"
    elif [ -d "/$d" ]; then
        mkdir -p "$root/$d"; mount --bind "/$d" "$root/$d"; mount -o remount,bind,ro "$root/$d"
    fi
done
mkdir -p "$root/proc" "$root/dev" "$root/sys" "$root/tmp"
mount -t proc proc "$root/proc"
mount --bind /sys "$root/sys" && mount -o remount,bind,ro "$root/sys" || true
mount -t tmpfs -o size=64m,mode=755 ag-dev "$root/dev"
for f in null zero random urandom tty nvidiactl nvidia-uvm nvidia-uvm-tools nvidia0 nvidia1 \
         nvidia2 nvidia3 nvidia4 nvidia5 nvidia6 nvidia7; do
    [ -e "/dev/$f" ] || continue
    touch "$root/dev/$f"; mount --bind "/dev/$f" "$root/dev/$f"
done
mkdir -p "$root/dev/shm" && mount -t tmpfs -o size=256m,mode=1777 ag-shm "$root/dev/shm"
mount -t tmpfs -o size=256m,mode=1777 ag-tmp "$root/tmp"
while [ "$1" != "--" ]; do
    mkdir -p "$root$1"; mount --bind "$1" "$root$1"; shift
done
shift
if [ "$work" != "-" ]; then
    mount -t tmpfs -o "size=${size}m,nr_inodes=${inodes},mode=700,uid=${owner},gid=${owner}" \
        ag-work "$root$work"
    cp -a "$work/." "$root$work/"
fi
chroot_bin=$(PATH="/usr/sbin:/sbin:$PATH" command -v chroot)
exec "$chroot_bin" "$root" "$@"
