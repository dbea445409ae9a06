#!/usr/bin/env bash
# Serves the E2E WordPress site (set up by setup.sh) with PHP's built-in server, in the foreground.
#   test/wordpress/serve.sh [PORT]          http://127.0.0.1:PORT (default 8090)
# Environment: EDGECHAT_WP_CONFIG=edgechat-test serves the PHPUnit database instead;
# EDGECHAT_WOO_STUB=1 loads the WooCommerce stand-in (tests only).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT="${1:-8090}"
exec php -S "127.0.0.1:$PORT" -t /usr/share/wordpress "$HERE/router.php"
