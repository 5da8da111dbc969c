#!/usr/bin/env bash
# Proves README's set-up on a machine that has nothing installed. It makes a minimal Debian 12
# root (mmdebstrap --variant=apt, from this machine's own apt sources file, so no archive host
# is written here), copies the committed tree into it (git archive HEAD), and runs there:
#   default    scripts/install-deps.sh; configure with CUDA off (the toolkit is not a Debian
#              package) and build the `pagoda` target; `pagoda --version`; `pagoda generate
#              --model pagoda/demo --prompt 写一首诗`, which must answer; then scripts/test.sh,
#              every suite, in a tree with nothing beside it. `.ci/run` runs this.
#   --readme   README's two commands as a newcomer types them, timed: `./scripts/run.sh` with
#              no display until it serves the demo model (then one chat request, then SIGTERM),
#              and `./scripts/test.sh`, every suite. The figures in README come from this.
# Needs root (chroot, mount) and the package archive. Prints each step with its time; on a
# failure, the step and the lines that explain it, and exits 1. It never skips a step.
set -uo pipefail

mode=check
case "${1:-}" in
    "") ;;
    --readme) mode=readme ;;
    *) echo "usage: $0 [--readme]" >&2; exit 2 ;;
esac
repo=$(cd "$(dirname "$0")/.." && pwd)

# Lines worth showing from a failed step's log: what CMake, apt, the compiler or a test said.
explain_pattern='Could NOT find|CMake Error|Unable to locate|Unable to fetch|Failed to fetch|Temporary failure|Could not resolve|Could not connect|Network is unreachable|No space left|^E: |error:|FAILED|FAIL!|Failed'
unreachable_pattern='Failed to fetch|Temporary failure resolving|Could not resolve|Could not connect|Network is unreachable|Connection timed out|Unable to connect'

die() { echo "fresh-machine-check: $*" >&2; exit 1; }

# fail STEP LOG: names the step, says so plainly when the archive could not be reached, and
# prints the log's explaining lines and its end.
fail() {
    echo "FAILED at: $1"
    if grep -qE "$unreachable_pattern" "$2"; then
        echo "  the Debian package archive could not be reached from this machine:"
        grep -E "$unreachable_pattern" "$2" | head -3 | sed 's/^/  ! /'
    fi
    grep -E "$explain_pattern" "$2" | grep -vE "$unreachable_pattern" | head -15 | sed 's/^/  ! /'
    echo "  last lines of $2:"
    tail -15 "$2" | sed 's/^/  | /'
    keep_logs=1
    exit 1
}

# step NAME COMMAND...: runs COMMAND with its output in a log of its own, prints the time taken.
step_number=0
step() {
    local name=$1; shift
    step_number=$((step_number + 1))
    local log="$logs/$step_number.log"
    echo "== $name"
    local start=$SECONDS
    "$@" >"$log" 2>&1 || fail "$name" "$log"
    echo "   ok, $((SECONDS - start)) s"
}

# in_root COMMAND: runs a bash command in the fresh root with a clean environment, as a
# newcomer's login shell would have it (nothing of this machine's or CI's variables).
in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin bash -c "$1"
}

[ "$(id -u)" -eq 0 ] || die "needs root (it builds a chroot); run it with sudo"
git -C "$repo" rev-parse --verify -q HEAD >/dev/null || die "$repo is not a git checkout with a commit"

