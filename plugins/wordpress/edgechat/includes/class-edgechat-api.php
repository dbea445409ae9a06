<?php
/**
 * HTTP client for the Edgechat server's plugin API. Never called while a page renders.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Connect (create or link a site), status check, and events such as order_placed.
 */
final class Edgechat_Api {

	/** Seconds for the Connect call, made when the owner clicks Connect. */
	const CONNECT_TIMEOUT = 15;

	/** Seconds for a status check, made from the settings page. */
	const STATUS_TIMEOUT = 5;

	/** Seconds for an event, sent from the queue after the shopper's request. */
	const EVENT_TIMEOUT = 10;

	/** Site keys as the server issues them. */
	const SITE_KEY_PATTERN = '/^[a-z0-9][a-z0-9-]{1,62}$/';

	/** Secrets as the server issues them (hex, base64 or base64url). */
	const SECRET_PATTERN = '/^[A-Za-z0-9_\-+\/=.]{16,512}$/';

	/**
	 * Creates or links this site: POST {server}/api/v1/sites.
	 *
	 * @param string $server_url  Validated server URL, no trailing slash.
	 * @param array  $site        ownerEmail, url, name and optionally signupCode.
	 * @param string $admin_token The deployment's admin token, when the owner pasted one ('' otherwise).
	 * @return array{siteKey:string,pluginSecret:string,identitySecret:string,status:string}|WP_Error
	 */
	public static function create_site( string $server_url, array $site, string $admin_token = '' ) {
		$headers = array(
			'Content-Type' => 'application/json',
			'Accept'       => 'application/json',
		);
		if ( '' !== $admin_token ) {
			$headers['Authorization'] = 'Bearer ' . $admin_token;
		}
		$response = wp_remote_post(
			$server_url . '/api/v1/sites',
			array(
				'timeout'     => self::CONNECT_TIMEOUT,
				'redirection' => 0,
				'headers'     => $headers,
				'body'        => wp_json_encode( $site ),
				'data_format' => 'body',
			)
		);
		$data = self::decode( $response, array( 200, 201 ) );
		if ( is_wp_error( $data ) ) {
			return $data;
		}
		$valid = isset( $data['siteKey'], $data['pluginSecret'], $data['identitySecret'], $data['status'] )
			&& is_string( $data['siteKey'] ) && preg_match( self::SITE_KEY_PATTERN, $data['siteKey'] )
			&& is_string( $data['pluginSecret'] ) && preg_match( self::SECRET_PATTERN, $data['pluginSecret'] )
			&& is_string( $data['identitySecret'] ) && preg_match( self::SECRET_PATTERN, $data['identitySecret'] )
			&& in_array( $data['status'], array( 'active', 'pending_confirmation' ), true );
		if ( ! $valid ) {
			return new WP_Error( 'edgechat_bad_response', __( 'The server answered without the keys this plugin needs. Is the server URL the address of an Edgechat server?', 'edgechat' ) );
		}
		return array_intersect_key( $data, array_flip( array( 'siteKey', 'pluginSecret', 'identitySecret', 'status' ) ) );
	}

	/**
	 * The site's status on the server: GET {server}/api/v1/sites/{siteKey}/status, signed.
	 *
	 * @param array $settings Stored settings (server_url, site_key, plugin_secret).
	 * @return array{status:string,name:string}|WP_Error
	 */
	public static function site_status( array $settings ) {
		$url      = $settings['server_url'] . '/api/v1/sites/' . rawurlencode( $settings['site_key'] ) . '/status';
		$response = wp_remote_get(
			$url,
			array(
				'timeout'     => self::STATUS_TIMEOUT,
				'redirection' => 0,
				'headers'     => array( 'Accept' => 'application/json' ) + Edgechat_Signature::headers( $settings['plugin_secret'], 'GET', $url, '' ),
			)
		);
		$data = self::decode( $response, array( 200 ) );
		if ( is_wp_error( $data ) ) {
			return $data;
		}
		if ( ! isset( $data['status'] ) || ! is_string( $data['status'] ) ) {
			return new WP_Error( 'edgechat_bad_response', __( 'The server answered the status check with something unexpected.', 'edgechat' ) );
		}
		return array(
			'status' => $data['status'],
			'name'   => isset( $data['name'] ) && is_string( $data['name'] ) ? $data['name'] : '',
		);
	}

	/**
	 * Posts an event (order_placed, ...) and waits for the answer. Called from the event queue
	 * (Edgechat_Events), never while a shopper's page or checkout is being served.
	 *
	 * @param array $settings Stored settings.
	 * @param array $event    The event, with a type.
	 * @return true|WP_Error
	 */
	public static function post_event( array $settings, array $event ) {
		$url      = $settings['server_url'] . '/api/v1/sites/' . rawurlencode( $settings['site_key'] ) . '/events';
		$body     = (string) wp_json_encode( $event );
		$response = wp_remote_post(
			$url,
			array(
				'timeout'     => self::EVENT_TIMEOUT,
				'redirection' => 0,
				'headers'     => array(
					'Content-Type' => 'application/json',
					'Accept'       => 'application/json',
				) + Edgechat_Signature::headers( $settings['plugin_secret'], 'POST', $url, $body ),
				'body'        => $body,
				'data_format' => 'body',
			)
		);
		$data = self::decode( $response, array( 200, 202 ) );
		return is_wp_error( $data ) ? $data : true;
	}

	/**
	 * The JSON body of an expected answer, or a WP_Error that says what went wrong.
	 *
	 * @param array|WP_Error $response      wp_remote_* result.
	 * @param int[]          $success_codes HTTP codes that carry a result.
	 * @return array|WP_Error
	 */
	private static function decode( $response, array $success_codes ) {
		if ( is_wp_error( $response ) ) {
			return new WP_Error(
				'edgechat_unreachable',
				/* translators: %s: the HTTP client's error, e.g. "cURL error 7: Failed to connect". */
				sprintf( __( 'Could not reach the Edgechat server: %s', 'edgechat' ), $response->get_error_message() )
			);
		}
		$code = (int) wp_remote_retrieve_response_code( $response );
		$data = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( in_array( $code, $success_codes, true ) && is_array( $data ) ) {
			return $data;
		}
		if ( is_array( $data ) && isset( $data['error']['message'] ) && is_string( $data['error']['message'] ) ) {
			$server_code = isset( $data['error']['code'] ) && is_string( $data['error']['code'] ) ? $data['error']['code'] : 'error';
			return new WP_Error(
				'edgechat_server_' . sanitize_key( $server_code ),
				/* translators: 1: the server's explanation, 2: its error code, 3: HTTP status code. */
				sprintf( __( 'The Edgechat server refused: %1$s (%2$s, HTTP %3$d)', 'edgechat' ), mb_substr( $data['error']['message'], 0, 300 ), mb_substr( $server_code, 0, 64 ), $code ),
				array( 'status' => $code )
			);
		}
		return new WP_Error(
			'edgechat_bad_response',
			/* translators: %d: HTTP status code. */
			sprintf( __( 'The server answered with something unexpected (HTTP %d). Is the server URL the address of an Edgechat server?', 'edgechat' ), $code ),
			array( 'status' => $code )
		);
	}
}
