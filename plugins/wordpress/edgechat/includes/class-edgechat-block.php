<?php
/**
 * The "Video consultation" block (dynamic: rendered by the same code as [edgechat_video]).
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Registers blocks/video-consultation from its block.json.
 */
final class Edgechat_Block {

	/** Registers the hook. */
	public static function register_hooks(): void {
		add_action( 'init', array( __CLASS__, 'register' ) );
	}

	/** Registers the block type and its editor translations. */
	public static function register(): void {
		$type = register_block_type( EDGECHAT_DIR . 'blocks/video-consultation', array( 'render_callback' => array( __CLASS__, 'render' ) ) );
		if ( $type ) {
			foreach ( $type->editor_script_handles as $handle ) {
				wp_set_script_translations( $handle, 'edgechat', EDGECHAT_DIR . 'languages' );
			}
		}
	}

	/**
	 * Renders the block on the front end.
	 *
	 * @param array $attributes label, productId.
	 */
	public static function render( array $attributes ): string {
		$button = Edgechat_Buttons::video_button(
			isset( $attributes['label'] ) ? (string) $attributes['label'] : '',
			isset( $attributes['productId'] ) ? absint( $attributes['productId'] ) : 0
		);
		return '' === $button ? '' : '<div ' . get_block_wrapper_attributes() . '>' . $button . '</div>';
	}
}