keep_logs=0
root=$(mktemp -d /tmp/pagoda-fresh-root.XXXXXX)
logs=$(mktemp -d /tmp/pagoda-fresh-logs.XXXXXX)
cleanup() {
    mountpoint -q "$root/proc" && umount -l "$root/proc"
    mountpoint -q "$root" && umount -l "$root"
    # Only a root with nothing mounted on or in it is removed.
    grep -qE " $root( |/)" /proc/mounts || rm -rf "$root"
    if [ "$keep_logs" = 1 ]; then echo "logs kept in $logs"; else rm -rf "$logs"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
[ -f "$sources" ] || die "no apt sources file on this machine (looked for debian.sources and sources.list)"

install_mmdebstrap() {
    command -v mmdebstrap >/dev/null && return 0
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q mmdebstrap || { apt-get update -q && apt-get install -y -q mmdebstrap; }
}
step "mmdebstrap on this machine" install_mmdebstrap

make_root() {
    mmdebstrap --variant=apt --include=ca-certificates bookworm "$root" "$sources" || return 1
    # How this machine reaches the network, and nothing else of it: its resolver, the extra CA
    # certificates its network needs (a TLS-inspecting proxy), and pip's settings for them.
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" &&
            chroot "$root" update-ca-certificates || return 1
    fi
    [ ! -f /etc/pip.conf ] || cp /etc/pip.conf "$root/etc/pip.conf"
    # The root is a mount point of its own, private to it, as / is on a real machine: a test
    # that makes a mount namespace (unshare --mount) needs / to be a mount.
    mount --bind "$root" "$root" && mount --make-private "$root" &&
        mkdir -p "$root/proc" && mount -t proc proc "$root/proc"
}
step "minimal Debian 12 root (mmdebstrap --variant=apt, this machine's apt sources)" make_root

copy_tree() {
    mkdir -p "$root/src" && git -C "$repo" archive HEAD | tar -x -C "$root/src"
}
step "the committed tree (git archive $(git -C "$repo" rev-parse --short HEAD))" copy_tree

if [ "$mode" = check ]; then
    step "scripts/install-deps.sh" in_root 'cd /src && ./scripts/install-deps.sh'
    step "cmake configure (CUDA off)" \
        in_root 'cmake -S /src -B /src/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPAGODA_CUDA=OFF'
    step "build the pagoda target" in_root 'cmake --build /src/build --target pagoda --parallel "$(nproc)"'
    step "pagoda --version" in_root '/src/build/app/pagoda --version'
    cat "$logs/$step_number.log" | sed 's/^/   /'
    answer() {
        in_root '/src/build/app/pagoda generate --model pagoda/demo --prompt 写一首诗' || return 1
        # A real answer: the demo model writes Chinese verse, so at least one CJK character.
        grep -qP '[\x{4e00}-\x{9fff}]' "$logs/$step_number.log" ||
            { echo "the answer has no Chinese character"; return 1; }
    }
    step "pagoda generate --model pagoda/demo --prompt 写一首诗" answer
    sed 's/^/   | /' "$logs/$step_number.log"
    # Test-only packages (a client, a validator) are needed too, and the tree has nothing
    # beside it here: the suite proves both.
    step "./scripts/test.sh (every suite)" in_root 'cd /src && ./scripts/test.sh'
    grep -E "tests passed|Total Test time" "$logs/$step_number.log" | sed 's/^/   /'
    echo "fresh Debian 12: install-deps, build, --version, the demo model's answer and every suite passed"
    exit 0
fi

# --readme: README's first command serves the demo model when there is no display; it is
# ready when it says so. Then one request as README shows it, and SIGTERM, which must exit 0.
serve_demo() {
    local out="$logs/run.out"
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        bash -c 'cd /src && exec ./scripts/run.sh' >"$out" 2>&1 &
    local pid=$!
    while ! grep -q "serving pagoda/demo" "$out"; do
        kill -0 "$pid" 2>/dev/null || { cat "$out"; echo "run.sh ended before serving"; return 1; }
        sleep 1
    done
    echo "serving after $((SECONDS - serve_start)) s"
    # The root shares this machine's network, so this machine's curl asks it (the root has none).
    curl -sS --fail-with-body http://127.0.0.1:8000/v1/chat/completions -H 'Content-Type: application/json' \
        -d '{"model": "pagoda/demo", "messages": [{"role": "user", "content": "写一首诗"}]}'
    local answered=$?
    echo
    kill -TERM "$pid"  # run.sh exec'd `pagoda serve`: this is the server itself
    wait "$pid"
    local stopped=$?
    tail -5 "$out"
    [ "$answered" -eq 0 ] && [ "$stopped" -eq 0 ]
}
serve_start=$SECONDS
step "./scripts/run.sh (no display: until it serves the demo model, one request, SIGTERM)" serve_demo
grep -E "serving after|content" "$logs/$step_number.log" | sed 's/^/   /'
step "./scripts/test.sh" in_root 'cd /src && ./scripts/test.sh'
grep -E "tests passed|Total Test time" "$logs/$step_number.log" | sed 's/^/   /'
echo "fresh Debian 12: README's two commands passed"
