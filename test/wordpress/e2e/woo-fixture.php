<?php
/**
 * The shop of the WooCommerce E2E (test/e2e/wordpress-woo.test.ts): products and orders for
 * the WooCommerce stand-in, kept in one option so that every request of the served site sees
 * them (the stand-in itself starts empty on each request). Test use only.
 *
 * woo-shop.php writes the option; woo-router.php fills the stand-in from it on each request.
 *
 * @package Edgechat\Tests
 */

/** The option that holds { products: [...], orders: [...] } in the stand-in's shapes. */
const EDGECHAT_E2E_WOO_OPTION = 'edgechat_e2e_woo_shop';

/** Adds the stored products and orders to the stand-in (Edgechat_WC_Stub). */
function edgechat_e2e_woo_fill_stub(): void {
	if ( ! class_exists( 'Edgechat_WC_Stub' ) ) {
		return;
	}
	$shop = get_option( EDGECHAT_E2E_WOO_OPTION );
	if ( ! is_array( $shop ) ) {
		return;
	}
	foreach ( $shop['products'] ?? array() as $product ) {
		Edgechat_WC_Stub::add_product( $product );
	}
	foreach ( $shop['orders'] ?? array() as $order ) {
		Edgechat_WC_Stub::add_order( $order );
	}
}
