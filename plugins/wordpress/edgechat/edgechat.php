<?php
/**
 * Plugin Name:       Edgechat
 * Description:       An always-on live chat for your shop: visitors always see an open chat, and WooCommerce carts and orders reach the operator.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            Edgechat contributors
 * License:           MIT
 * License URI:       https://opensource.org/licenses/MIT
 * Text Domain:       edgechat
 * Domain Path:       /languages
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

define( 'EDGECHAT_VERSION', '0.1.0' );
define( 'EDGECHAT_FILE', __FILE__ );
define( 'EDGECHAT_DIR', plugin_dir_path( __FILE__ ) );

require_once EDGECHAT_DIR . 'includes/class-edgechat-options.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-signature.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-api.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-events.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-settings-validator.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-admin-actions.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-admin-page.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-visibility.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-identity.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-loader.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-buttons.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-block.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-rest.php';
require_once EDGECHAT_DIR . 'includes/class-edgechat-woocommerce.php';

add_action(
	'init',
	static function () {
		load_plugin_textdomain( 'edgechat', false, dirname( plugin_basename( EDGECHAT_FILE ) ) . '/languages' );
	},
	0
);
Edgechat_Loader::register_hooks();
Edgechat_Buttons::register_hooks();
Edgechat_Block::register_hooks();
Edgechat_Admin_Page::register_hooks();
Edgechat_Admin_Actions::register_hooks();
Edgechat_Events::register_hooks();

// WooCommerce features start when WooCommerce says it is loaded, whatever the plugin order.
if ( did_action( 'woocommerce_loaded' ) ) {
	Edgechat_WooCommerce::start();
} else {
	add_action( 'woocommerce_loaded', array( 'Edgechat_WooCommerce', 'start' ) );
}
