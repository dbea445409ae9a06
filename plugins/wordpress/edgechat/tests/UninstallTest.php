<?php
/**
 * Deleting the plugin removes everything it stored.
 *
 * @package Edgechat\Tests
 */

class UninstallTest extends Edgechat_TestCase {

	public function test_uninstall_removes_every_option_and_queued_event(): void {
		$this->configure();
		Edgechat_Options::save_status( 'active', 'Shop' );
		update_option( Edgechat_Events::LAST_ERROR_OPTION, array( 'message' => 'down', 'at' => 1 ), false );
		Edgechat_Events::enqueue( array( 'type' => 'order_placed', 'orderId' => '9' ), 1, 60 );
		$this->assertNotFalse( wp_next_scheduled( Edgechat_Events::HOOK, array( array( 'type' => 'order_placed', 'orderId' => '9' ), 1 ) ) );
		foreach ( Edgechat_Options::ALL as $option ) {
			$this->assertNotFalse( get_option( $option ), $option );
		}
		uninstall_plugin( 'edgechat/edgechat.php' );
		foreach ( Edgechat_Options::ALL as $option ) {
			$this->assertFalse( get_option( $option ), $option );
		}
		$this->assertFalse( wp_next_scheduled( Edgechat_Events::HOOK, array( array( 'type' => 'order_placed', 'orderId' => '9' ), 1 ) ) );
	}

	public function test_every_option_the_plugin_writes_is_listed_for_uninstall(): void {
		global $wpdb;
		$this->configure();
		Edgechat_Options::save_status( 'active', 'Shop' );
		Edgechat_Events::deliver( array( 'type' => 'order_placed' ), Edgechat_Events::MAX_ATTEMPTS - 1 ); // Fails (no network): the error is kept.
		$stored = $wpdb->get_col( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'edgechat%'" );
		$this->assertEqualsCanonicalizing( Edgechat_Options::ALL, $stored );
	}
}
