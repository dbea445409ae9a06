<?php
/**
 * Connect: POST {server}/api/v1/sites through WordPress's HTTP client (answered by the test
 * through pre_http_request), and what is stored.
 *
 * @package Edgechat\Tests
 */

class ConnectTest extends Edgechat_TestCase {

	const KEYS = array(
		'siteKey'        => 'new-shop',
		'pluginSecret'   => 'plugin-0123456789abcdef0123456789abcdef',
		'identitySecret' => 'identity-0123456789abcdef0123456789abcdef',
		'status'         => 'active',
	);

	public function test_connect_sends_the_site_and_stores_the_keys(): void {
		update_option( 'blogname', 'Ёлки & "Палки"' );
		$this->respond_with( 201, self::KEYS );
		$ok = Edgechat_Admin_Actions::connect(
			array(
				'server_url'  => 'https://chat.example.com/',
				'owner_email' => 'owner@example.com',
				'signup_code' => 'INVITE-123',
				'admin_token' => 'deployment-admin-token',
			)
		);
		$this->assertTrue( $ok );
		$this->assertCount( 1, $this->http );
		$request = $this->http[0];
		$this->assertSame( 'https://chat.example.com/api/v1/sites', $request['url'] );
		$this->assertSame( 'POST', $request['args']['method'] );
		$this->assertSame( 'application/json', $request['args']['headers']['Content-Type'] );
		$this->assertSame( 'Bearer deployment-admin-token', $request['args']['headers']['Authorization'] );
		$this->assertSame(
			array(
				'ownerEmail' => 'owner@example.com',
				'url'        => home_url(),
				'name'       => 'Ёлки & "Палки"',
				'signupCode' => 'INVITE-123',
			),
			json_decode( $request['args']['body'], true )
		);

		$settings = Edgechat_Options::settings();
		$this->assertSame( 'https://chat.example.com', $settings['server_url'] );
		$this->assertSame( 'new-shop', $settings['site_key'] );
		$this->assertSame( self::KEYS['pluginSecret'], $settings['plugin_secret'] );
		$this->assertSame( self::KEYS['identitySecret'], $settings['identity_secret'] );
		$this->assertStringNotContainsString( 'deployment-admin-token', (string) wp_json_encode( wp_load_alloptions() ), 'the admin token is never stored' );
		$this->assertSame( 'active', Edgechat_Options::status()['status'] );
		$this->assertSame( array( 'Connected: the chat is live on your site.' ), $this->messages( 'success' ) );
	}

	public function test_connect_on_a_connected_shop_links_to_its_site_when_the_secret_still_holds(): void {
		$this->configure();
		$this->respond = function ( $args, $url ) {
			$ok = 'GET' === $args['method'] && Edgechat_Signature::verify( self::PLUGIN_SECRET, $args['headers']['X-Edgechat-Timestamp'], $args['headers']['X-Edgechat-Signature'], 'GET', wp_parse_url( $url, PHP_URL_PATH ), '' );
			return array(
				'headers'  => array(),
				'body'     => wp_json_encode( true === $ok ? array( 'status' => 'active', 'name' => 'My shop' ) : array( 'error' => array( 'code' => 'bad_signature', 'message' => 'no' ) ) ),
				'response' => array( 'code' => true === $ok ? 200 : 401 ),
				'cookies'  => array(),
				'filename' => null,
			);
		};
		$ok = Edgechat_Admin_Actions::connect( array( 'server_url' => self::SERVER, 'owner_email' => 'owner@example.com' ) );
		$this->assertTrue( $ok );
		$this->assertCount( 1, $this->http, 'only the signed status check: no new site' );
		$this->assertSame( self::SERVER . '/api/v1/sites/' . self::SITE_KEY . '/status', $this->http[0]['url'] );
		$this->assertSame( self::SITE_KEY, Edgechat_Options::settings()['site_key'] );
		$this->assertSame( self::PLUGIN_SECRET, Edgechat_Options::settings()['plugin_secret'] );
		$this->assertStringContainsString( 'Already connected', $this->messages( 'success' )[0] );
	}

	public function test_connect_creates_a_new_site_when_the_old_one_refuses_the_secret(): void {
		$this->configure();
		$this->respond = function ( $args ) {
			$status = 'GET' === $args['method'] ? 401 : 201;
			return array(
				'headers'  => array(),
				'body'     => wp_json_encode( 401 === $status ? array( 'error' => array( 'code' => 'bad_signature', 'message' => 'no' ) ) : self::KEYS ),
				'response' => array( 'code' => $status ),
				'cookies'  => array(),
				'filename' => null,
			);
		};
		$this->assertTrue( Edgechat_Admin_Actions::connect( array( 'server_url' => self::SERVER, 'owner_email' => 'owner@example.com' ) ) );
		$this->assertCount( 2, $this->http );
		$this->assertSame( 'new-shop', Edgechat_Options::settings()['site_key'] );
	}

	public function test_connect_on_a_connected_shop_changes_nothing_when_the_server_is_unreachable(): void {
		$this->configure();
		$this->assertFalse( Edgechat_Admin_Actions::connect( array( 'server_url' => self::SERVER, 'owner_email' => 'owner@example.com' ) ) );
		$this->assertCount( 1, $this->http );
		$this->assertSame( self::SITE_KEY, Edgechat_Options::settings()['site_key'] );
		$this->assertStringContainsString( 'already connected', $this->messages()[0] );
	}

	public function test_without_token_or_code_neither_is_sent(): void {
		$this->respond_with( 201, self::KEYS );
		Edgechat_Admin_Actions::connect( array( 'server_url' => 'https://chat.example.com', 'owner_email' => 'owner@example.com' ) );
		$this->assertArrayNotHasKey( 'Authorization', $this->http[0]['args']['headers'] );
		$this->assertArrayNotHasKey( 'signupCode', json_decode( $this->http[0]['args']['body'], true ) );
	}

