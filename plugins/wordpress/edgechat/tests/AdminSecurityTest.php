<?php
/**
 * Every settings change needs manage_options and the form's nonce (GHSA-q4qq-c8pp-p3rp: a
 * subscriber relinked a chat plugin to another account).
 *
 * @package Edgechat\Tests
 */

class AdminSecurityTest extends Edgechat_TestCase {

	/** @return array<string,array{string,string}> */
	public function actions(): array {
		return array(
			'save'    => array( Edgechat_Admin_Actions::SAVE, 'handle_save' ),
			'connect' => array( Edgechat_Admin_Actions::CONNECT, 'handle_connect' ),
			'check'   => array( Edgechat_Admin_Actions::CHECK, 'handle_check' ),
		);
	}

	/** @dataProvider actions */
	public function test_subscriber_gets_403_even_with_a_valid_nonce( string $action, string $handler ): void {
		$this->configure();
		$this->login( 'subscriber' );
		$this->post( $action, wp_create_nonce( $action ) );
		$die = $this->die_of( array( 'Edgechat_Admin_Actions', $handler ) );
		$this->assertSame( 403, $die->status );
		$this->assertStringContainsString( 'not allowed to change the Edgechat settings', $die->getMessage() );
		$this->assertUnchanged();
	}

	/** @dataProvider actions */
	public function test_editor_gets_403( string $action, string $handler ): void {
		$this->configure();
		$this->login( 'editor' );
		$this->post( $action, wp_create_nonce( $action ) );
		$this->assertSame( 403, $this->die_of( array( 'Edgechat_Admin_Actions', $handler ) )->status );
		$this->assertUnchanged();
	}

	/** @dataProvider actions */
	public function test_administrator_without_nonce_gets_403( string $action, string $handler ): void {
		$this->configure();
		$this->login( 'administrator' );
		$this->post( $action, null );
		$this->assertSame( 403, $this->die_of( array( 'Edgechat_Admin_Actions', $handler ) )->status );
		$this->assertUnchanged();
	}

	/** @dataProvider actions */
	public function test_administrator_with_the_nonce_of_another_form_gets_403( string $action, string $handler ): void {
		$this->configure();
		$this->login( 'administrator' );
		$this->post( $action, wp_create_nonce( 'some_other_action' ) );
		$this->assertSame( 403, $this->die_of( array( 'Edgechat_Admin_Actions', $handler ) )->status );
		$this->assertUnchanged();
	}

	public function test_administrator_with_nonce_saves_and_returns_to_the_page(): void {
		$this->configure();
		$this->login( 'administrator' );
		$this->respond_with( 200, array( 'status' => 'active', 'name' => 'Other' ) );
		$this->post( Edgechat_Admin_Actions::SAVE, wp_create_nonce( Edgechat_Admin_Actions::SAVE ) );
		$location = $this->redirect_of( array( 'Edgechat_Admin_Actions', 'handle_save' ) );
		$this->assertSame( admin_url( 'options-general.php?page=edgechat&settings-updated=true' ), $location );
		$this->assertSame( 'https://attacker.example', Edgechat_Options::settings()['server_url'] );
		$this->assertSame( 'attacker-site', Edgechat_Options::settings()['site_key'] );
		$this->assertNotEmpty( get_transient( 'settings_errors' ), 'messages survive the redirect' );
	}

	public function test_logged_out_visitors_have_no_handler(): void {
		foreach ( $this->actions() as list( $action ) ) {
			$this->assertTrue( has_action( 'admin_post_' . $action ) > 0 );
			$this->assertFalse( has_action( 'admin_post_nopriv_' . $action ) );
		}
	}

	public function test_settings_page_requires_manage_options(): void {
		global $submenu, $_wp_submenu_nopriv;
		$this->login( 'subscriber' );
		do_action( 'admin_menu' );
		$this->assertArrayHasKey( 'edgechat', $_wp_submenu_nopriv['options-general.php'] ?? array() );
		ob_start();
		Edgechat_Admin_Page::render();
		$this->assertSame( '', ob_get_clean() );
	}

	/**
	 * Fills $_POST/$_REQUEST as the form would, with values that would relink the site.
	 *
	 * @param string      $action Form action.
	 * @param string|null $nonce  Nonce, none when null.
	 */
	private function post( string $action, ?string $nonce ): void {
		$_POST = array(
			'action'   => $action,
			'edgechat' => array(
				'server_url'  => 'https://attacker.example',
				'site_key'    => 'attacker-site',
				'owner_email' => 'attacker@example.com',
			),
		);
		if ( null !== $nonce ) {
			$_POST['_wpnonce'] = $nonce;
		}
		$_REQUEST = $_POST;
	}

	private function assertUnchanged(): void {
		$this->assertSame( self::SERVER, Edgechat_Options::settings()['server_url'] );
		$this->assertSame( self::SITE_KEY, Edgechat_Options::settings()['site_key'] );
		$this->assertSame( array(), $this->http, 'no request left for the server' );
	}
}
