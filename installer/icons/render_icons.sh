#!/usr/bin/env bash
# Renders pagoda.svg to the committed PNGs (pagoda-<size>.png, the hicolor sizes the .deb
# installs and the window's icon) and to pagoda.ico for the Windows installer. Run by hand
# after editing the SVG; CI only uses the committed files.
# Needs: apt-get install librsvg2-bin icoutils
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 32 48 64 128 256; do
    rsvg-convert --width "$size" --height "$size" pagoda.svg --output "pagoda-$size.png"
done
# Windows picks the entry nearest each size it shows; 256 stays PNG-compressed (-r), as
# Windows Vista and later read it, instead of 256 KiB of raw pixels.
icotool --create --output pagoda.ico pagoda-16.png pagoda-32.png pagoda-48.png --raw=pagoda-256.png
