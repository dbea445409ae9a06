<?php
/**
 * Router for PHP's built-in server running Debian's WordPress:
 *   php -S 127.0.0.1:PORT -t /usr/share/wordpress test/wordpress/router.php
 * Debian keeps wp-content in /var/lib/wordpress/wp-content (plugins, themes, uploads), outside
 * the document root, so /wp-content/ is served from there (static files only). Pretty
 * permalinks (/wp-json/..., /sample-page/) go to index.php, as Apache's rewrite would.
 *
 * Environment: EDGECHAT_WP_CONFIG=NAME selects /etc/wordpress/config-NAME.php (default: by host);
 * EDGECHAT_WOO_STUB=1 loads the WooCommerce stand-in (tests only).
 *
 * @package Edgechat\Tests
 */

const EDGECHAT_WP_CONTENT = '/var/lib/wordpress/wp-content';

$edgechat_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$edgechat_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );

if ( getenv( 'EDGECHAT_WP_CONFIG' ) ) {
	$_SERVER['WORDPRESS_CONFIG'] = getenv( 'EDGECHAT_WP_CONFIG' );
}
if ( getenv( 'EDGECHAT_WOO_STUB' ) ) {
	require __DIR__ . '/woocommerce-stub/preload.php';
}

if ( 0 === strpos( $edgechat_path, '/wp-content/' ) ) {
	$edgechat_file = realpath( EDGECHAT_WP_CONTENT . substr( $edgechat_path, strlen( '/wp-content' ) ) );
	$edgechat_types = array(
		'css'   => 'text/css',
		'js'    => 'text/javascript',
		'json'  => 'application/json',
		'png'   => 'image/png',
		'jpg'   => 'image/jpeg',
		'jpeg'  => 'image/jpeg',
		'gif'   => 'image/gif',
		'svg'   => 'image/svg+xml',
		'webp'  => 'image/webp',
		'woff'  => 'font/woff',
		'woff2' => 'font/woff2',
	);
	$edgechat_ext = strtolower( pathinfo( (string) $edgechat_file, PATHINFO_EXTENSION ) );
	// Plugins are symlinks into work trees, so containment is checked on the link, not the target.
	$edgechat_inside = false === strpos( $edgechat_path, '..' );
	if ( $edgechat_file && $edgechat_inside && is_file( $edgechat_file ) && isset( $edgechat_types[ $edgechat_ext ] ) ) {
		header( 'Content-Type: ' . $edgechat_types[ $edgechat_ext ] );
		header( 'Content-Length: ' . filesize( $edgechat_file ) );
		readfile( $edgechat_file );
	} else {
		http_response_code( 404 );
		echo 'Not found';
	}
	return true;
}

$edgechat_target = $edgechat_root . $edgechat_path;
if ( file_exists( $edgechat_target ) && false === strpos( $edgechat_path, '..' ) ) {
	if ( is_dir( $edgechat_target ) ) {
		if ( '/' !== substr( $edgechat_path, -1 ) ) {
			header( 'Location: ' . $edgechat_path . '/' );
			return true;
		}
		$edgechat_target .= 'index.php';
		if ( ! is_file( $edgechat_target ) ) {
			return false;
		}
	}
	if ( '.php' !== substr( $edgechat_target, -4 ) ) {
		return false; // Static file from the document root.
	}
	$_SERVER['SCRIPT_NAME']     = substr( $edgechat_target, strlen( $edgechat_root ) );
	$_SERVER['PHP_SELF']        = $_SERVER['SCRIPT_NAME'];
	$_SERVER['SCRIPT_FILENAME'] = $edgechat_target;
	chdir( dirname( $edgechat_target ) );
	require $edgechat_target;
	return true;
}

$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $edgechat_root . '/index.php';
chdir( $edgechat_root );
require $edgechat_root . '/index.php';
return true;
