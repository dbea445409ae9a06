<?php
/**
 * WooCommerce paths, against the stand-in in test/wordpress/woocommerce-stub (WooCommerce is
 * not packaged for this machine).
 *
 * @package Edgechat\Tests
 */

class WooCommerceTest extends Edgechat_TestCase {

	public function test_features_start_on_woocommerce_loaded(): void {
		$this->assertSame( 1, did_action( 'woocommerce_loaded' ) );
		$this->assertSame( 10, has_filter( 'edgechat_page_settings', array( 'Edgechat_WooCommerce', 'add_cart' ) ) );
		$this->assertSame( 10, has_action( 'woocommerce_after_add_to_cart_button', array( 'Edgechat_WooCommerce', 'product_page_button' ) ) );
		$this->assertSame( 10, has_action( 'woocommerce_checkout_order_processed', array( 'Edgechat_WooCommerce', 'order_placed' ) ) );
	}

	public function test_the_session_cart_is_in_the_page_settings_without_secrets(): void {
		$this->configure();
		$chair                      = Edgechat_WC_Stub::add_product( array( 'id' => 12, 'name' => 'Chair', 'price' => '149.90', 'permalink' => 'http://127.0.0.1/product/chair/' ) );
		WC()->cart->cart_contents   = array(
			'k1' => array(
				'product_id'   => 12,
				'variation_id' => 0,
				'quantity'     => 2,
				'data'         => $chair,
			),
		);
		WC()->cart->total           = 299.8;
		update_option( 'woocommerce_currency', 'RUB' );
		$html = $this->render_page();
		$this->assertStringContainsString(
			'"cart":{"items":[{"id":12,"name":"Chair","qty":2,"price":149.9,"url":"http:\/\/127.0.0.1\/product\/chair\/"}],"total":299.8,"currency":"RUB"}',
			$html
		);
		$this->assertStringNotContainsString( self::PLUGIN_SECRET, $html );
	}

	public function test_a_cart_of_more_than_a_hundred_lines_stays_within_what_the_server_accepts(): void {
		// The server refuses a session whose cart has more than 100 lines (docs/plugins.md):
		// a bigger cart must not cost the shopper the chat.
		$this->configure();
		$lines = array();
		for ( $id = 1; $id <= 120; $id++ ) {
			$lines[ 'k' . $id ] = array(
				'product_id'   => $id,
				'variation_id' => 0,
				'quantity'     => 1,
				'data'         => Edgechat_WC_Stub::add_product( array( 'id' => $id, 'name' => 'Screw ' . $id, 'price' => '1' ) ),
			);
		}
		WC()->cart->cart_contents = $lines;
		WC()->cart->total         = 120;
		$cart                     = Edgechat_Loader::page_settings( Edgechat_Options::settings() )['cart'];
		$this->assertCount( 100, $cart['items'] );
		$this->assertSame( 1, $cart['items'][0]['id'] );
		$this->assertSame( 120.0, $cart['total'], 'the total is still the whole cart' );
	}

	public function test_product_page_gets_a_video_button_with_the_product(): void {
		$this->configure();
		$GLOBALS['product'] = Edgechat_WC_Stub::add_product( array( 'id' => 5, 'name' => 'Sofa', 'price' => '999', 'image_id' => 0 ) );
		ob_start();
		do_action( 'woocommerce_after_add_to_cart_button' );
		$html = (string) ob_get_clean();
		$this->assertStringContainsString( 'type="button"', $html, 'never submits the add-to-cart form' );
		$this->assertStringContainsString( 'data-edgechat-open="video"', $html );
		$this->assertStringContainsString( '&quot;id&quot;:5,&quot;name&quot;:&quot;Sofa&quot;', $html );
		$this->assertStringContainsString( '&quot;price&quot;:&quot;999.00 EUR&quot;', $html, 'the draft keeps the currency' );
		$this->assertStringContainsString( '>Video consultation</button>', $html );
	}

	/**
	 * The events queued for delivery: [ [ timestamp, event, attempt ], ... ] (WP-cron here: the
	 * stand-in has no Action Scheduler).
	 */
	private function queued(): array {
		$found = array();
		foreach ( (array) _get_cron_array() as $timestamp => $hooks ) {
			foreach ( $hooks[ Edgechat_Events::HOOK ] ?? array() as $job ) {
				$found[] = array( $timestamp, $job['args'][0], $job['args'][1] );
			}
		}
		return $found;
	}

	/** Runs the queued deliveries as WP-cron would, and forgets them. */
	private function run_queue(): void {
		foreach ( $this->queued() as list( $timestamp, $event, $attempt ) ) {
			wp_unschedule_event( $timestamp, Edgechat_Events::HOOK, array( $event, $attempt ) );
			do_action_ref_array( Edgechat_Events::HOOK, array( $event, $attempt ) );
		}
	}

