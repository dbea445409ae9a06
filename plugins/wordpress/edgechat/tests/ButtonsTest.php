<?php
/**
 * [edgechat_open], [edgechat_video] and the Video consultation block: plain buttons with data
 * attributes and one inline click script.
 *
 * @package Edgechat\Tests
 */

class ButtonsTest extends Edgechat_TestCase {

	public function test_open_shortcode_with_default_and_custom_label(): void {
		$this->configure();
		$this->assertSame(
			'<button type="button" class="button wp-element-button edgechat-button edgechat-button--chat" data-edgechat-open="chat">Chat with us</button>',
			do_shortcode( '[edgechat_open]' )
		);
		$this->assertStringContainsString( '>Ask &amp; see &lt;now&gt;</button>', do_shortcode( '[edgechat_open label="Ask & see <now>"]' ) );
	}

	public function test_buttons_render_nothing_where_the_chat_does_not_load(): void {
		$this->assertSame( '', do_shortcode( '[edgechat_open]' ), 'not configured' );
		$this->configure( array( 'hide_urls' => array( '/checkout/*' ) ) );
		$_SERVER['REQUEST_URI'] = '/checkout/pay/';
		$this->assertSame( '', do_shortcode( '[edgechat_video]' ), 'hidden page' );
	}

	public function test_video_shortcode_without_a_product(): void {
		$this->configure();
		$this->assertSame(
			'<button type="button" class="button wp-element-button edgechat-button edgechat-button--video" data-edgechat-open="video">Video consultation</button>',
			do_shortcode( '[edgechat_video]' )
		);
	}

	public function test_video_shortcode_attaches_the_requested_product_as_json_in_an_attribute(): void {
		$this->configure();
		Edgechat_WC_Stub::add_product(
			array(
				'id'        => 12,
				'name'      => 'Chair "Oslo" <b>',
				'price'     => '149.90',
				'permalink' => 'http://127.0.0.1/product/chair/',
			)
		);
		$html = do_shortcode( '[edgechat_video product_id="12" label="Show me"]' );
		$this->assertMatchesRegularExpression( '/^<button [^<>]* data-edgechat-product="([^"]*)">Show me<\/button>$/', $html );
		preg_match( '/data-edgechat-product="([^"]*)"/', $html, $match );
		$this->assertSame(
			array(
				'id'       => 12,
				'name'     => 'Chair "Oslo" <b>',
				'url'      => 'http://127.0.0.1/product/chair/',
				'price'    => '149.90 EUR',
				'currency' => 'EUR',
				'image'    => null,
			),
			json_decode( html_entity_decode( $match[1], ENT_QUOTES ), true )
		);
	}

	public function test_one_inline_click_script_in_the_footer_for_any_number_of_buttons(): void {
		$this->configure();
		$html = $this->render_page( '/', '[edgechat_open][edgechat_open][edgechat_video]' );
		$this->assertSame( 1, substr_count( $html, "document.addEventListener('click'" ) );
		$this->assertSame( 3, substr_count( $html, 'data-edgechat-open=' ) );
		$this->assertStringNotContainsString( 'onclick', $html );
		$this->assertLessThan( strpos( $html, "document.addEventListener('click'" ), strrpos( $html, 'data-edgechat-open=' ), 'script after the buttons, in the footer' );
	}

	public function test_block_is_registered_with_its_editor_script(): void {
		// Registered on init; registered again here because each test starts with fresh scripts.
		unregister_block_type( 'edgechat/video-consultation' );
		Edgechat_Block::register();
		$block = WP_Block_Type_Registry::get_instance()->get_registered( 'edgechat/video-consultation' );
		$this->assertInstanceOf( WP_Block_Type::class, $block );
		$this->assertTrue( $block->is_dynamic() );
		$this->assertSame( array( 'edgechat-video-consultation-editor-script' ), $block->editor_script_handles );
		$script = wp_scripts()->registered['edgechat-video-consultation-editor-script'];
		$this->assertStringEndsWith( '/edgechat/blocks/video-consultation/editor.js', $script->src );
		$this->assertContains( 'wp-blocks', $script->deps );
		$this->assertSame( 'edgechat', $script->textdomain );
	}

	public function test_block_renders_the_video_button(): void {
		$this->configure();
		Edgechat_WC_Stub::add_product( array( 'id' => 7, 'name' => 'Lamp', 'price' => '20' ) );
		$html = do_blocks( '<!-- wp:edgechat/video-consultation {"label":"Call us","productId":7} /-->' );
		$this->assertStringContainsString( '<div class="wp-block-edgechat-video-consultation">', $html );
		$this->assertStringContainsString( 'data-edgechat-open="video"', $html );
		$this->assertStringContainsString( '&quot;name&quot;:&quot;Lamp&quot;', $html );
		$this->assertStringContainsString( '>Call us</button>', $html );
	}

	public function test_block_renders_nothing_when_the_chat_is_off(): void {
		$this->assertSame( '', trim( do_blocks( '<!-- wp:edgechat/video-consultation /-->' ) ) );
	}
}
