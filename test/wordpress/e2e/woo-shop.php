<?php
/**
 * Command-line helper of the WooCommerce E2E (test/e2e/wordpress-woo.test.ts) on the E2E site
 * (database edgechat_wp). Test use only.
 *
 *   php woo-shop.php seed LOGIN < JSON   stores the shop's products and LOGIN's orders and saved
 *                                        cart; prints {"userId": N}
 *   php woo-shop.php clear LOGIN         removes what `seed` stored
 *
 * JSON: { products: [{id, name, price, permalink}], orders: [{id, status, total, currency, date,
 * items}], cart: [{product_id, quantity}] }. The orders become LOGIN's; the cart is saved where
 * WooCommerce keeps a logged-in customer's cart (user meta _woocommerce_persistent_cart_{blog}).
 *
 * @package Edgechat\Tests
 */

if ( PHP_SAPI !== 'cli' || empty( $argv[2] ) ) {
	fwrite( STDERR, "usage: php woo-shop.php seed|clear LOGIN\n" );
	exit( 2 );
}
$_SERVER['WORDPRESS_CONFIG'] = '127.0.0.1';
$_SERVER['HTTP_HOST']        = '127.0.0.1';
$_SERVER['REQUEST_URI']      = '/';
require '/usr/share/wordpress/wp-load.php';
require __DIR__ . '/woo-fixture.php';

$edgechat_user = get_user_by( 'login', $argv[2] );
if ( ! $edgechat_user ) {
	fwrite( STDERR, "no user {$argv[2]}\n" );
	exit( 1 );
}
$edgechat_cart_meta = '_woocommerce_persistent_cart_' . get_current_blog_id();

switch ( $argv[1] ) {
	case 'seed':
		$edgechat_shop = json_decode( (string) stream_get_contents( STDIN ), true );
		if ( ! is_array( $edgechat_shop ) ) {
			fwrite( STDERR, "seed: expected the shop as JSON on stdin\n" );
			exit( 1 );
		}
		$edgechat_orders = array();
		foreach ( $edgechat_shop['orders'] ?? array() as $edgechat_order ) {
			$edgechat_orders[] = array( 'customer_id' => $edgechat_user->ID ) + $edgechat_order;
		}
		update_option(
			EDGECHAT_E2E_WOO_OPTION,
			array(
				'products' => $edgechat_shop['products'] ?? array(),
				'orders'   => $edgechat_orders,
			),
			false
		);
		$edgechat_lines = array();
		foreach ( $edgechat_shop['cart'] ?? array() as $edgechat_line ) {
			$edgechat_lines[ md5( (string) $edgechat_line['product_id'] ) ] = $edgechat_line + array( 'variation_id' => 0 );
		}
		update_user_meta( $edgechat_user->ID, $edgechat_cart_meta, array( 'cart' => $edgechat_lines ) );
		echo wp_json_encode( array( 'userId' => $edgechat_user->ID ) ), "\n";
		break;

	case 'clear':
		delete_option( EDGECHAT_E2E_WOO_OPTION );
		delete_user_meta( $edgechat_user->ID, $edgechat_cart_meta );
		echo wp_json_encode( array( 'cleared' => true ) ), "\n";
		break;

	default:
		fwrite( STDERR, "unknown command {$argv[1]}\n" );
		exit( 2 );
}
