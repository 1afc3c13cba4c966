# Watches one test JVM that runs a Rewind test bed. Arguments: the JVM's pid
# and the test bed's work directory. While both exist it only sleeps. When the
# directory is gone, the JVM cleaned up after itself and there is nothing to do.
# When the JVM is gone but the directory is still there, the JVM was killed
# (SIGKILL from a timeout, a crash): stop the servers it started, listed in
# WORKDIR/pids, so that no etcd or kube-apiserver outlives it, and remove the
# directory with their data.
jvm="$1"
dir="$2"
while kill -0 "$jvm" 2>/dev/null && [ -d "$dir" ]; do
  sleep 1
done
[ -d "$dir" ] || exit 0

# A pid is ours while its command line names the work directory; this keeps a
# recycled pid of some other process safe.
ours() {
  [ -r "/proc/$1/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$dir"
}
stop_all() {
  for pid in $(cat "$dir/pids" 2>/dev/null); do
    if ours "$pid"; then kill "-$1" "$pid" 2>/dev/null; fi
  done
}
stop_all TERM
sleep 3
stop_all KILL
rm -rf "$dir"
