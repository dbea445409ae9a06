<?php
/**
 * The real thing over HTTP: the test site served by `php -S` with test/wordpress/router.php,
 * the WooCommerce stand-in loaded. These tests commit their data (another process reads it)
 * and restore it afterwards.
 *
 * @package Edgechat\Tests
 */

class HttpTest extends Edgechat_TestCase {

	/** @var bool */
	protected $transaction = false;

	/** @var resource|null */
	private static $server;

	/** @var int */
	private static $port;

	/** @var array Options as they were before the test. */
	private $saved_options = array();

	/** @var int[] Users to delete after the test. */
	private $users = array();

	public static function setUpBeforeClass(): void {
		$probe      = stream_socket_server( 'tcp://127.0.0.1:0' );
		self::$port = (int) substr( strrchr( stream_socket_get_name( $probe, false ), ':' ), 1 );
		fclose( $probe );
		$env          = getenv();
		$env['EDGECHAT_WP_CONFIG'] = 'edgechat-test';
		$env['EDGECHAT_WOO_STUB']  = '1';
		self::$server = proc_open(
			array( PHP_BINARY, '-S', '127.0.0.1:' . self::$port, '-t', '/usr/share/wordpress', EDGECHAT_REPO_ROOT . '/test/wordpress/router.php' ),
			array(
				0 => array( 'file', '/dev/null', 'r' ),
				1 => array( 'file', '/dev/null', 'w' ),
				2 => array( 'file', '/dev/null', 'w' ),
			),
			$pipes,
			null,
			$env
		);
		for ( $i = 0; $i < 100; $i++ ) {
			$socket = @fsockopen( '127.0.0.1', self::$port ); // phpcs:ignore WordPress.PHP.NoSilencedErrors -- polling until the server listens.
			if ( $socket ) {
				fclose( $socket );
				return;
			}
			usleep( 100000 );
		}
		self::fail( 'php -S did not start' );
	}

	public static function tearDownAfterClass(): void {
		if ( self::$server ) {
			proc_terminate( self::$server );
			proc_close( self::$server );
		}
	}

	protected function setUp(): void {
		parent::setUp();
		foreach ( Edgechat_Options::ALL as $option ) {
			$this->saved_options[ $option ] = get_option( $option );
		}
	}

	protected function tearDown(): void {
		foreach ( $this->saved_options as $option => $value ) {
			false === $value ? delete_option( $option ) : update_option( $option, $value );
		}
		foreach ( $this->users as $user_id ) {
			wp_delete_user( $user_id );
		}
		parent::tearDown();
	}

	public function test_page_of_a_logged_in_user_with_the_server_down(): void {
		// Port 9 (discard) is closed here: the Edgechat server is "down".
		$this->configure( array( 'server_url' => 'http://127.0.0.1:9' ) );
		list( $user_id, $cookie ) = $this->user( 'subscriber' );
		$page = $this->request( 'GET', '/', $cookie );
		$this->assertSame( 200, $page['status'] );
		$this->assertStringContainsString( "<script data-site=\"shop-1\" async type='text/javascript' src='http://127.0.0.1:9/widget.js' id='edgechat-loader-js'></script>", $page['body'] );
		$this->assertStringContainsString( '"identity":{"id":"' . $user_id . '"', $page['body'] );
		$email = get_userdata( $user_id )->user_email;
		$this->assertStringContainsString( hash_hmac( 'sha256', $user_id . "\n" . $email, self::IDENTITY_SECRET ), $page['body'] );
		$this->assertStringNotContainsString( self::IDENTITY_SECRET, $page['body'] );
		$this->assertStringNotContainsString( self::PLUGIN_SECRET, $page['body'] );
		$this->assertStringContainsString( '</html>', $page['body'], 'the whole page rendered' );
	}

	public function test_the_signed_customer_route_answers_on_plain_and_pretty_permalinks(): void {
		$this->configure();
		list( $user_id ) = $this->user( 'subscriber' );
		$before          = get_option( 'permalink_structure' );
		$path            = '/?rest_route=/edgechat/v1/customer&user_id=' . $user_id;
		$signed          = function () use ( $path ) {
			$headers = Edgechat_Signature::headers( self::PLUGIN_SECRET, 'GET', 'http://127.0.0.1' . $path, '' );
			return array( 'X-Edgechat-Timestamp: ' . $headers['X-Edgechat-Timestamp'], 'X-Edgechat-Signature: ' . $headers['X-Edgechat-Signature'] );
		};
		try {
			foreach ( array( '', '/%postname%/' ) as $structure ) {
				update_option( 'permalink_structure', $structure );
				$answer = $this->request( 'GET', $path, '', null, $signed() );
				$this->assertSame( 200, $answer['status'], "permalinks '$structure': " . $answer['body'] );
				$this->assertSame( array( 'cart', 'orders' ), array_keys( json_decode( $answer['body'], true ) ) );
			}
			$unsigned = $this->request( 'GET', $path );
			$this->assertSame( 401, $unsigned['status'] );
			$this->assertSame( 'edgechat_unsigned', json_decode( $unsigned['body'], true )['code'] );
		} finally {
			update_option( 'permalink_structure', $before );
		}
	}

	public function test_visitor_page_has_no_identity(): void {
		$this->configure();
		$page = $this->request( 'GET', '/' );
		$this->assertStringContainsString( 'window.edgechatSettings = {"locale":"en","cart":', $page['body'] );
		$this->assertStringNotContainsString( '"identity"', $page['body'] );
	}

	/** @return array<string,array{string}> */
	public function admin_actions(): array {
		return array(
			'save'    => array( Edgechat_Admin_Actions::SAVE ),
			'connect' => array( Edgechat_Admin_Actions::CONNECT ),
		);
	}

