<?php
/**
 * Installs one WordPress test site with wp_install() and activates Edgechat (no wp-cli here).
 * Usage: php install.php CONFIG   (CONFIG selects /etc/wordpress/config-CONFIG.php)
 * Idempotent: an installed site only gets its theme, users and plugin checked.
 */

if ( PHP_SAPI !== 'cli' || empty( $argv[1] ) ) {
	fwrite( STDERR, "usage: php install.php CONFIG\n" );
	exit( 2 );
}
$_SERVER['WORDPRESS_CONFIG'] = $argv[1];
$_SERVER['HTTP_HOST']        = '127.0.0.1';
$_SERVER['REQUEST_URI']      = '/';
define( 'WP_INSTALLING', true );
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

// No mail server here: the install notification would only fail slowly.
add_filter( 'pre_wp_mail', '__return_true' );

if ( ! is_blog_installed() ) {
	wp_install( 'Edgechat Test Shop', 'admin', 'admin@example.com', true, '', 'admin-password' );
	echo "[wordpress-setup] installed WordPress in config-{$argv[1]}\n";
}
if ( 'edgechat-test' !== get_option( 'stylesheet' ) ) {
	switch_theme( 'edgechat-test' );
}
update_option( 'permalink_structure', '/%postname%/' );

// Accounts the browser E2E logs in with (documented in test/wordpress/README.md).
$edgechat_users = array(
	array( 'subscriber', 'subscriber@example.com', 'subscriber-password', 'subscriber', 'Sam Subscriber' ),
	array( 'customer', 'customer@example.com', 'customer-password', 'subscriber', 'Chris Customer' ),
);
foreach ( $edgechat_users as list( $login, $email, $password, $role, $name ) ) {
	if ( ! username_exists( $login ) ) {
		wp_insert_user(
			array(
				'user_login'   => $login,
				'user_email'   => $email,
				'user_pass'    => $password,
				'role'         => $role,
				'display_name' => $name,
			)
		);
	}
}

if ( ! is_plugin_active( 'edgechat/edgechat.php' ) ) {
	$result = activate_plugin( 'edgechat/edgechat.php' );
	if ( is_wp_error( $result ) ) {
		fwrite( STDERR, 'activate_plugin failed: ' . $result->get_error_message() . "\n" );
		exit( 1 );
	}
	echo "[wordpress-setup] activated edgechat in config-{$argv[1]}\n";
}
