<?php
/**
 * The widget loader on front-end pages, with the page's inline settings before it.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Enqueues {server}/widget.js async. No server call happens while a page renders, and the
 * async tag never blocks it, so a down server cannot break or slow the shop.
 */
final class Edgechat_Loader {

	const HANDLE = 'edgechat-loader';

	/** Registers the hooks. */
	public static function register_hooks(): void {
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'script_tag' ), 10, 2 );
	}

	/** Whether the chat loads on this page view: configured and not hidden. */
	public static function is_active(): bool {
		$settings = Edgechat_Options::settings();
		$uri      = isset( $_SERVER['REQUEST_URI'] ) ? wp_unslash( $_SERVER['REQUEST_URI'] ) : '/'; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- only matched against patterns.
		return Edgechat_Options::is_configured( $settings ) && ! Edgechat_Visibility::is_hidden( $settings, (string) $uri );
	}

	/** Enqueues the loader and its inline settings. */
	public static function enqueue(): void {
		if ( ! self::is_active() ) {
			return;
		}
		$settings = Edgechat_Options::settings();
		// Version null: no ?ver= on the URL; the server sets the loader's caching.
		wp_enqueue_script( self::HANDLE, $settings['server_url'] . '/widget.js', array(), null, self::script_args( $GLOBALS['wp_version'] ) ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion
		wp_add_inline_script( self::HANDLE, 'window.edgechatSettings = ' . self::json( self::page_settings( $settings ) ) . ';', 'before' );
	}

	/**
	 * The last argument of wp_enqueue_script: the async strategy from WordPress 6.3, and
	 * "in the head" before it (6.1 and 6.2 read it as $in_footer; script_tag() adds async).
	 *
	 * @param string $wp_version WordPress version.
	 * @return array|false
	 */
	public static function script_args( string $wp_version ) {
		return version_compare( $wp_version, '6.3', '>=' )
			? array(
				'strategy'  => 'async',
				'in_footer' => false,
			)
			: false;
	}

	/**
	 * Adds data-site, and async when WordPress did not, to the loader's <script> tag.
	 *
	 * @param string $tag    HTML of the script (with its inline scripts).
	 * @param string $handle Script handle.
	 */
	public static function script_tag( $tag, $handle ) {
		if ( self::HANDLE !== $handle || ! is_string( $tag ) ) {
			return $tag;
		}
		$site_key = Edgechat_Options::settings()['site_key'];
		return (string) preg_replace_callback(
			'/<script\b[^>]*\bid=([\'"])' . self::HANDLE . '-js\1[^>]*>/',
			static function ( array $match ) use ( $site_key ): string {
				$extra = ' data-site="' . esc_attr( $site_key ) . '"';
				if ( ! preg_match( '/\sasync[\s=>]/', $match[0] ) ) {
					$extra .= ' async';
				}
				return '<script' . $extra . substr( $match[0], strlen( '<script' ) );
			},
			$tag,
			1
		);
	}

	/**
	 * window.edgechatSettings for this page: locale, the logged-in user's identity, and what
	 * integrations add through the edgechat_page_settings filter (WooCommerce adds the cart).
	 *
	 * @param array $settings Stored settings.
	 */
	public static function page_settings( array $settings ): array {
		$data     = array( 'locale' => 0 === strpos( determine_locale(), 'ru' ) ? 'ru' : 'en' );
		$identity = Edgechat_Identity::for_current_user( $settings );
		if ( null !== $identity ) {
			$data['identity'] = $identity;
		}
		/**
		 * Filters the data the widget reads from window.edgechatSettings. Never put a secret here.
		 *
		 * @param array $data locale, identity and so on.
		 */
		return (array) apply_filters( 'edgechat_page_settings', $data );
	}

	/**
	 * JSON safe inside a <script> element (no "</script>", "<!--" or quotes can break out).
	 *
	 * @param mixed $data Data.
	 */
	public static function json( $data ): string {
		return (string) wp_json_encode( $data, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE );
	}
}
