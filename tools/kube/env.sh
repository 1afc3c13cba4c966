# Source this file to get REWIND_KUBE_BIN (the directory with etcd, kube-apiserver,
# kubectl and helm) and to put it first on PATH. It builds nothing: run build.sh first.
#   source tools/kube/env.sh
REWIND_KUBE_BIN="$(bash "$(dirname "${BASH_SOURCE[0]}")/build.sh" --print-bin-dir)"
export REWIND_KUBE_BIN
case ":${PATH}:" in
  *":${REWIND_KUBE_BIN}:"*) ;;
  *) export PATH="${REWIND_KUBE_BIN}:${PATH}" ;;
esac
