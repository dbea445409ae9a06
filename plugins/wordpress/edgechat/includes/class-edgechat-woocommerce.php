<?php
/**
 * WooCommerce: cart in the page settings, product data on video buttons, the product-page
 * button, the order-placed event and the signed customer route. Started on woocommerce_loaded.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reads WooCommerce through its public functions only (WC(), wc_get_product, wc_get_orders,
 * get_woocommerce_currency); the tests replace exactly these with a stand-in.
 */
final class Edgechat_WooCommerce {

	/** Recent orders shown in the operator's visitor card. */
	const RECENT_ORDERS = 5;

	/** Cart lines in the page settings: the server refuses a session whose cart has more. */
	const MAX_CART_LINES = 100;

	/** @var array<int,bool> Orders already reported in this request (two hooks may fire). */
	private static $reported = array();

	/** Registers the WooCommerce hooks. */
	public static function start(): void {
		add_filter( 'edgechat_page_settings', array( __CLASS__, 'add_cart' ) );
		add_filter( 'edgechat_product', array( __CLASS__, 'product_for_button' ), 10, 2 );
		add_action( 'woocommerce_after_add_to_cart_button', array( __CLASS__, 'product_page_button' ) );
		add_action( 'woocommerce_checkout_order_processed', array( __CLASS__, 'order_placed' ) );
		add_action( 'woocommerce_store_api_checkout_order_processed', array( __CLASS__, 'order_placed' ) );
		Edgechat_Rest::register_hooks();
	}

	/**
	 * Adds cart to window.edgechatSettings: the widget sends it with the visitor's trail, and
	 * again when it changed, so the operator sees a guest's cart too.
	 *
	 * @param array $data Page settings.
	 */
	public static function add_cart( array $data ): array {
		$cart = function_exists( 'WC' ) && WC() ? WC()->cart : null;
		if ( $cart ) {
			$data['cart'] = self::session_cart( $cart );
		}
		return $data;
	}

	/**
	 * The cart of the current session: { items: [{ id, name, qty, price, url }], total, currency },
	 * with its first MAX_CART_LINES lines (the total is the whole cart's).
	 *
	 * @param WC_Cart $cart The session cart.
	 */
	public static function session_cart( $cart ): array {
		$items = array();
		foreach ( $cart->get_cart() as $line ) {
			$item = self::cart_item( $line );
			if ( $item ) {
				$items[] = $item;
			}
			if ( count( $items ) === self::MAX_CART_LINES ) {
				break;
			}
		}
		return array(
			'items'    => $items,
			'total'    => (float) $cart->get_total( 'edit' ),
			'currency' => get_woocommerce_currency(),
		);
	}

	/**
	 * The saved cart of a user (WooCommerce's persistent cart), for the server's customer call.
	 *
	 * @param int $user_id User id.
	 */
	public static function saved_cart( int $user_id ): array {
		$saved = get_user_meta( $user_id, '_woocommerce_persistent_cart_' . get_current_blog_id(), true );
		$lines = is_array( $saved ) && isset( $saved['cart'] ) && is_array( $saved['cart'] ) ? $saved['cart'] : array();
		$items = array();
		$total = 0.0;
		foreach ( $lines as $line ) {
			$item = is_array( $line ) ? self::cart_item( $line ) : null;
			if ( $item ) {
				$items[] = $item;
				$total  += isset( $line['line_total'] )
					? (float) $line['line_total'] + (float) ( $line['line_tax'] ?? 0 )
					: $item['price'] * $item['qty'];
			}
		}
		return array(
			'items'    => $items,
			'total'    => round( $total, 2 ),
			'currency' => get_woocommerce_currency(),
		);
	}

	/**
	 * Recent orders of a customer: [{ id, number, status, total, currency, date, items }].
	 *
	 * @param int $user_id User id.
	 */
	public static function recent_orders( int $user_id ): array {
		$orders = wc_get_orders(
			array(
				'customer_id' => $user_id,
				'limit'       => self::RECENT_ORDERS,
				'orderby'     => 'date',
				'order'       => 'DESC',
			)
		);
		$result = array();
		foreach ( $orders as $order ) {
			$created  = $order->get_date_created();
			$items    = array();
			foreach ( $order->get_items() as $item ) {
				$items[] = array(
					'id'    => (int) $item->get_product_id(),
					'name'  => (string) $item->get_name(),
					'qty'   => (int) $item->get_quantity(),
					'total' => (float) $item->get_total(),
				);
			}
			$result[] = array(
				'id'       => (int) $order->get_id(),
				'number'   => (string) $order->get_order_number(),
				'status'   => (string) $order->get_status(),
				'total'    => (float) $order->get_total(),
				'currency' => (string) $order->get_currency(),
				'date'     => $created ? gmdate( 'Y-m-d\TH:i:s\Z', $created->getTimestamp() ) : null,
				'items'    => $items,
			);
		}
		return $result;
	}

