<?php
/**
 * Deleting the plugin removes everything it stored.
 *
 * @package Edgechat\Tests
 */

class UninstallTest extends Edgechat_TestCase {

	public function test_uninstall_removes_every_option(): void {
		$this->configure();
		Edgechat_Options::save_status( 'active', 'Shop' );
		foreach ( Edgechat_Options::ALL as $option ) {
			$this->assertNotFalse( get_option( $option ), $option );
		}
		uninstall_plugin( 'edgechat/edgechat.php' );
		foreach ( Edgechat_Options::ALL as $option ) {
			$this->assertFalse( get_option( $option ), $option );
		}
	}

	public function test_every_option_the_plugin_writes_is_listed_for_uninstall(): void {
		global $wpdb;
		$this->configure();
		Edgechat_Options::save_status( 'active', 'Shop' );
		$stored = $wpdb->get_col( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'edgechat%'" );
		$this->assertEqualsCanonicalizing( Edgechat_Options::ALL, $stored );
	}
}
