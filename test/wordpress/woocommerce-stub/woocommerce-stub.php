<?php
/**
 * A minimal stand-in for WooCommerce, loaded ONLY by the PHPUnit bootstrap (WooCommerce is not
 * packaged for this machine). It provides exactly what the Edgechat plugin calls — WC()->cart,
 * wc_get_product, wc_get_order, wc_get_orders, get_woocommerce_currency, and the product, order
 * and order-item getters — plus the `product` post type, and fires `woocommerce_loaded` on
 * plugins_loaded (priority -1) as WooCommerce does. Tests fill it through Edgechat_WC_Stub.
 *
 * @package Edgechat\Tests
 */

define( 'WC_VERSION', '0.0.0-edgechat-stub' );

/** A product with the getters Edgechat uses. */
class WC_Product {
	/** @var array */
	private $data;

	/** @param array $data id, name, price, permalink, image_id. */
	public function __construct( array $data ) {
		$this->data = $data + array(
			'name'      => 'Product',
			'price'     => '0',
			'permalink' => 'http://127.0.0.1/product/',
			'image_id'  => 0,
		);
	}

	public function get_id() {
		return $this->data['id'];
	}

	public function get_name() {
		return $this->data['name'];
	}

	public function get_price() {
		return $this->data['price'];
	}

	public function get_permalink() {
		return $this->data['permalink'];
	}

	public function get_image_id() {
		return $this->data['image_id'];
	}
}

/** WooCommerce's date object (a DateTime). */
class WC_DateTime extends DateTime {
}

/** An order line. */
class WC_Order_Item_Product {
	/** @var array */
	private $data;

	/** @param array $data product_id, name, quantity, total. */
	public function __construct( array $data ) {
		$this->data = $data;
	}

	public function get_product_id() {
		return $this->data['product_id'];
	}

	public function get_name() {
		return $this->data['name'];
	}

	public function get_quantity() {
		return $this->data['quantity'];
	}

	public function get_total() {
		return $this->data['total'];
	}
}

/** An order. */
class WC_Order {
	/** @var array */
	private $data;

	/** @param array $data id, customer_id, status, total, currency, date (Y-m-d H:i:s UTC), items. */
	public function __construct( array $data ) {
		$this->data = $data + array(
			'customer_id' => 0,
			'status'      => 'processing',
			'currency'    => 'EUR',
			'date'        => '2024-01-01 00:00:00',
			'items'       => array(),
		);
	}

	public function get_id() {
		return $this->data['id'];
	}

	public function get_order_number() {
		return (string) $this->data['id'];
	}

	public function get_customer_id() {
		return $this->data['customer_id'];
	}

	public function get_status() {
		return $this->data['status'];
	}

	public function get_total() {
		return $this->data['total'];
	}

	public function get_currency() {
		return $this->data['currency'];
	}

	public function get_date_created() {
		return new WC_DateTime( $this->data['date'], new DateTimeZone( 'UTC' ) );
	}

	public function get_items() {
		return array_map(
			function ( $item ) {
				return new WC_Order_Item_Product( $item );
			},
			$this->data['items']
		);
	}
}

/** The session cart. */
class WC_Cart {
	/** @var array Lines as WooCommerce keeps them: product_id, variation_id, quantity, data (WC_Product). */
	public $cart_contents = array();

	/** @var float */
	public $total = 0.0;

	public function get_cart() {
		return $this->cart_contents;
	}

	public function get_total( $context = 'view' ) {
		return 'edit' === $context ? $this->total : number_format( $this->total, 2 );
	}
}

/** The WooCommerce singleton. */
class WooCommerce {
	/** @var WC_Cart|null */
	public $cart;
}

/** Test controls of the stand-in. */
final class Edgechat_WC_Stub {
	/** @var WooCommerce */
	public static $wc;
	/** @var WC_Product[] */
	public static $products = array();
	/** @var WC_Order[] */
	public static $orders = array();

	/** Empties the catalogue, orders and cart. */
	public static function reset() {
		self::$wc       = new WooCommerce();
		self::$wc->cart = new WC_Cart();
		self::$products = array();
		self::$orders   = array();
	}

	/** Adds a product to the catalogue. */
	public static function add_product( array $data ) {
		self::$products[ $data['id'] ] = new WC_Product( $data );
		return self::$products[ $data['id'] ];
	}

	/** Adds an order. */
	public static function add_order( array $data ) {
		self::$orders[ $data['id'] ] = new WC_Order( $data );
		return self::$orders[ $data['id'] ];
	}
}
Edgechat_WC_Stub::reset();

function WC() { // phpcs:ignore WordPress.NamingConventions.ValidFunctionName
	return Edgechat_WC_Stub::$wc;
}

function get_woocommerce_currency() {
	return (string) get_option( 'woocommerce_currency', 'EUR' );
}

function wc_get_product( $id ) {
	return Edgechat_WC_Stub::$products[ (int) $id ] ?? false;
}

function wc_get_order( $id ) {
	return Edgechat_WC_Stub::$orders[ (int) $id ] ?? false;
}

/** Supports the arguments Edgechat passes: customer_id, limit, orderby=date, order=DESC. */
function wc_get_orders( $args ) {
	$orders = array_filter(
		Edgechat_WC_Stub::$orders,
		function ( $order ) use ( $args ) {
			return ! isset( $args['customer_id'] ) || (int) $order->get_customer_id() === (int) $args['customer_id'];
		}
	);
	usort(
		$orders,
		function ( $a, $b ) {
			return $b->get_date_created() <=> $a->get_date_created();
		}
	);
	return array_slice( $orders, 0, isset( $args['limit'] ) ? (int) $args['limit'] : 10 );
}

function is_product() {
	return is_singular( 'product' );
}

add_action(
	'init',
	function () {
		register_post_type(
			'product',
			array(
				'public' => true,
				'label'  => 'Products',
			)
		);
	}
);
add_action(
	'plugins_loaded',
	function () {
		do_action( 'woocommerce_loaded' );
	},
	-1
);
