<?php
/**
 * GET /wp-json/edgechat/v1/customer?user_id=N, signed by the Worker with the plugin secret.
 *
 * @package Edgechat\Tests
 */

class RestTest extends Edgechat_TestCase {

	public function test_route_is_registered(): void {
		$this->assertArrayHasKey( '/edgechat/v1/customer', rest_get_server()->get_routes() );
	}

	public function test_valid_signature_returns_cart_and_recent_orders(): void {
		$this->configure();
		$user = $this->login( 'subscriber' );
		wp_set_current_user( 0 );
		Edgechat_WC_Stub::add_product( array( 'id' => 12, 'name' => 'Chair', 'price' => '100', 'permalink' => 'http://127.0.0.1/product/chair/' ) );
		update_user_meta(
			$user->ID,
			'_woocommerce_persistent_cart_' . get_current_blog_id(),
			array(
				'cart' => array(
					'a' => array( 'product_id' => 12, 'variation_id' => 0, 'quantity' => 2, 'line_total' => 200, 'line_tax' => 40 ),
					'b' => array( 'product_id' => 999, 'quantity' => 1 ),
				),
			)
		);
		for ( $i = 1; $i <= 7; $i++ ) {
			Edgechat_WC_Stub::add_order(
				array(
					'id'          => 600 + $i,
					'customer_id' => $user->ID,
					'total'       => (string) ( 10 * $i ),
					'date'        => sprintf( '2024-03-%02d 10:00:00', $i ),
					'items'       => array( array( 'product_id' => 12, 'name' => 'Chair', 'quantity' => 1, 'total' => '10' ) ),
				)
			);
		}
		Edgechat_WC_Stub::add_order( array( 'id' => 700, 'customer_id' => $user->ID + 1, 'total' => '1' ) );

		$response = $this->signed_request( $user->ID );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		$this->assertSame(
			array(
				'items'    => array( array( 'id' => 12, 'name' => 'Chair', 'qty' => 2, 'price' => 100.0, 'url' => 'http://127.0.0.1/product/chair/' ) ),
				'total'    => 240.0,
				'currency' => 'EUR',
			),
			$data['cart']
		);
		$this->assertSame( array( 607, 606, 605, 604, 603 ), array_column( $data['orders'], 'id' ), 'the five most recent, newest first' );
		$this->assertSame(
			array(
				'id'       => 607,
				'number'   => '607',
				'status'   => 'processing',
				'total'    => 70.0,
				'currency' => 'EUR',
				'date'     => '2024-03-07T10:00:00Z',
				'items'    => array( array( 'id' => 12, 'name' => 'Chair', 'qty' => 1, 'total' => 10.0 ) ),
			),
			$data['orders'][0]
		);
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] );
	}

	public function test_wrong_signature_is_refused(): void {
		$this->configure();
		$user     = $this->login( 'subscriber' );
		$response = $this->signed_request( $user->ID, array( 'secret' => 'not-the-plugin-secret-at-all' ) );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'edgechat_bad_signature', $response->get_data()['code'] );
	}

	public function test_signature_of_another_user_id_is_refused(): void {
		$this->configure();
		$user     = $this->login( 'subscriber' );
		$response = $this->signed_request( $user->ID, array( 'signed_path' => '/wp-json/edgechat/v1/customer?user_id=' . ( $user->ID + 1 ) ) );
		$this->assertSame( 'edgechat_bad_signature', $response->get_data()['code'] );
	}

	/** @return array<string,array{int}> */
	public function stale_offsets(): array {
		return array(
			'301 s old'       => array( -301 ),
			'an hour old'     => array( -3600 ),
			'301 s in future' => array( 301 ),
		);
	}

	/** @dataProvider stale_offsets */
	public function test_old_or_future_timestamp_is_refused( int $offset ): void {
		$this->configure();
		$user     = $this->login( 'subscriber' );
		$response = $this->signed_request( $user->ID, array( 'timestamp' => time() + $offset ) );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'edgechat_stale_signature', $response->get_data()['code'] );
	}

	public function test_timestamp_within_the_window_is_accepted(): void {
		$this->configure();
		$user = $this->login( 'subscriber' );
		$this->assertSame( 200, $this->signed_request( $user->ID, array( 'timestamp' => time() - 290 ) )->get_status() );
	}

	public function test_unsigned_request_is_refused(): void {
		$this->configure();
		$user                   = $this->login( 'subscriber' );
		$_SERVER['REQUEST_URI'] = '/wp-json/edgechat/v1/customer?user_id=' . $user->ID;
		$request                = new WP_REST_Request( 'GET', '/edgechat/v1/customer' );
		$request->set_query_params( array( 'user_id' => $user->ID ) );
		$response = rest_do_request( $request );
		$this->assertSame( 401, $response->get_status() );
		$this->assertSame( 'edgechat_unsigned', $response->get_data()['code'] );
	}

	public function test_site_without_plugin_secret_refuses_everything(): void {
		$this->configure( array( 'plugin_secret' => '' ) );
		$user     = $this->login( 'subscriber' );
		$response = $this->signed_request( $user->ID, array( 'secret' => '' ) );
		$this->assertSame( 'edgechat_not_connected', $response->get_data()['code'] );
	}

	public function test_unknown_user_is_404(): void {
		$this->configure();
		$response = $this->signed_request( 999999 );
		$this->assertSame( 404, $response->get_status() );
	}

	public function test_logged_in_administrator_without_signature_is_refused_too(): void {
		$this->configure();
		$this->login( 'administrator' );
		$_SERVER['REQUEST_URI'] = '/wp-json/edgechat/v1/customer?user_id=1';
		$request                = new WP_REST_Request( 'GET', '/edgechat/v1/customer' );
		$request->set_query_params( array( 'user_id' => 1 ) );
		$this->assertSame( 401, rest_do_request( $request )->get_status() );
	}

	/**
	 * Dispatches GET /edgechat/v1/customer?user_id=N as the Worker would send it.
	 *
	 * @param int   $user_id User id.
	 * @param array $options secret, timestamp, signed_path.
	 */
	private function signed_request( int $user_id, array $options = array() ): WP_REST_Response {
		$path                   = '/wp-json/edgechat/v1/customer?user_id=' . $user_id;
		$_SERVER['REQUEST_URI'] = $path;
		$timestamp              = (string) ( $options['timestamp'] ?? time() );
		$request                = new WP_REST_Request( 'GET', '/edgechat/v1/customer' );
		$request->set_query_params( array( 'user_id' => $user_id ) );
		$request->set_header( 'X-Edgechat-Timestamp', $timestamp );
		$request->set_header( 'X-Edgechat-Signature', Edgechat_Signature::sign( $options['secret'] ?? self::PLUGIN_SECRET, $timestamp, 'GET', $options['signed_path'] ?? $path, '' ) );
		return rest_do_request( $request );
	}
}