	/**
	 * Product data for a video button: the requested product, else the product of the page.
	 *
	 * @param array|null $product    Data from an earlier filter.
	 * @param int        $product_id Requested product (0: the page's).
	 */
	public static function product_for_button( $product, int $product_id ) {
		if ( $product_id > 0 ) {
			$found = wc_get_product( $product_id );
		} elseif ( isset( $GLOBALS['product'] ) && is_object( $GLOBALS['product'] ) && method_exists( $GLOBALS['product'], 'get_id' ) ) {
			$found = $GLOBALS['product'];
		} else {
			$found = is_singular( 'product' ) ? wc_get_product( get_the_ID() ) : null;
		}
		return $found ? self::product_data( $found ) : $product;
	}

	/**
	 * What the widget attaches to a conversation: { id, name, url, price, currency, image }.
	 * The price is text with its currency ("89.00 EUR"): the widget puts it into the draft as is.
	 *
	 * @param WC_Product $product Product.
	 */
	public static function product_data( $product ): array {
		$image = $product->get_image_id() ? wp_get_attachment_image_url( $product->get_image_id(), 'woocommerce_thumbnail' ) : false;
		return array(
			'id'       => (int) $product->get_id(),
			'name'     => (string) $product->get_name(),
			'url'      => (string) $product->get_permalink(),
			'price'    => self::price_text( $product->get_price() ),
			'currency' => get_woocommerce_currency(),
			'image'    => $image ? $image : null,
		);
	}

	/**
	 * "89.00 EUR": the amount with the shop's decimals and currency code ('' without a price).
	 *
	 * @param mixed $price The product's price as WooCommerce keeps it.
	 */
	private static function price_text( $price ): string {
		if ( '' === $price || null === $price ) {
			return '';
		}
		$decimals = function_exists( 'wc_get_price_decimals' ) ? wc_get_price_decimals() : 2;
		return number_format( (float) $price, $decimals, '.', '' ) . ' ' . get_woocommerce_currency();
	}

	/** Prints the "Video consultation" button after the add-to-cart button. */
	public static function product_page_button(): void {
		echo Edgechat_Buttons::video_button( '' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped in Edgechat_Buttons::button().
	}

	/**
	 * Queues order_placed for the server (conversion reports); the checkout does not wait.
	 *
	 * @param int|WC_Order $order Order or its id (the two checkout hooks differ).
	 */
	public static function order_placed( $order ): void {
		if ( ! is_object( $order ) ) {
			$order = wc_get_order( $order );
		}
		$settings = Edgechat_Options::settings();
		if ( ! $order || isset( self::$reported[ $order->get_id() ] ) || ! Edgechat_Options::is_configured( $settings ) || '' === $settings['plugin_secret'] ) {
			return;
		}
		self::$reported[ $order->get_id() ] = true;
		$customer                           = (int) $order->get_customer_id();
		Edgechat_Events::enqueue(
			array(
				'type'      => 'order_placed',
				'visitorId' => Edgechat_Identity::visitor_id(),
				'userId'    => $customer > 0 ? (string) $customer : null,
				'orderId'   => (string) $order->get_id(),
				'total'     => (float) $order->get_total(),
				'currency'  => (string) $order->get_currency(),
				'at'        => gmdate( 'Y-m-d\TH:i:s\Z' ),
			)
		);
	}

	/**
	 * One cart line as { id, name, qty, price, url }, or null when its product is gone.
	 *
	 * @param array $line Cart line (product_id, variation_id, quantity, ...).
	 */
	private static function cart_item( array $line ): ?array {
		$id      = ! empty( $line['variation_id'] ) ? (int) $line['variation_id'] : (int) ( $line['product_id'] ?? 0 );
		$product = isset( $line['data'] ) && is_object( $line['data'] ) ? $line['data'] : wc_get_product( $id );
		if ( ! $product ) {
			return null;
		}
		return array(
			'id'    => (int) $product->get_id(),
			'name'  => mb_substr( (string) $product->get_name(), 0, 300 ),
			'qty'   => (int) ( $line['quantity'] ?? 1 ),
			'price' => (float) $product->get_price(),
			'url'   => (string) $product->get_permalink(),
		);
	}
}
