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

	/** @return array<string,array{string}> Addresses WordPress accepts and the server's email rule refuses. */
	public function emails_the_server_refuses(): array {
		return array(
			'.рф domain, as browsers send it' => array( 'anna@xn--80ak6aa92e.xn--p1ai' ),
			'ampersand'                       => array( 'tom&jerry@example.com' ),
		);
	}

	/**
	 * The server refuses the whole session when the identity breaks its rules (name over 120
	 * characters, an email it does not take): such a customer would have no chat at all.
	 *
	 * @dataProvider emails_the_server_refuses
	 */
	public function test_an_identity_the_server_would_refuse_still_leaves_a_working_chat( string $email ): void {
		$this->configure();
		$this->assertSame( $email, is_email( $email ), 'WordPress takes this address' );
		$user     = $this->login( 'subscriber', array( 'display_name' => str_repeat( 'Ж', 130 ), 'user_email' => $email ) );
		$identity = Edgechat_Loader::page_settings( Edgechat_Options::settings() )['identity'];
		$this->assertSame(
			array(
				'id'    => (string) $user->ID,
				'email' => '',
				'name'  => str_repeat( 'Ж', 120 ),
				'hash'  => hash_hmac( 'sha256', (string) $user->ID, self::IDENTITY_SECRET ),
			),
			$identity,
			'signed over the id alone, the name cut to what the server takes'
		);
	}

	public function test_a_name_is_cut_to_120_utf16_units_as_the_server_counts(): void {
		$this->configure();
		$this->login( 'subscriber', array( 'display_name' => str_repeat( '😀', 70 ), 'user_email' => 'sam@example.com' ) );
		$identity = Edgechat_Loader::page_settings( Edgechat_Options::settings() )['identity'];
		$this->assertSame( str_repeat( '😀', 60 ), $identity['name'] );
		$this->assertSame( 'sam@example.com', $identity['email'] );
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
