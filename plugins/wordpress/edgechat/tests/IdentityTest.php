<?php
/**
 * Identity of logged-in users: hash computed in PHP; no secret ever reaches the page.
 *
 * @package Edgechat\Tests
 */

class IdentityTest extends Edgechat_TestCase {

	public function test_hash_is_hmac_sha256_of_the_user_id_in_lowercase_hex(): void {
		// HMAC-SHA256(key "secret", message "42") as computed by node:crypto, which the Worker uses.
		$this->assertSame( '93c121e7aa437a1e01e3c512c6f0ce3c821a839025dca4408f85616de4aaee70', Edgechat_Identity::hash( '42', '', 'secret' ) );
	}

	public function test_logged_in_user_gets_a_signed_identity(): void {
		$this->configure();
		$user     = $this->login( 'subscriber', array( 'display_name' => 'Анна Петрова', 'user_email' => 'anna@example.com' ) );
		$settings = Edgechat_Loader::page_settings( Edgechat_Options::settings() );
		$this->assertSame(
			array(
				'id'    => (string) $user->ID,
				'email' => 'anna@example.com',
				'name'  => 'Анна Петрова',
				'hash'  => hash_hmac( 'sha256', $user->ID . "\nanna@example.com", self::IDENTITY_SECRET ),
			),
			$settings['identity']
		);
	}

	public function test_visitors_and_sites_without_identity_secret_send_no_identity(): void {
		$this->configure();
		$this->assertArrayNotHasKey( 'identity', Edgechat_Loader::page_settings( Edgechat_Options::settings() ) );
		$this->login( 'subscriber' );
		$this->configure( array( 'identity_secret' => '' ) );
		$this->assertArrayNotHasKey( 'identity', Edgechat_Loader::page_settings( Edgechat_Options::settings() ) );
	}

	public function test_no_secret_in_the_page_source_of_a_logged_in_user(): void {
		$this->configure();
		$user = $this->login( 'subscriber', array( 'display_name' => 'Sam' ) );
		$html = $this->render_page( '/', '[edgechat_open][edgechat_video]' );
		$this->assertStringContainsString( hash_hmac( 'sha256', $user->ID . "\n" . $user->user_email, self::IDENTITY_SECRET ), $html );
		$this->assertStringNotContainsString( self::IDENTITY_SECRET, $html );
		$this->assertStringNotContainsString( self::PLUGIN_SECRET, $html );
	}

	public function test_no_secret_in_the_settings_page(): void {
		$this->configure();
		$this->login( 'administrator' );
		ob_start();
		Edgechat_Admin_Page::render();
		$html = (string) ob_get_clean();
		$this->assertStringContainsString( 'stored: type a new one to replace it', $html );
		$this->assertStringNotContainsString( self::IDENTITY_SECRET, $html );
		$this->assertStringNotContainsString( self::PLUGIN_SECRET, $html );
		$this->assertStringNotContainsString( substr( self::PLUGIN_SECRET, -8 ), $html, 'not even its end' );
	}

	public function test_visitor_id_comes_from_the_widget_cookie_when_well_formed(): void {
		$_COOKIE['edgechat_vid'] = 'v_abc-123';
		$this->assertSame( 'v_abc-123', Edgechat_Identity::visitor_id() );
		$_COOKIE['edgechat_vid'] = '"><script>';
		$this->assertNull( Edgechat_Identity::visitor_id() );
		unset( $_COOKIE['edgechat_vid'] );
		$this->assertNull( Edgechat_Identity::visitor_id() );
	}
}
