<?php
/**
 * Server-to-server signatures shared with the Edgechat Worker, in both directions.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * X-Edgechat-Signature = hex(HMAC-SHA256(plugin secret, timestamp \n METHOD \n path?query \n body)).
 */
final class Edgechat_Signature {

	const TIMESTAMP_HEADER = 'X-Edgechat-Timestamp';
	const SIGNATURE_HEADER = 'X-Edgechat-Signature';

	/** Seconds a signed request stays valid either side of now (replay window). */
	const MAX_SKEW = 300;

	/**
	 * The signature of one request.
	 *
	 * @param string $secret          Plugin secret.
	 * @param string $timestamp       Unix seconds, as sent in the header.
	 * @param string $method          HTTP method.
	 * @param string $path_with_query Path and query exactly as requested, e.g. /wp-json/edgechat/v1/customer?user_id=2.
	 * @param string $body            Raw body ('' for GET).
	 */
	public static function sign( string $secret, string $timestamp, string $method, string $path_with_query, string $body ): string {
		return hash_hmac( 'sha256', $timestamp . "\n" . strtoupper( $method ) . "\n" . $path_with_query . "\n" . $body, $secret );
	}

	/**
	 * Headers that sign a request to $url.
	 *
	 * @param string   $secret Plugin secret.
	 * @param string   $method HTTP method.
	 * @param string   $url    Full URL of the request.
	 * @param string   $body   Raw body.
	 * @param int|null $now    Unix seconds (tests); the clock by default.
	 * @return array<string,string>
	 */
	public static function headers( string $secret, string $method, string $url, string $body, ?int $now = null ): array {
		$timestamp = (string) ( $now ?? time() );
		return array(
			self::TIMESTAMP_HEADER => $timestamp,
			self::SIGNATURE_HEADER => self::sign( $secret, $timestamp, $method, self::path_with_query( $url ), $body ),
		);
	}

	/**
	 * Checks a signed request in constant time.
	 *
	 * @param string      $secret          Plugin secret ('' refuses everything).
	 * @param string|null $timestamp       Timestamp header.
	 * @param string|null $signature       Signature header.
	 * @param string      $method          HTTP method.
	 * @param string      $path_with_query Path and query as received.
	 * @param string      $body            Raw body.
	 * @param int|null    $now             Unix seconds (tests); the clock by default.
	 * @return true|WP_Error
	 */
	public static function verify( string $secret, ?string $timestamp, ?string $signature, string $method, string $path_with_query, string $body, ?int $now = null ) {
		if ( '' === $secret ) {
			return new WP_Error( 'edgechat_not_connected', __( 'This site is not connected to Edgechat.', 'edgechat' ), array( 'status' => 401 ) );
		}
		if ( null === $timestamp || null === $signature || ! ctype_digit( $timestamp ) || '' === $signature ) {
			return new WP_Error( 'edgechat_unsigned', __( 'The request is not signed.', 'edgechat' ), array( 'status' => 401 ) );
		}
		if ( abs( ( $now ?? time() ) - (int) $timestamp ) > self::MAX_SKEW ) {
			return new WP_Error( 'edgechat_stale_signature', __( 'The request timestamp is too old or in the future.', 'edgechat' ), array( 'status' => 401 ) );
		}
		$expected = self::sign( $secret, $timestamp, $method, $path_with_query, $body );
		if ( ! hash_equals( $expected, strtolower( $signature ) ) ) {
			return new WP_Error( 'edgechat_bad_signature', __( 'The request signature is wrong.', 'edgechat' ), array( 'status' => 401 ) );
		}
		return true;
	}

	/**
	 * The path and query of a URL, as the other side sees them in its request line.
	 *
	 * @param string $url Full URL.
	 */
	public static function path_with_query( string $url ): string {
		$parts = wp_parse_url( $url );
		$path  = isset( $parts['path'] ) && '' !== $parts['path'] ? $parts['path'] : '/';
		return isset( $parts['query'] ) ? $path . '?' . $parts['query'] : $path;
	}
}
