#!/bin/sh
# install-deps.sh — makes sure the tools the build needs are present: flex, bison,
# LLVM's development package (llvm-config), a C compiler, and clang with its sanitizer
# runtimes (libclang-rt-14-dev), and what make test uses besides: gdb (the debug part)
# python3 (the chat server's transcript and load test, the trace checker) and Graphviz's
# dot (actorc graph -o FILE.svg: the graph part, make graphs).  Called by the Makefile
# before any build step.
# As root it installs what is missing with apt-get; otherwise it says what to install.
set -eu

LLVM_CONFIG=${LLVM_CONFIG:-llvm-config}
missing=""
have() { command -v "$1" >/dev/null 2>&1; }
# the default accepts Debian's versioned llvm-config-14 as well
if [ "$LLVM_CONFIG" = llvm-config ] && ! have llvm-config && have llvm-config-14; then
  LLVM_CONFIG=llvm-config-14
fi

have flex || missing="$missing flex"
have bison || missing="$missing bison"
have cc || missing="$missing gcc"
have make || missing="$missing make"
if ! have "$LLVM_CONFIG"; then
  case "$LLVM_CONFIG" in
    llvm-config) missing="$missing llvm-14-dev" ;;
    llvm-config-*) missing="$missing llvm-${LLVM_CONFIG#llvm-config-}-dev" ;;
    *) missing="$missing llvm-14-dev" ;;
  esac
elif [ ! -f "$("$LLVM_CONFIG" --includedir)/llvm-c/Core.h" ]; then
  missing="$missing llvm-$("$LLVM_CONFIG" --version | cut -d. -f1)-dev"
fi
have clang || missing="$missing clang"
have gdb || missing="$missing gdb"
have python3 || missing="$missing python3"
have dot || missing="$missing graphviz"
# clang's sanitizer runtimes (make test-asan / test-tsan)
if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.asan-x86_64.a >/dev/null 2>&1; then
  missing="$missing libclang-rt-14-dev"
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing:$missing" >&2
  echo "install-deps: run 'sudo apt-get install$missing' (or run make as root)" >&2
  exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
