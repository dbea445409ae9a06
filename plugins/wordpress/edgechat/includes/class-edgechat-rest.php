<?php
/**
 * GET /wp-json/edgechat/v1/customer?user_id=N: the cart and recent orders of a customer, for
 * the operator's visitor card. Only the Edgechat server may call it (signed with the plugin secret).
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * The signed REST route (registered only when WooCommerce runs).
 */
final class Edgechat_Rest {

	const ROUTE_NAMESPACE = 'edgechat/v1';

	/** Registers the route on rest_api_init. */
	public static function register_hooks(): void {
		add_action( 'rest_api_init', array( __CLASS__, 'register_routes' ) );
	}

	/** Registers /customer. */
	public static function register_routes(): void {
		register_rest_route(
			self::ROUTE_NAMESPACE,
			'/customer',
			array(
				'methods'             => 'GET',
				'callback'            => array( __CLASS__, 'customer' ),
				'permission_callback' => array( __CLASS__, 'verify_signature' ),
				'args'                => array(
					'user_id' => array(
						'type'     => 'integer',
						'minimum'  => 1,
						'required' => true,
					),
				),
			)
		);
	}

	/**
	 * Accepts only requests signed by the server with the plugin secret, within 300 s.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public static function verify_signature( WP_REST_Request $request ) {
		return Edgechat_Signature::verify(
			Edgechat_Options::settings()['plugin_secret'],
			$request->get_header( 'x_edgechat_timestamp' ),
			$request->get_header( 'x_edgechat_signature' ),
			$request->get_method(),
			self::path_with_query( $request ),
			(string) $request->get_body()
		);
	}

	/**
	 * { cart, orders } of one user.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function customer( WP_REST_Request $request ) {
		$user_id = (int) $request['user_id'];
		if ( ! get_userdata( $user_id ) ) {
			return new WP_Error( 'edgechat_unknown_user', __( 'No such user.', 'edgechat' ), array( 'status' => 404 ) );
		}
		$response = rest_ensure_response(
			array(
				'cart'   => Edgechat_WooCommerce::saved_cart( $user_id ),
				'orders' => Edgechat_WooCommerce::recent_orders( $user_id ),
			)
		);
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * The path and query the server signed: the request line as received (REQUEST_URI),
	 * else rebuilt from the route (requests dispatched inside PHP).
	 *
	 * @param WP_REST_Request $request Request.
	 */
	private static function path_with_query( WP_REST_Request $request ): string {
		if ( isset( $_SERVER['REQUEST_URI'] ) ) {
			return wp_unslash( $_SERVER['REQUEST_URI'] ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- compared, never output.
		}
		$query = $request->get_query_params();
		return (string) wp_parse_url( rest_url( $request->get_route() ), PHP_URL_PATH ) . ( $query ? '?' . http_build_query( $query ) : '' );
	}
}
