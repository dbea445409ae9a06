<?php
/**
 * The connection status: a signed GET, cached, and never fetched while a page renders.
 *
 * @package Edgechat\Tests
 */

class StatusTest extends Edgechat_TestCase {

	public function test_status_check_is_signed_and_cached(): void {
		$this->configure();
		$this->respond_with( 200, array( 'status' => 'active', 'name' => 'My shop' ) );
		$status = Edgechat_Admin_Actions::check_status();
		$this->assertSame( 'active', $status['status'] );
		$this->assertSame( 'My shop', $status['name'] );

		$request = $this->http[0];
		$this->assertSame( self::SERVER . '/api/v1/sites/shop-1/status', $request['url'] );
		$this->assertSame( 'GET', $request['args']['method'] );
		$headers = $request['args']['headers'];
		$this->assertTrue(
			Edgechat_Signature::verify( self::PLUGIN_SECRET, $headers['X-Edgechat-Timestamp'], $headers['X-Edgechat-Signature'], 'GET', '/api/v1/sites/shop-1/status', '' )
		);
	}

	public function test_server_in_a_subfolder_signs_the_full_path(): void {
		$this->configure( array( 'server_url' => 'https://example.com/edgechat' ) );
		$this->respond_with( 200, array( 'status' => 'active' ) );
		Edgechat_Admin_Actions::check_status();
		$headers = $this->http[0]['args']['headers'];
		$this->assertSame(
			Edgechat_Signature::sign( self::PLUGIN_SECRET, $headers['X-Edgechat-Timestamp'], 'GET', '/edgechat/api/v1/sites/shop-1/status', '' ),
			$headers['X-Edgechat-Signature']
		);
	}

	public function test_failure_is_cached_as_an_error_with_its_reason(): void {
		$this->configure();
		$this->respond_with( 401, array( 'error' => array( 'code' => 'bad_signature', 'message' => 'Signature mismatch' ) ) );
		$status = Edgechat_Admin_Actions::check_status();
		$this->assertSame( 'error', $status['status'] );
		$this->assertSame( 'The Edgechat server refused: Signature mismatch (bad_signature, HTTP 401)', $status['message'] );
	}

	public function test_without_keys_the_site_is_disconnected_and_nothing_is_sent(): void {
		$this->assertSame( 'disconnected', Edgechat_Admin_Actions::check_status()['status'] );
		$this->assertSame( array(), $this->http );
	}

	public function test_settings_page_refreshes_only_a_stale_status(): void {
		$this->configure();
		$this->respond_with( 200, array( 'status' => 'active', 'name' => 'Shop' ) );
		Edgechat_Options::save_status( 'active', 'Shop' );
		Edgechat_Admin_Page::refresh_stale_status();
		$this->assertSame( array(), $this->http, 'a fresh status is not fetched again' );

		update_option( Edgechat_Options::STATUS, array( 'status' => 'active', 'checked_at' => time() - 2 * HOUR_IN_SECONDS ) );
		Edgechat_Admin_Page::refresh_stale_status();
		$this->assertCount( 1, $this->http );
	}

	public function test_front_end_pages_never_call_the_server(): void {
		$this->configure( array( 'server_url' => 'http://127.0.0.1:9' ) );
		update_option( Edgechat_Options::STATUS, array( 'status' => 'active', 'checked_at' => 1 ) );
		$this->login( 'subscriber' );
		$html = $this->render_page( '/', '[edgechat_open] [edgechat_video]' );
		$this->assertStringContainsString( 'http://127.0.0.1:9/widget.js', $html );
		$this->assertSame( array(), $this->http, 'rendering a page sends no request, so a down server cannot slow it' );
	}
}
