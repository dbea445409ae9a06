<?php
/**
 * Stored XSS through settings or user data (CVE-2018-11105, CVE-2021-43353 in other chat
 * plugins): values are stored raw here, bypassing validation, as a compromised or edited
 * database would hold them; every output must still be escaped.
 *
 * @package Edgechat\Tests
 */

class EscapingTest extends Edgechat_TestCase {

	const PAYLOAD = '"><script>alert(1)</script>';

	public function test_settings_page_escapes_every_stored_value(): void {
		update_option(
			Edgechat_Options::SETTINGS,
			array(
				'server_url'      => 'https://chat.example.com/' . self::PAYLOAD,
				'site_key'        => self::PAYLOAD,
				'identity_secret' => self::PAYLOAD,
				'plugin_secret'   => self::PAYLOAD,
				'hide_post_types' => array( self::PAYLOAD ),
				'hide_urls'       => array( '/' . self::PAYLOAD, '</textarea><script>alert(2)</script>' ),
			)
		);
		update_option( Edgechat_Options::STATUS, array( 'status' => 'active' . self::PAYLOAD, 'name' => self::PAYLOAD, 'message' => self::PAYLOAD, 'checked_at' => time() ) );
		update_option( 'admin_email', 'a' . self::PAYLOAD . '@example.com' );
		$this->login( 'administrator' );
		ob_start();
		Edgechat_Admin_Page::render();
		$html = (string) ob_get_clean();
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringNotContainsString( '</textarea><script>', $html );
		$this->assertStringContainsString( 'value="' . esc_attr( self::PAYLOAD ) . '"', $html, 'site key shown escaped' );
		$this->assertStringContainsString( '&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;</textarea>', $html );
	}

	public function test_status_messages_are_escaped_on_the_page(): void {
		$this->configure();
		Edgechat_Options::save_status( 'error', '', 'Server said ' . self::PAYLOAD );
		$this->login( 'administrator' );
		ob_start();
		Edgechat_Admin_Page::render();
		$html = (string) ob_get_clean();
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringContainsString( 'Server said &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;', $html );
	}

	public function test_front_end_escapes_site_key_and_user_data(): void {
		update_option(
			Edgechat_Options::SETTINGS,
			array(
				'server_url'      => 'https://chat.example.com',
				'site_key'        => self::PAYLOAD,
				'identity_secret' => self::IDENTITY_SECRET,
			)
		);
		// wp_insert_user() strips tags from names; a name written by another plugin may not be.
		$user = $this->login( 'subscriber' );
		$GLOBALS['wpdb']->update( $GLOBALS['wpdb']->users, array( 'display_name' => '</script><script>alert(3)</script>' ), array( 'ID' => $user->ID ) );
		clean_user_cache( $user->ID );
		wp_set_current_user( 0 );
		wp_set_current_user( $user->ID );
		$html = $this->render_page( '/', '[edgechat_open label="' . esc_attr( self::PAYLOAD ) . '"]' );
		$this->assertStringNotContainsString( '<script>alert', $html );
		$this->assertStringContainsString( 'data-site="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"', $html );
		$this->assertStringContainsString( '"name":"\u003C\/script\u003E\u003Cscript\u003Ealert(3)\u003C\/script\u003E"', $html, 'inline JSON cannot close its script element' );
	}

	public function test_a_stored_server_url_that_is_not_http_loads_nothing(): void {
		update_option( Edgechat_Options::SETTINGS, array( 'server_url' => 'javascript:alert(1)//', 'site_key' => 'shop-1' ) );
		$html = $this->render_page();
		$this->assertStringNotContainsString( 'javascript:', $html );
		$this->assertStringNotContainsString( 'edgechat-loader', $html );
	}
}
