#!/usr/bin/env bash
# Refreshes resources/translations/*.ts from the tr() strings in app/ and ui/ (lupdate keeps
# existing translations); translate the new entries with Qt Linguist, then rebuild.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lupdate=$(command -v lupdate 2>/dev/null || echo /usr/lib/qt6/bin/lupdate)
cd "$root"
for ts in resources/translations/*.ts; do
    "$lupdate" -silent -no-obsolete -locations relative -I "$root" -extensions cpp,h app ui -ts "$ts" 2>&1 | grep -v "Ignoring definition of undeclared" || true
done
