<?php
/**
 * The plugin's stored options: every option name lives here and nowhere else.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads and writes the settings array and the cached connection status.
 */
final class Edgechat_Options {

	/** Settings saved from Settings → Edgechat (autoloaded: the loader needs them on every page). */
	const SETTINGS = 'edgechat_settings';

	/** The last connection status fetched from the server (read only on the settings page). */
	const STATUS = 'edgechat_status';

	/** Every option the plugin creates; uninstall.php deletes exactly these. */
	const ALL = array( self::SETTINGS, self::STATUS, 'edgechat_event_error' );

	/** Settings keys with their defaults; anything else in the stored array is ignored. */
	const DEFAULTS = array(
		'server_url'      => '',
		'site_key'        => '',
		'identity_secret' => '',
		'plugin_secret'   => '',
		'hide_post_types' => array(),
		'hide_urls'       => array(),
	);

	/** Status when the server was never asked. */
	const UNKNOWN_STATUS = array(
		'status'     => 'unknown',
		'name'       => '',
		'message'    => '',
		'checked_at' => 0,
	);

	/**
	 * The settings merged over the defaults.
	 *
	 * @return array{server_url:string,site_key:string,identity_secret:string,plugin_secret:string,hide_post_types:string[],hide_urls:string[]}
	 */
	public static function settings(): array {
		$stored = get_option( self::SETTINGS, array() );
		return self::normalize( is_array( $stored ) ? $stored : array() );
	}

	/**
	 * Stores the settings (unknown keys dropped). Callers validate first: see Edgechat_Settings_Validator.
	 *
	 * @param array $settings Settings, complete or partial (missing keys keep their current value).
	 */
	public static function save_settings( array $settings ): void {
		update_option( self::SETTINGS, self::normalize( array_merge( self::settings(), $settings ) ), true );
	}

	/**
	 * Whether the loader has what it needs: an http(s) server URL and a site key.
	 *
	 * @param array|null $settings Settings to test; the stored ones by default.
	 */
	public static function is_configured( ?array $settings = null ): bool {
		$settings = $settings ?? self::settings();
		return 1 === preg_match( '#^https?://#i', $settings['server_url'] ) && '' !== $settings['site_key'];
	}

	/** The cached connection status. */
	public static function status(): array {
		$stored = get_option( self::STATUS, array() );
		return array_merge( self::UNKNOWN_STATUS, is_array( $stored ) ? array_intersect_key( $stored, self::UNKNOWN_STATUS ) : array() );
	}

	/**
	 * Caches a connection status (not autoloaded: only the settings page reads it).
	 *
	 * @param string $status  active, pending_confirmation, error, disconnected or unknown.
	 * @param string $name    The site's name on the server.
	 * @param string $message Why, when the status is error.
	 */
	public static function save_status( string $status, string $name = '', string $message = '' ): void {
		update_option(
			self::STATUS,
			array(
				'status'     => $status,
				'name'       => $name,
				'message'    => $message,
				'checked_at' => time(),
			),
			false
		);
	}

	/** Deletes every option of the plugin on this site. */
	public static function delete_all(): void {
		foreach ( self::ALL as $option ) {
			delete_option( $option );
		}
	}

	/**
	 * Keeps the known keys with the types the rest of the plugin expects.
	 *
	 * @param array $settings Raw array.
	 */
	private static function normalize( array $settings ): array {
		$settings = array_merge( self::DEFAULTS, array_intersect_key( $settings, self::DEFAULTS ) );
		foreach ( $settings as $key => $value ) {
			$settings[ $key ] = is_array( self::DEFAULTS[ $key ] )
				? array_values( array_filter( (array) $value, 'is_string' ) )
				: ( is_scalar( $value ) ? (string) $value : '' );
		}
		return $settings;
	}
}
