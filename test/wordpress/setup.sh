#!/usr/bin/env bash
# Installs a real WordPress (Debian's package) on MariaDB for the Edgechat plugin tests and
# activates the plugin from this work tree. Idempotent: a second run checks and returns quickly.
#
# Two sites share the code and differ by database:
#   edgechat_wp       served by `php -S` (serve.sh) for the browser E2E; config-127.0.0.1.php
#                     and config-localhost.php, so http://127.0.0.1:PORT and http://localhost:PORT work
#   edgechat_wp_test  used by PHPUnit (WORDPRESS_CONFIG=edgechat-test); tests roll back their changes
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PLUGIN_SRC="$ROOT/plugins/wordpress/edgechat"
THEME_SRC="$HERE/theme/edgechat-test"
WP_CONTENT=/var/lib/wordpress/wp-content
DB_SOCKET=/run/mysqld/mysqld.sock
DB_USER=edgechat
DB_PASSWORD=edgechat
PACKAGES=(mariadb-server php-cli php-mysql php-xml php-mbstring php-curl php-zip php-gd php-intl wordpress phpunit gettext curl)

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

log() { echo "[wordpress-setup] $*"; }

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  # No init system here: keep package scripts from starting apache2/mariadb (we start MariaDB
  # ourselves below). Only when the machine has no policy of its own.
  local policy_added=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  [ -z "$policy_added" ] || $SUDO rm -f /usr/sbin/policy-rc.d
}

start_mariadb() {
  if $SUDO mariadb-admin --socket="$DB_SOCKET" ping >/dev/null 2>&1; then return 0; fi
  log "starting MariaDB"
  $SUDO mkdir -p /run/mysqld
  $SUDO chown mysql:mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    $SUDO mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  # Detached from this shell so it outlives the script; its log is kept for failures.
  $SUDO setsid nohup mysqld_safe --user=mysql --socket="$DB_SOCKET" \
    >/tmp/edgechat-mariadb.log 2>&1 </dev/null &
  local i
  for i in $(seq 1 120); do
    if $SUDO mariadb-admin --socket="$DB_SOCKET" ping >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "MariaDB did not start within 60 s; its log:"
  cat /tmp/edgechat-mariadb.log >&2 || true
  exit 1
}

create_databases() {
  $SUDO mariadb --socket="$DB_SOCKET" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS edgechat_wp CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS edgechat_wp_test CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON edgechat_wp.* TO '$DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON edgechat_wp_test.* TO '$DB_USER'@'localhost';
SQL
}

# write_config NAME DB_NAME: /etc/wordpress/config-NAME.php, rewritten only when it differs.
write_config() {
  local file="/etc/wordpress/config-$1.php" tmp
  tmp=$(mktemp)
  cat >"$tmp" <<PHP
<?php
// Written by test/wordpress/setup.sh for the Edgechat plugin tests: a local test site only.
define( 'DB_NAME', '$2' );
define( 'DB_USER', '$DB_USER' );
define( 'DB_PASSWORD', '$DB_PASSWORD' );
define( 'DB_HOST', 'localhost:$DB_SOCKET' );
define( 'WP_CONTENT_DIR', '$WP_CONTENT' );
// The site answers on whatever host:port php -S serves it from.
\$edgechat_test_host = isset( \$_SERVER['HTTP_HOST'] ) ? preg_replace( '/[^A-Za-z0-9.:\\-\\[\\]]/', '', \$_SERVER['HTTP_HOST'] ) : '127.0.0.1';
define( 'WP_HOME', 'http://' . \$edgechat_test_host );
define( 'WP_SITEURL', 'http://' . \$edgechat_test_host );
// No network here: never call wordpress.org (updates, version checks); localhost stays reachable.
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'DISABLE_WP_CRON', true );
define( 'WP_DEBUG', false );
// Fixed keys: this database holds nothing but test data.
define( 'AUTH_KEY', 'edgechat-test-auth-key' );
define( 'SECURE_AUTH_KEY', 'edgechat-test-secure-auth-key' );
define( 'LOGGED_IN_KEY', 'edgechat-test-logged-in-key' );
define( 'NONCE_KEY', 'edgechat-test-nonce-key' );
define( 'AUTH_SALT', 'edgechat-test-auth-salt' );
define( 'SECURE_AUTH_SALT', 'edgechat-test-secure-auth-salt' );
define( 'LOGGED_IN_SALT', 'edgechat-test-logged-in-salt' );
define( 'NONCE_SALT', 'edgechat-test-nonce-salt' );
PHP
  if ! cmp -s "$tmp" "$file" 2>/dev/null; then
    $SUDO mkdir -p /etc/wordpress
    $SUDO install -m 0644 "$tmp" "$file"
    log "wrote $file"
  fi
  rm -f "$tmp"
}

# link TARGET LINK: a symlink that points at this work tree, replaced if it points elsewhere.
link() {
  if [ "$(readlink "$2" 2>/dev/null)" != "$1" ]; then
    $SUDO rm -rf "$2"
    $SUDO ln -s "$1" "$2"
    log "linked $2 -> $1"
  fi
}

started=$(date +%s)
install_packages
start_mariadb
create_databases
write_config 127.0.0.1 edgechat_wp
write_config localhost edgechat_wp
write_config edgechat-test edgechat_wp_test
$SUDO mkdir -p "$WP_CONTENT/plugins" "$WP_CONTENT/themes" "$WP_CONTENT/uploads"
link "$PLUGIN_SRC" "$WP_CONTENT/plugins/edgechat"
link "$THEME_SRC" "$WP_CONTENT/themes/edgechat-test"
$SUDO php "$HERE/install.php" edgechat-test
$SUDO php "$HERE/install.php" 127.0.0.1
log "ready in $(( $(date +%s) - started )) s"
