<?php
/**
 * Router of the WooCommerce E2E: test/wordpress/router.php with the WooCommerce stand-in
 * filled from the E2E shop's option (woo-fixture.php). Test use only.
 *
 *   EDGECHAT_WOO_STUB=1 php -S 127.0.0.1:PORT -t /usr/share/wordpress test/wordpress/e2e/woo-router.php
 *
 * @package Edgechat\Tests
 */

require __DIR__ . '/woo-fixture.php';

// After the stand-in is loaded (woocommerce-stub/preload.php, priority 10), before
// woocommerce_loaded (plugins_loaded): the way WordPress's own test suite pre-registers hooks.
$GLOBALS['wp_filter']['muplugins_loaded'][11][] = array(
	'function'      => 'edgechat_e2e_woo_fill_stub',
	'accepted_args' => 0,
);

return require __DIR__ . '/../router.php';