	public function test_pending_confirmation_tells_the_owner_to_confirm_the_email(): void {
		$this->respond_with( 201, array( 'status' => 'pending_confirmation' ) + self::KEYS );
		$this->assertTrue( Edgechat_Admin_Actions::connect( array( 'server_url' => 'https://chat.example.com', 'owner_email' => 'owner@example.com' ) ) );
		$this->assertSame( 'pending_confirmation', Edgechat_Options::status()['status'] );
		$this->assertSame( array( 'Almost there: Edgechat sent an email to owner@example.com. The chat goes live once it is confirmed.' ), $this->messages( 'warning' ) );
	}

	public function test_server_refusal_is_shown_escaped_and_nothing_is_stored(): void {
		$this->configure();
		$this->respond_with(
			409,
			array(
				'error' => array(
					'code'    => 'site_exists',
					'message' => 'A site for this URL exists <img src=x onerror=alert(1)>',
				),
			)
		);
		$this->assertFalse( Edgechat_Admin_Actions::connect( array( 'server_url' => 'https://other.example.com', 'owner_email' => 'owner@example.com' ) ) );
		$this->assertSame( array( 'The Edgechat server refused: A site for this URL exists &lt;img src=x onerror=alert(1)&gt; (site_exists, HTTP 409)' ), $this->messages() );
		$this->assertSame( self::SERVER, Edgechat_Options::settings()['server_url'] );
		$this->assertSame( self::SITE_KEY, Edgechat_Options::settings()['site_key'] );
		$this->assertSame( self::PLUGIN_SECRET, Edgechat_Options::settings()['plugin_secret'] );
	}

	public function test_unreachable_server(): void {
		$this->assertFalse( Edgechat_Admin_Actions::connect( array( 'server_url' => 'https://chat.example.com', 'owner_email' => 'owner@example.com' ) ) );
		$this->assertSame( array( 'Could not reach the Edgechat server: cURL error 7: Failed to connect (tests have no network)' ), $this->messages() );
		$this->assertSame( '', Edgechat_Options::settings()['site_key'] );
	}

	/** @return array<string,array{int,mixed}> */
	public function unexpected_answers(): array {
		return array(
			'not json'            => array( 200, '<html>a shop</html>' ),
			'no keys'             => array( 201, array( 'ok' => true ) ),
			'bad site key'        => array( 201, array( 'siteKey' => '"><script>' ) + self::KEYS ),
			'short secret'        => array( 201, array( 'pluginSecret' => 'x' ) + self::KEYS ),
			'unknown status'      => array( 201, array( 'status' => 'weird' ) + self::KEYS ),
			'500 without details' => array( 500, 'oops' ),
		);
	}

	/**
	 * @dataProvider unexpected_answers
	 * @param int          $code HTTP status.
	 * @param array|string $body Body.
	 */
	public function test_unexpected_answers_store_nothing( int $code, $body ): void {
		$this->respond_with( $code, $body );
		$this->assertFalse( Edgechat_Admin_Actions::connect( array( 'server_url' => 'https://chat.example.com', 'owner_email' => 'owner@example.com' ) ) );
		$this->assertCount( 1, $this->messages() );
		$this->assertStringContainsString( 'Is the server URL the address of an Edgechat server?', $this->messages()[0] );
		$this->assertSame( '', Edgechat_Options::settings()['site_key'] );
	}

	/** @return array<string,array{array,string}> */
	public function bad_forms(): array {
		return array(
			'no server'      => array( array( 'server_url' => '', 'owner_email' => 'owner@example.com' ), 'Enter the address of your Edgechat server' ),
			'bad server'     => array( array( 'server_url' => 'javascript:alert(1)', 'owner_email' => 'owner@example.com' ), 'The server URL must be an http:// or https:// address' ),
			'bad email'      => array( array( 'server_url' => 'https://chat.example.com', 'owner_email' => 'not-an-email' ), 'Enter the email address of the shop owner' ),
			'bad code'       => array( array( 'server_url' => 'https://chat.example.com', 'owner_email' => 'owner@example.com', 'signup_code' => 'a b' ), 'The signup code may only contain' ),
			'token w/ space' => array( array( 'server_url' => 'https://chat.example.com', 'owner_email' => 'owner@example.com', 'admin_token' => 'a b' ), 'The admin token cannot contain spaces' ),
		);
	}

	/** @dataProvider bad_forms */
	public function test_invalid_form_sends_nothing( array $input, string $message ): void {
		$this->assertFalse( Edgechat_Admin_Actions::connect( $input ) );
		$this->assertSame( array(), $this->http );
		$this->assertStringContainsString( $message, implode( "\n", $this->messages() ) );
	}

	public function test_connect_handler_with_nonce_connects_and_redirects(): void {
		$this->login( 'administrator' );
		$this->respond_with( 201, self::KEYS );
		$_POST    = array(
			'action'   => Edgechat_Admin_Actions::CONNECT,
			'_wpnonce' => wp_create_nonce( Edgechat_Admin_Actions::CONNECT ),
			'edgechat' => array(
				'server_url'  => 'https://chat.example.com',
				'owner_email' => 'owner@example.com',
			),
		);
		$_REQUEST = $_POST;
		$this->assertStringContainsString( 'page=edgechat', $this->redirect_of( array( 'Edgechat_Admin_Actions', 'handle_connect' ) ) );
		$this->assertSame( 'new-shop', Edgechat_Options::settings()['site_key'] );
	}
}