	/** @dataProvider admin_actions */
	public function test_subscriber_gets_403_from_admin_post( string $action ): void {
		$this->configure();
		list( , $cookie ) = $this->user( 'subscriber' );
		$response = $this->request( 'POST', '/wp-admin/admin-post.php', $cookie, $this->relink_form( $action ) );
		$this->assertSame( 403, $response['status'] );
		$this->assertStringContainsString( 'not allowed to change the Edgechat settings', $response['body'] );
		$this->assertSettingsUnchanged();
	}

	public function test_logged_out_post_changes_nothing(): void {
		$this->configure();
		$this->request( 'POST', '/wp-admin/admin-post.php', '', $this->relink_form( Edgechat_Admin_Actions::SAVE ) );
		$this->assertSettingsUnchanged();
	}

	public function test_administrator_sees_the_settings_page_without_secrets(): void {
		$this->configure( array( 'server_url' => 'http://127.0.0.1:9' ) );
		list( , $cookie ) = $this->user( 'administrator' );
		$page = $this->request( 'GET', '/wp-admin/options-general.php?page=edgechat', $cookie );
		$this->assertSame( 200, $page['status'] );
		$this->assertStringContainsString( 'name="action" value="edgechat_connect"', $page['body'] );
		$this->assertStringContainsString( 'The status could not be checked: Could not reach the Edgechat server', $page['body'], 'stale status refreshed against the down server' );
		$this->assertStringNotContainsString( self::IDENTITY_SECRET, $page['body'] );
		$this->assertStringNotContainsString( self::PLUGIN_SECRET, $page['body'] );
	}

	public function test_customer_route_checks_the_signature_of_the_request_line(): void {
		$this->configure();
		list( $user_id ) = $this->user( 'subscriber' );
		$path            = '/wp-json/edgechat/v1/customer?user_id=' . $user_id;
		$headers         = Edgechat_Signature::headers( self::PLUGIN_SECRET, 'GET', 'http://127.0.0.1' . $path, '' );
		$signed          = array();
		foreach ( $headers as $name => $value ) {
			$signed[] = "$name: $value";
		}
		$response = $this->request( 'GET', $path, '', null, $signed );
		$this->assertSame( 200, $response['status'], $response['body'] );
		$this->assertSame( array( 'cart', 'orders' ), array_keys( json_decode( $response['body'], true ) ) );

		$response = $this->request( 'GET', '/wp-json/edgechat/v1/customer?user_id=' . $user_id . '&x=1', '', null, $signed );
		$this->assertSame( 401, $response['status'], 'a signature covers the query' );
		$this->assertSame( 401, $this->request( 'GET', $path )['status'] );
	}

	/**
	 * A committed user and the cookies of a logged-in session for the served site.
	 *
	 * @param string $role Role.
	 * @return array{int,string} User id and Cookie header.
	 */
	private function user( string $role ): array {
		$id            = wp_insert_user(
			array(
				'user_login'   => 'http-' . $role . '-' . wp_generate_password( 6, false ),
				'user_pass'    => wp_generate_password(),
				'user_email'   => 'http-' . wp_generate_password( 6, false ) . '@example.com',
				'display_name' => 'HTTP ' . $role,
				'role'         => $role,
			)
		);
		$this->users[] = $id;
		$expiration    = time() + HOUR_IN_SECONDS;
		$token         = WP_Session_Tokens::get_instance( $id )->create( $expiration );
		// The served site's cookies are named after its URL, port included.
		$hash   = md5( 'http://127.0.0.1:' . self::$port );
		$cookie = 'wordpress_logged_in_' . $hash . '=' . rawurlencode( wp_generate_auth_cookie( $id, $expiration, 'logged_in', $token ) )
			. '; wordpress_' . $hash . '=' . rawurlencode( wp_generate_auth_cookie( $id, $expiration, 'auth', $token ) );
		return array( $id, $cookie );
	}

	/**
	 * One HTTP request to the served site.
	 *
	 * @param string     $method  GET or POST.
	 * @param string     $path    Path and query.
	 * @param string     $cookie  Cookie header.
	 * @param array|null $form    Form fields to POST.
	 * @param string[]   $headers More headers.
	 * @return array{status:int,body:string}
	 */
	private function request( string $method, string $path, string $cookie = '', ?array $form = null, array $headers = array() ): array {
		$curl = curl_init( 'http://127.0.0.1:' . self::$port . $path );
		curl_setopt_array(
			$curl,
			array(
				CURLOPT_CUSTOMREQUEST  => $method,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_TIMEOUT        => 30,
				CURLOPT_COOKIE         => $cookie,
				CURLOPT_HTTPHEADER     => $headers,
			)
		);
		if ( null !== $form ) {
			curl_setopt( $curl, CURLOPT_POSTFIELDS, http_build_query( $form ) );
		}
		$body   = (string) curl_exec( $curl );
		$status = (int) curl_getinfo( $curl, CURLINFO_RESPONSE_CODE );
		curl_close( $curl );
		return array(
			'status' => $status,
			'body'   => $body,
		);
	}

	/**
	 * The form an attacker would post to relink the site.
	 *
	 * @param string $action admin-post action.
	 */
	private function relink_form( string $action ): array {
		return array(
			'action'   => $action,
			'edgechat' => array(
				'server_url'  => 'https://attacker.example',
				'site_key'    => 'attacker-site',
				'owner_email' => 'attacker@example.com',
			),
		);
	}

	private function assertSettingsUnchanged(): void {
		wp_cache_flush();
		$this->assertSame( self::SERVER, Edgechat_Options::settings()['server_url'] );
		$this->assertSame( self::SITE_KEY, Edgechat_Options::settings()['site_key'] );
	}
}
