<?php
/**
 * Settings form: validation, sanitizing and clear messages.
 *
 * @package Edgechat\Tests
 */

class SettingsTest extends Edgechat_TestCase {

	public function test_valid_settings_are_stored_normalized(): void {
		$settings = Edgechat_Admin_Actions::save(
			array(
				'server_url'      => ' https://chat.example.com/ ',
				'site_key'        => 'my-shop-2',
				'identity_secret' => 'abcdefABCDEF0123456789-_+/=.',
				'plugin_secret'   => str_repeat( 'f', 64 ),
				'hide_post_types' => array( 'page', 'attachment' ),
				'hide_urls'       => "/checkout/*\r\n\n  /cart  \n/checkout/*",
			)
		);
		$this->assertSame( 'https://chat.example.com', $settings['server_url'] );
		$this->assertSame( 'my-shop-2', $settings['site_key'] );
		$this->assertSame( 'abcdefABCDEF0123456789-_+/=.', $settings['identity_secret'] );
		$this->assertSame( str_repeat( 'f', 64 ), $settings['plugin_secret'] );
		$this->assertSame( array( 'page', 'attachment' ), $settings['hide_post_types'] );
		$this->assertSame( array( '/checkout/*', '/cart' ), $settings['hide_urls'] );
		$this->assertSame( array(), $this->messages() );
		$this->assertSame( array( 'Settings saved.' ), $this->messages( 'success' ) );
	}

	/** @return array<string,array{string}> */
	public function bad_server_urls(): array {
		return array(
			'javascript'  => array( 'javascript:alert(1)' ),
			'ftp'         => array( 'ftp://chat.example.com' ),
			'no scheme'   => array( 'chat.example.com' ),
			'no host'     => array( 'https://' ),
			'credentials' => array( 'https://user:pass@chat.example.com' ),
			'query'       => array( 'https://chat.example.com/?a=1' ),
			'markup'      => array( 'https://chat.example.com/"><script>alert(1)</script>' ),
			'space'       => array( 'https://chat example.com' ),
		);
	}

	/** @dataProvider bad_server_urls */
	public function test_server_url_must_be_http_or_https( string $url ): void {
		$this->configure();
		$settings = Edgechat_Admin_Actions::save( array( 'server_url' => $url ) + $this->unchanged_keys() );
		$this->assertSame( self::SERVER, $settings['server_url'], 'the stored URL is kept' );
		$this->assertCount( 1, $this->messages() );
		$this->assertStringContainsString( 'The server URL must be an http:// or https:// address', $this->messages()[0] );
	}

	public function test_plain_http_and_ports_are_accepted_for_local_servers(): void {
		$settings = Edgechat_Admin_Actions::save( array( 'server_url' => 'http://127.0.0.1:8787' ) );
		$this->assertSame( 'http://127.0.0.1:8787', $settings['server_url'] );
	}

	/** @return array<string,array{string,bool}> */
	public function site_keys(): array {
		return array(
			'two chars'   => array( 'ab', true ),
			'dashes'      => array( 'shop-1-eu', true ),
			'63 chars'    => array( str_repeat( 'a', 63 ), true ),
			'one char'    => array( 'a', false ),
			'64 chars'    => array( str_repeat( 'a', 64 ), false ),
			'uppercase'   => array( 'Shop', false ),
			'leading -'   => array( '-shop', false ),
			'underscore'  => array( 'shop_1', false ),
			'markup'      => array( '"><script>alert(1)</script>', false ),
			'unicode'     => array( 'магазин', false ),
		);
	}

	/** @dataProvider site_keys */
	public function test_site_key_pattern( string $key, bool $valid ): void {
		$this->configure();
		$settings = Edgechat_Admin_Actions::save( array( 'site_key' => $key ) + $this->unchanged_keys() );
		$this->assertSame( $valid ? $key : self::SITE_KEY, $settings['site_key'] );
		$this->assertCount( $valid ? 0 : 1, $this->messages() );
		if ( ! $valid ) {
			$this->assertStringContainsString( 'The site key may only contain lowercase letters, digits and dashes', $this->messages()[0] );
		}
	}