	public function test_order_placed_is_queued_then_sent_signed(): void {
		$this->configure();
		$_COOKIE['edgechat_vid'] = 'v_123';
		Edgechat_WC_Stub::add_order( array( 'id' => 501, 'customer_id' => 7, 'total' => '149.90', 'currency' => 'RUB' ) );
		do_action( 'woocommerce_checkout_order_processed', 501, array(), null );
		$this->assertSame( array(), $this->http, 'the checkout sends nothing itself' );
		$this->assertCount( 1, $this->queued() );
		$this->assertEqualsWithDelta( time(), $this->queued()[0][0], 2 );

		$this->respond_with( 202, array( 'ok' => true, 'duplicate' => false ) );
		$this->run_queue();
		$this->assertCount( 1, $this->http );
		$request = $this->http[0];
		$this->assertSame( self::SERVER . '/api/v1/sites/shop-1/events', $request['url'] );
		$this->assertTrue( $request['args']['blocking'], 'the queue waits for the answer' );
		$this->assertSame( 10, $request['args']['timeout'] );
		$event = json_decode( $request['args']['body'], true );
		$this->assertSame( 'order_placed', $event['type'] );
		$this->assertSame( 'v_123', $event['visitorId'] );
		$this->assertSame( '7', $event['userId'] );
		$this->assertSame( '501', $event['orderId'] );
		$this->assertSame( 149.9, $event['total'] );
		$this->assertSame( 'RUB', $event['currency'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $event['at'] );
		$headers = $request['args']['headers'];
		$this->assertTrue(
			Edgechat_Signature::verify( self::PLUGIN_SECRET, $headers['X-Edgechat-Timestamp'], $headers['X-Edgechat-Signature'], 'POST', '/api/v1/sites/shop-1/events', $request['args']['body'] )
		);
		$this->assertSame( array(), $this->queued() );
		$this->assertFalse( get_option( Edgechat_Events::LAST_ERROR_OPTION ) );
	}

	public function test_a_down_or_failing_server_gets_the_event_again_later(): void {
		$this->configure();
		Edgechat_WC_Stub::add_order( array( 'id' => 506, 'total' => '10', 'currency' => 'EUR' ) );
		do_action( 'woocommerce_checkout_order_processed', 506, array(), null );
		$this->run_queue(); // No network: the attempt fails.
		$retry = $this->queued();
		$this->assertCount( 1, $retry );
		$this->assertSame( 1, $retry[0][2] );
		$this->assertEqualsWithDelta( time() + 60, $retry[0][0], 2 );
		$this->assertStringContainsString( 'Could not reach', get_option( Edgechat_Events::LAST_ERROR_OPTION )['message'] );

		$this->respond_with( 503, array( 'error' => array( 'code' => 'overloaded', 'message' => 'try later' ) ) );
		$this->run_queue();
		$this->assertSame( 2, $this->queued()[0][2] );
		$this->assertEqualsWithDelta( time() + 120, $this->queued()[0][0], 2 );

		$this->respond_with( 202, array( 'ok' => true, 'duplicate' => false ) );
		$this->run_queue();
		$this->assertSame( array(), $this->queued() );
		$this->assertCount( 3, $this->http );
		$signatures = array_map(
			function ( $r ) {
				return $r['args']['headers']['X-Edgechat-Signature'];
			},
			$this->http
		);
		$this->assertSame( $this->http[0]['args']['body'], $this->http[2]['args']['body'], 'the same event each time' );
		$this->assertNotEmpty( $signatures[2] );
	}

	/** The settings page as the administrator sees it. */
	private function settings_page(): string {
		$this->login( 'administrator' );
		ob_start();
		Edgechat_Admin_Page::render();
		return (string) ob_get_clean();
	}

	public function test_the_settings_page_tells_the_owner_that_order_events_fail(): void {
		$this->configure();
		Edgechat_WC_Stub::add_order( array( 'id' => 507, 'total' => '10', 'currency' => 'EUR' ) );
		do_action( 'woocommerce_checkout_order_processed', 507, array(), null );
		$this->respond_with( 401, array( 'error' => array( 'code' => 'bad_signature', 'message' => 'Signature <mismatch>' ) ) );
		$this->run_queue();
		$html = $this->settings_page();
		$this->assertStringContainsString( 'Orders could not be reported to Edgechat', $html );
		$this->assertStringContainsString( 'Signature &lt;mismatch&gt; (bad_signature, HTTP 401)', $html, 'the reason, escaped' );

		$this->respond_with( 202, array( 'ok' => true, 'duplicate' => false ) );
		$this->run_queue();
		$this->assertStringNotContainsString( 'Orders could not be reported', $this->settings_page(), 'gone once an event gets through' );
	}

	public function test_a_refused_event_is_not_retried_and_attempts_end(): void {
		$this->configure();
		$this->respond_with( 400, array( 'error' => array( 'code' => 'invalid_body', 'message' => 'currency: bad' ) ) );
		Edgechat_Events::deliver( array( 'type' => 'order_placed' ), 0 );
		$this->assertSame( array(), $this->queued() );
		$this->respond_with( 500, 'oops' );
		Edgechat_Events::deliver( array( 'type' => 'order_placed' ), Edgechat_Events::MAX_ATTEMPTS - 1 );
		$this->assertSame( array(), $this->queued(), 'the last attempt queues nothing more' );
	}

	public function test_guest_order_without_cookie_and_block_checkout_hook(): void {
		$this->configure();
		$order = Edgechat_WC_Stub::add_order( array( 'id' => 502, 'total' => '10', 'currency' => 'EUR' ) );
		do_action( 'woocommerce_store_api_checkout_order_processed', $order );
		$event = $this->queued()[0][1];
		$this->assertNull( $event['visitorId'] );
		$this->assertNull( $event['userId'] );
	}

	public function test_an_order_is_reported_once_even_if_both_checkout_hooks_fire(): void {
		$this->configure();
		$order = Edgechat_WC_Stub::add_order( array( 'id' => 503, 'total' => '10' ) );
		do_action( 'woocommerce_checkout_order_processed', 503, array(), $order );
		do_action( 'woocommerce_store_api_checkout_order_processed', $order );
		$this->assertCount( 1, $this->queued() );
	}

	public function test_no_event_when_not_connected(): void {
		Edgechat_WC_Stub::add_order( array( 'id' => 504, 'total' => '10' ) );
		do_action( 'woocommerce_checkout_order_processed', 504, array(), null );
		$this->assertSame( array(), $this->queued() );
		$this->assertSame( array(), $this->http );
	}
}
