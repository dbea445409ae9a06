<?php
/**
 * Installs a throwaway shop for test/e2e/woocommerce.test.ts in a copy of a WordPress release
 * (run from its folder, wp-config.php written by the test): WordPress,
 * WooCommerce activated and installed (its pages, HPOS when asked), cash on delivery on,
 * EUR, one product, a customer, a classic checkout page (the `[woocommerce_checkout]` shortcode)
 * next to WooCommerce's block checkout; plain permalinks (WordPress's default). Prints what the test
 * needs as JSON.
 *
 *   php install.php ADMIN_PASSWORD CUSTOMER_PASSWORD THEME hpos|posts
 */
define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST'] = parse_url( getenv( 'EDGECHAT_WP_URL' ), PHP_URL_HOST ) . ':' . parse_url( getenv( 'EDGECHAT_WP_URL' ), PHP_URL_PORT );
require __DIR__ . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

[ , $admin_password, $customer_password, $theme, $storage ] = $argv;
wp_install( 'Edgechat WooCommerce shop', 'admin', 'admin@example.com', true, '', wp_slash( $admin_password ) );
switch_theme( $theme );

$activated = activate_plugin( 'woocommerce/woocommerce.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, $activated->get_error_message() );
	exit( 1 );
}
WC_Install::install();
// Orders in WooCommerce's own tables (HPOS), the default of new shops since 8.2, when asked.
if ( 'hpos' === $storage && class_exists( 'Automattic\\WooCommerce\\Internal\\DataStores\\Orders\\DataSynchronizer' ) ) {
	wc_get_container()->get( 'Automattic\\WooCommerce\\Internal\\DataStores\\Orders\\DataSynchronizer' )->create_database_tables();
	update_option( 'woocommerce_custom_orders_table_enabled', 'yes' );
}
update_option( 'woocommerce_currency', 'EUR' );
update_option( 'woocommerce_default_country', 'DE' );
update_option( 'woocommerce_onboarding_profile', array( 'skipped' => true ) );
update_option( 'woocommerce_coming_soon', 'no' );
update_option( 'woocommerce_cod_settings', array( 'enabled' => 'yes', 'title' => 'Cash on delivery' ) );

$product = new WC_Product_Simple();
$product->set_name( 'Linen shirt' );
$product->set_regular_price( '89.00' );
$product->set_status( 'publish' );
$product->save();

// Shops set up before the blocks, or on a classic theme, check out through the shortcode.
$classic_checkout = wp_insert_post(
	array(
		'post_type'    => 'page',
		'post_status'  => 'publish',
		'post_title'   => 'Classic checkout',
		'post_content' => '[woocommerce_checkout]',
	)
);

$customer = wp_insert_user(
	array(
		'user_login' => 'customer',
		'user_pass'  => $customer_password,
		'user_email' => 'anna@example.com',
		'first_name' => 'Anna',
		'last_name'  => 'K',
		'role'       => 'customer',
	)
);

echo wp_json_encode(
	array(
		'productId'   => $product->get_id(),
		'productUrl'  => get_permalink( $product->get_id() ),
		'customerId'  => $customer,
		'checkoutUrl' => wc_get_checkout_url(),
		'classicCheckoutUrl' => get_permalink( $classic_checkout ),
		'cartUrl'     => wc_get_cart_url(),
		'hpos'        => get_option( 'woocommerce_custom_orders_table_enabled' ),
		'woocommerce' => WC()->version,
		'wordpress'   => get_bloginfo( 'version' ),
	)
);