	public function test_empty_secret_keeps_the_stored_one_and_remove_clears_it(): void {
		$this->configure();
		$settings = Edgechat_Admin_Actions::save( array( 'identity_secret' => '', 'remove_plugin_secret' => '1' ) + $this->unchanged_keys() );
		$this->assertSame( self::IDENTITY_SECRET, $settings['identity_secret'] );
		$this->assertSame( '', $settings['plugin_secret'] );
	}

	public function test_malformed_secret_is_refused_and_the_stored_one_kept(): void {
		$this->configure();
		$settings = Edgechat_Admin_Actions::save( array( 'identity_secret' => 'short', 'plugin_secret' => 'has spaces in it but long enough' ) + $this->unchanged_keys() );
		$this->assertSame( self::IDENTITY_SECRET, $settings['identity_secret'] );
		$this->assertSame( self::PLUGIN_SECRET, $settings['plugin_secret'] );
		$this->assertCount( 2, $this->messages() );
		$this->assertStringContainsString( 'The identity secret must be 16 to 512', $this->messages()[0] );
		$this->assertStringContainsString( 'The plugin secret must be 16 to 512', $this->messages()[1] );
	}

	public function test_only_public_post_types_are_kept(): void {
		$settings = Edgechat_Admin_Actions::save( array( 'hide_post_types' => array( 'post', 'nav_menu_item', 'no-such-type', array( 'x' ) ) ) );
		$this->assertSame( array( 'post' ), $settings['hide_post_types'] );
	}

	public function test_bad_url_patterns_are_dropped_with_a_message_that_quotes_them_escaped(): void {
		$settings = Edgechat_Admin_Actions::save( array( 'hide_urls' => "/ok/*\nno-leading-slash\n/a\"><script>alert(1)</script>\n/has space" ) );
		$this->assertSame( array( '/ok/*' ), $settings['hide_urls'] );
		$messages = $this->messages();
		$this->assertCount( 3, $messages );
		$this->assertStringContainsString( 'This URL pattern was ignored: no-leading-slash.', $messages[0] );
		$this->assertStringContainsString( '/a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;', $messages[1] );
		$this->assertStringNotContainsString( '<script>', implode( ' ', $messages ) );
	}

	public function test_at_most_fifty_url_patterns(): void {
		$lines    = implode( "\n", array_map( function ( $i ) {
			return '/p' . $i;
		}, range( 1, 60 ) ) );
		$settings = Edgechat_Admin_Actions::save( array( 'hide_urls' => $lines ) );
		$this->assertCount( 50, $settings['hide_urls'] );
		$this->assertSame( array( 'Only the first 50 URL patterns were kept.' ), $this->messages() );
	}

	public function test_unknown_keys_and_non_strings_are_ignored(): void {
		$settings = Edgechat_Admin_Actions::save( array( 'server_url' => array( 'x' ), 'evil' => 'yes' ) );
		$this->assertArrayNotHasKey( 'evil', get_option( Edgechat_Options::SETTINGS ) );
		$this->assertSame( '', $settings['server_url'] );
	}

	public function test_changing_the_keys_refreshes_the_cached_status(): void {
		$this->configure();
		$this->respond_with( 200, array( 'status' => 'active', 'name' => 'Shop' ) );
		Edgechat_Admin_Actions::save( array( 'site_key' => 'other-shop' ) );
		$this->assertCount( 1, $this->http );
		$this->assertStringEndsWith( '/api/v1/sites/other-shop/status', $this->http[0]['url'] );
		$this->assertSame( 'active', Edgechat_Options::status()['status'] );
	}

	/** The stored values of the key fields, so a test changes one field only. */
	private function unchanged_keys(): array {
		$settings = Edgechat_Options::settings();
		return array(
			'server_url' => $settings['server_url'],
			'site_key'   => $settings['site_key'],
		);
	}
}
