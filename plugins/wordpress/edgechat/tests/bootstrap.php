<?php
/**
 * Loads the real WordPress (Debian's package, /usr/share/wordpress) against the test database
 * that test/wordpress/setup.sh installs, with Edgechat active and the WooCommerce stand-in loaded
 * as a plugin would be. Each test runs in a database transaction that is rolled back.
 *
 * @package Edgechat\Tests
 */

// PHPUnit includes this file inside a function: WordPress expects these in the global scope.
global $wpdb, $wp_version, $wp_db_version, $table_prefix, $wp_filter, $wp_actions, $wp_query, $wp_the_query, $wp_rewrite, $wp, $shortcode_tags, $wp_embed, $wp_locale, $wp_scripts, $wp_styles, $current_user, $pagenow, $post, $wp_theme_directories, $wp_plugin_paths;

define( 'EDGECHAT_REPO_ROOT', dirname( __DIR__, 4 ) );

$_SERVER['WORDPRESS_CONFIG'] = getenv( 'EDGECHAT_WP_CONFIG' ) ? getenv( 'EDGECHAT_WP_CONFIG' ) : 'edgechat-test';
$_SERVER['HTTP_HOST']        = '127.0.0.1';
$_SERVER['SERVER_NAME']      = '127.0.0.1';
$_SERVER['SERVER_PROTOCOL']  = 'HTTP/1.1';
$_SERVER['REQUEST_METHOD']   = 'GET';
$_SERVER['REQUEST_URI']      = '/';

if ( ! file_exists( '/etc/wordpress/config-' . $_SERVER['WORDPRESS_CONFIG'] . '.php' ) ) {
	fwrite( STDERR, "No test WordPress here: run test/wordpress/setup.sh first.\n" );
	exit( 1 );
}

require EDGECHAT_REPO_ROOT . '/test/wordpress/woocommerce-stub/preload.php';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';

if ( ! class_exists( 'Edgechat_Options' ) ) {
	fwrite( STDERR, "Edgechat is not active in the test WordPress: run test/wordpress/setup.sh.\n" );
	exit( 1 );
}
if ( realpath( EDGECHAT_DIR ) !== realpath( dirname( __DIR__ ) ) ) {
	fwrite( STDERR, 'The test WordPress runs Edgechat from ' . realpath( EDGECHAT_DIR ) . ", not this work tree: run test/wordpress/setup.sh.\n" );
	exit( 1 );
}

require __DIR__ . '/class-edgechat-testcase.php';
