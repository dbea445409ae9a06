<?php
/**
 * Makes WordPress load the WooCommerce stand-in as if it were an active plugin, before the
 * other plugins. Include this before wp-load.php (PHPUnit bootstrap, or router.php when
 * EDGECHAT_WOO_STUB=1): it queues a muplugins_loaded callback the way WordPress's own test
 * suite pre-registers hooks.
 *
 * @package Edgechat\Tests
 */

$GLOBALS['wp_filter']['muplugins_loaded'][10][] = array(
	'function'      => function () {
		require_once __DIR__ . '/woocommerce-stub.php';
	},
	'accepted_args' => 0,
);
