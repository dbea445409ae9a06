<?php
/**
 * Validation and sanitizing of everything the settings forms submit.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Turns raw form input into settings. An invalid field keeps its stored value and adds a
 * settings error that says what to type instead.
 */
final class Edgechat_Settings_Validator {

	/** Settings-error slug used by every message of the plugin. */
	const ERRORS = 'edgechat';

	/** At most this many hide patterns (each is tested on every page view). */
	const MAX_HIDE_URLS = 50;

	/**
	 * Sanitized settings from the settings form.
	 *
	 * @param array $input   Unslashed $_POST['edgechat'].
	 * @param array $current Stored settings.
	 */
	public static function sanitize( array $input, array $current ): array {
		$clean = $current;
		// A field missing from the input keeps its value; the form always sends every field.
		if ( array_key_exists( 'server_url', $input ) ) {
			$server_url = self::server_url( self::text( $input, 'server_url' ) );
			$clean['server_url'] = $server_url ?? $current['server_url'];
		}
		if ( array_key_exists( 'site_key', $input ) ) {
			$site_key = self::site_key( self::text( $input, 'site_key' ) );
			$clean['site_key'] = $site_key ?? $current['site_key'];
		}
		foreach ( array( 'identity_secret', 'plugin_secret' ) as $field ) {
			$clean[ $field ] = self::secret( $field, $input, $current[ $field ] );
		}
		if ( array_key_exists( 'hide_post_types', $input ) ) {
			$clean['hide_post_types'] = self::post_types( (array) $input['hide_post_types'] );
		}
		if ( array_key_exists( 'hide_urls', $input ) ) {
			$clean['hide_urls'] = self::url_patterns( self::text( $input, 'hide_urls', false ) );
		}
		return $clean;
	}

	/**
	 * A server URL without trailing slash, '' when emptied, null (with an error) when invalid.
	 *
	 * @param string $value Raw value.
	 */
	public static function server_url( string $value ): ?string {
		if ( '' === $value ) {
			return '';
		}
		$parts = wp_parse_url( $value );
		$valid = is_array( $parts )
			&& isset( $parts['scheme'], $parts['host'] )
			&& in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true )
			&& ! array_intersect_key( $parts, array_flip( array( 'user', 'pass', 'query', 'fragment' ) ) )
			&& preg_match( '/^[A-Za-z0-9.\-\[\]:]+$/', $parts['host'] )
			&& esc_url_raw( $value, array( 'http', 'https' ) ) === $value;
		if ( ! $valid ) {
			self::error( 'server_url', __( 'The server URL must be an http:// or https:// address, such as https://chat.example.com. It was not changed.', 'edgechat' ) );
			return null;
		}
		return untrailingslashit( $value );
	}

	/**
	 * A site key, '' when emptied, null (with an error) when invalid.
	 *
	 * @param string $value Raw value.
	 */
	public static function site_key( string $value ): ?string {
		if ( '' === $value || preg_match( Edgechat_Api::SITE_KEY_PATTERN, $value ) ) {
			return $value;
		}
		self::error( 'site_key', __( 'The site key may only contain lowercase letters, digits and dashes (2 to 63 characters, starting with a letter or digit), as shown in the Edgechat admin. It was not changed.', 'edgechat' ) );
		return null;
	}

	/**
	 * A secret field: empty keeps the stored secret (the page never shows it), the "remove"
	 * box clears it, anything else must look like a secret the server issues.
	 *
	 * @param string $field   identity_secret or plugin_secret.
	 * @param array  $input   Form input.
	 * @param string $current Stored secret.
	 */
	private static function secret( string $field, array $input, string $current ): string {
		if ( ! empty( $input[ 'remove_' . $field ] ) ) {
			return '';
		}
		$value = self::text( $input, $field );
		if ( '' === $value ) {
			return $current;
		}
		if ( preg_match( Edgechat_Api::SECRET_PATTERN, $value ) ) {
			return $value;
		}
		$message = 'identity_secret' === $field
			? __( 'The identity secret must be 16 to 512 letters, digits or the characters - _ + / = . (no spaces), exactly as the Edgechat server gave it. The stored secret was kept.', 'edgechat' )
			: __( 'The plugin secret must be 16 to 512 letters, digits or the characters - _ + / = . (no spaces), exactly as the Edgechat server gave it. The stored secret was kept.', 'edgechat' );
		self::error( $field, $message );
		return $current;
	}

	/**
	 * Public post types among the submitted ones.
	 *
	 * @param array $values Submitted post type names.
	 * @return string[]
	 */
	private static function post_types( array $values ): array {
		$public = get_post_types( array( 'public' => true ) );
		$clean  = array();
		foreach ( $values as $value ) {
			$key = sanitize_key( is_string( $value ) ? $value : '' );
			if ( isset( $public[ $key ] ) ) {
				$clean[] = $key;
			}
		}
		return array_values( array_unique( $clean ) );
	}

	/**
	 * URL patterns from a textarea, one per line; invalid lines are dropped with an error.
	 *
	 * @param string $text Raw textarea.
	 * @return string[]
	 */
	public static function url_patterns( string $text ): array {
		$patterns = array();
		foreach ( preg_split( '/\R/', $text ) as $line ) {
			$line = trim( $line );
			if ( '' === $line ) {
				continue;
			}
			if ( strlen( $line ) > 200 || ! preg_match( '#^[/*][^\s<>"\'`\\\\]*$#', $line ) ) {
				self::error(
					'hide_urls',
					/* translators: %s: the pattern the owner typed. */
					sprintf( __( 'This URL pattern was ignored: %s. A pattern is a path that starts with / or *, such as /checkout/* (one per line, * matches anything, no spaces or quotes).', 'edgechat' ), mb_substr( $line, 0, 80 ) )
				);
				continue;
			}
			$patterns[] = $line;
		}
		$patterns = array_values( array_unique( $patterns ) );
		if ( count( $patterns ) > self::MAX_HIDE_URLS ) {
			/* translators: %d: the maximum number of patterns. */
			self::error( 'hide_urls', sprintf( __( 'Only the first %d URL patterns were kept.', 'edgechat' ), self::MAX_HIDE_URLS ) );
			$patterns = array_slice( $patterns, 0, self::MAX_HIDE_URLS );
		}
		return $patterns;
	}

	/**
	 * Adds an error for the settings page. settings_errors() prints messages as HTML, so the
	 * message (which may quote what the user typed) is escaped here, at the last point we own.
	 *
	 * @param string $code    Field or reason.
	 * @param string $message Plain-text message.
	 * @param string $type    error, warning, success or info.
	 */
	public static function error( string $code, string $message, string $type = 'error' ): void {
		add_settings_error( self::ERRORS, 'edgechat_' . $code, esc_html( $message ), $type );
	}

	/**
	 * A string field as typed ('' when missing or not a string). Every field is then checked
	 * against a strict pattern, which is its sanitizing: nothing is silently rewritten.
	 *
	 * @param array  $input Form input.
	 * @param string $key   Field name.
	 * @param bool   $trim  Trim surrounding whitespace (text inputs) or keep it (textareas).
	 */
	public static function text( array $input, string $key, bool $trim = true ): string {
		$value = isset( $input[ $key ] ) && is_string( $input[ $key ] ) ? $input[ $key ] : '';
		return $trim ? trim( $value ) : $value;
	}
}
