<?php
/**
 * Deletes everything the plugin stored when it is deleted from the Plugins screen.
 *
 * @package Edgechat
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/class-edgechat-options.php';
require_once __DIR__ . '/includes/class-edgechat-events.php';

// Order events, queued or past, go with the plugin (Action Scheduler keeps them in its own tables).
Edgechat_Events::forget_all();

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids' ) ) as $edgechat_site_id ) {
		switch_to_blog( $edgechat_site_id );
		Edgechat_Options::delete_all();
		restore_current_blog();
	}
} else {
	Edgechat_Options::delete_all();
}
