<?php
/**
 * Hide rules: post types and URL patterns where the chat does not load.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Decides, per page view, whether the chat is hidden.
 */
final class Edgechat_Visibility {

	/**
	 * Whether the current page view is hidden by the settings (or by the edgechat_hidden filter).
	 *
	 * @param array  $settings    Stored settings.
	 * @param string $request_uri Path and query of the request, as in $_SERVER['REQUEST_URI'].
	 */
	public static function is_hidden( array $settings, string $request_uri ): bool {
		$types  = $settings['hide_post_types'];
		$hidden = $types && ( is_singular( $types ) || is_post_type_archive( $types ) );
		if ( ! $hidden ) {
			$path = self::site_relative( $request_uri );
			foreach ( $settings['hide_urls'] as $pattern ) {
				if ( self::matches( $pattern, $path ) ) {
					$hidden = true;
					break;
				}
			}
		}
		/**
		 * Filters whether the chat is hidden on this page view.
		 *
		 * @param bool $hidden Whether the hide rules hide it.
		 */
		return (bool) apply_filters( 'edgechat_hidden', $hidden );
	}

	/**
	 * Whether a pattern matches a site-relative path. `*` matches anything; a pattern without `?`
	 * ignores the query string; a trailing slash makes no difference; /корзина and its
	 * percent-encoded form are the same path.
	 *
	 * Example: matches( '/checkout/*', '/checkout/order-received/12?key=x' ) is true.
	 *
	 * @param string $pattern Pattern as stored.
	 * @param string $path    Site-relative path with query.
	 */
	public static function matches( string $pattern, string $path ): bool {
		if ( false === strpos( $pattern, '?' ) ) {
			$path = (string) strtok( $path, '?' );
		}
		// Browsers send a non-ASCII address percent-encoded; owners type it as they read it.
		$pattern = rawurldecode( $pattern );
		$path    = rawurldecode( $path );
		$regex = '#^' . str_replace( '\*', '.*', preg_quote( self::untrail( $pattern ), '#' ) ) . '$#i';
		return (bool) preg_match( $regex, self::untrail( $path ) );
	}

	/**
	 * The request path relative to the site's home (for WordPress installed in a subfolder).
	 *
	 * @param string $request_uri Path and query.
	 */
	private static function site_relative( string $request_uri ): string {
		$home = (string) wp_parse_url( home_url( '/' ), PHP_URL_PATH );
		if ( '/' !== $home && 0 === strpos( $request_uri, $home ) ) {
			return '/' . substr( $request_uri, strlen( $home ) );
		}
		return '' === $request_uri ? '/' : $request_uri;
	}

	/**
	 * Drops a trailing slash before any query ("/cart/" and "/cart" are the same page).
	 *
	 * @param string $path Path, maybe with a query.
	 */
	private static function untrail( string $path ): string {
		$parts    = explode( '?', $path, 2 );
		$parts[0] = '/' === $parts[0] ? '/' : rtrim( $parts[0], '/' );
		return implode( '?', $parts );
	}
}
