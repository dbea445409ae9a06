<?php
/**
 * Command-line helper of the browser E2E (test/e2e/wordpress.test.ts) on the E2E site
 * (database edgechat_wp, the one serve.sh shows). Test use only.
 *
 *   php site.php options                     the plugin's stored options as JSON (null when absent)
 *   php site.php restore < JSON              puts back what `options` printed
 *   php site.php nonces COOKIE ACTION...     {ACTION: nonce} for the session of a logged_in cookie
 *
 * `nonces` makes the nonces a page would carry for that user and session: the E2E uses them
 * to show that a subscriber with a valid nonce is still refused (the capability is checked).
 *
 * @package Edgechat\Tests
 */

if ( PHP_SAPI !== 'cli' || empty( $argv[1] ) ) {
	fwrite( STDERR, "usage: php site.php options|restore|nonces COOKIE ACTION...\n" );
	exit( 2 );
}
$_SERVER['WORDPRESS_CONFIG'] = '127.0.0.1';
$_SERVER['HTTP_HOST']        = '127.0.0.1';
$_SERVER['REQUEST_URI']      = '/';
require '/usr/share/wordpress/wp-load.php';

/**
 * Prints JSON and stops.
 *
 * @param mixed $data Data.
 */
function edgechat_e2e_print( $data ): void {
	echo wp_json_encode( $data ), "\n";
	exit( 0 );
}

/**
 * Stops with a message on stderr.
 *
 * @param string $message Why.
 */
function edgechat_e2e_fail( string $message ): void {
	fwrite( STDERR, $message . "\n" );
	exit( 1 );
}

switch ( $argv[1] ) {
	case 'options':
		$edgechat_options = array();
		foreach ( Edgechat_Options::ALL as $edgechat_name ) {
			$edgechat_options[ $edgechat_name ] = get_option( $edgechat_name, null );
		}
		edgechat_e2e_print( $edgechat_options );
		break;

	case 'restore':
		$edgechat_options = json_decode( (string) stream_get_contents( STDIN ), true );
		if ( ! is_array( $edgechat_options ) ) {
			edgechat_e2e_fail( 'restore: expected the JSON object printed by `options` on stdin' );
		}
		foreach ( Edgechat_Options::ALL as $edgechat_name ) {
			$edgechat_value = $edgechat_options[ $edgechat_name ] ?? null;
			if ( null === $edgechat_value ) {
				delete_option( $edgechat_name );
			} else {
				// Only the settings are autoloaded (as Edgechat_Options stores them).
				update_option( $edgechat_name, $edgechat_value, Edgechat_Options::SETTINGS === $edgechat_name );
			}
		}
		edgechat_e2e_print( array( 'restored' => true ) );
		break;

	case 'nonces':
		$edgechat_cookie  = $argv[2] ?? '';
		$edgechat_user_id = wp_validate_auth_cookie( $edgechat_cookie, 'logged_in' );
		if ( ! $edgechat_user_id ) {
			edgechat_e2e_fail( 'nonces: not a valid logged_in cookie of this site' );
		}
		// wp_create_nonce() binds the nonce to the user and to the session token of this cookie.
		$_COOKIE[ LOGGED_IN_COOKIE ] = $edgechat_cookie;
		wp_set_current_user( $edgechat_user_id );
		$edgechat_nonces = array();
		foreach ( array_slice( $argv, 3 ) as $edgechat_action ) {
			$edgechat_nonces[ $edgechat_action ] = wp_create_nonce( $edgechat_action );
		}
		edgechat_e2e_print( $edgechat_nonces );
		break;

	default:
		edgechat_e2e_fail( "unknown command {$argv[1]}" );
}
