#!/usr/bin/env bash
# Installs the Debian packages Pagoda builds against, only those that are missing,
# so running it again costs a few dpkg look-ups and nothing else.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config python3 python3-venv
    qt6-base-dev libqt6sql6-sqlite qt6-charts-dev
    # Qt6Charts' CMake package needs Qt6OpenGL's, which qt6-charts-dev does not depend on
    libqt6opengl6-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libsentencepiece-dev
    libpcre2-dev libutf8proc-dev libxxhash-dev libhwy-dev libfmt-dev
    # the .deb packages (dpkg-shlibdeps needs file) and installer_test's validators
    dpkg-dev file appstream desktop-file-utils
    # openai_client_test runs the seed documents' curl examples as written; hub_cli_test
    # mounts a 1 MiB tmpfs (a full disk) in a namespace of its own
    curl mount
    # gguf_tokenizer_test inflates its gzipped GGUF fixtures (libcurl's -dev pulls it in
    # today; named so that stays true)
    zlib1g-dev
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
