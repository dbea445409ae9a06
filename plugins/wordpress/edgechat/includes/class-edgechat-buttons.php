<?php
/**
 * Buttons that open the chat: [edgechat_open], [edgechat_video], the block and the product hook.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * A button is plain HTML with data attributes; one small inline script (assets/buttons.js)
 * turns clicks into edgechat.open(). No user data is ever concatenated into JavaScript.
 */
final class Edgechat_Buttons {

	/** Handle of the inline click script (no src). */
	const SCRIPT = 'edgechat-buttons';

	/** Registers the shortcodes. */
	public static function register_hooks(): void {
		add_shortcode( 'edgechat_open', array( __CLASS__, 'open_shortcode' ) );
		add_shortcode( 'edgechat_video', array( __CLASS__, 'video_shortcode' ) );
	}

	/**
	 * [edgechat_open label="Ask us"]: a button that opens the chat.
	 *
	 * @param array|string $atts Shortcode attributes.
	 */
	public static function open_shortcode( $atts ): string {
		$atts = shortcode_atts( array( 'label' => __( 'Chat with us', 'edgechat' ) ), $atts, 'edgechat_open' );
		return self::button( 'chat', (string) $atts['label'] );
	}

	/**
	 * [edgechat_video label="..." product_id="12"]: opens a video consultation with the product
	 * (the given one, or the product of the page) attached.
	 *
	 * @param array|string $atts Shortcode attributes.
	 */
	public static function video_shortcode( $atts ): string {
		$atts = shortcode_atts(
			array(
				'label'      => '',
				'product_id' => 0,
			),
			$atts,
			'edgechat_video'
		);
		return self::video_button( (string) $atts['label'], absint( $atts['product_id'] ) );
	}

	/**
	 * The video consultation button.
	 *
	 * @param string $label      Label ('' for the default).
	 * @param int    $product_id Product to attach (0: the product of the page, if any).
	 */
	public static function video_button( string $label, int $product_id = 0 ): string {
		/**
		 * Filters the product attached to a video consultation button.
		 * WooCommerce fills it: { id, name, url, price, currency, image }.
		 *
		 * @param array|null $product    Product data, null when none.
		 * @param int        $product_id Requested product id (0: the product of the page).
		 */
		$product = apply_filters( 'edgechat_product', null, $product_id );
		return self::button( 'video', '' !== $label ? $label : __( 'Video consultation', 'edgechat' ), is_array( $product ) ? $product : null );
	}

	/**
	 * A button, or '' when the chat does not load on this page (it would do nothing).
	 *
	 * @param string     $mode    chat or video.
	 * @param string     $label   Plain-text label.
	 * @param array|null $product Product data for the widget.
	 */
	public static function button( string $mode, string $label, ?array $product = null ): string {
		if ( ! Edgechat_Loader::is_active() ) {
			return '';
		}
		self::enqueue_script();
		$attributes = ' data-edgechat-open="' . esc_attr( $mode ) . '"';
		if ( null !== $product ) {
			$attributes .= ' data-edgechat-product="' . esc_attr( (string) wp_json_encode( $product ) ) . '"';
		}
		return '<button type="button" class="button wp-element-button edgechat-button edgechat-button--' . esc_attr( $mode ) . '"' . $attributes . '>' . esc_html( $label ) . '</button>';
	}

	/** Enqueues the click script once per page (printed in the footer). */
	private static function enqueue_script(): void {
		if ( ! wp_script_is( self::SCRIPT, 'registered' ) ) {
			wp_register_script( self::SCRIPT, false, array(), EDGECHAT_VERSION, true );
			$js = file_get_contents( EDGECHAT_DIR . 'assets/buttons.js' ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local file of the plugin.
			wp_add_inline_script( self::SCRIPT, (string) $js );
		}
		wp_enqueue_script( self::SCRIPT );
	}
}
