<?php
/**
 * The loader: async on WordPress 6.1 (no strategy argument) and 6.3+, hide rules, locale.
 *
 * @package Edgechat\Tests
 */

class LoaderTest extends Edgechat_TestCase {

	public function test_nothing_loads_until_configured(): void {
		$html = $this->render_page();
		$this->assertStringNotContainsString( 'widget.js', $html );
		$this->assertStringNotContainsString( 'edgechatSettings', $html );
	}

	public function test_loader_is_async_in_the_head_with_its_settings_before_it(): void {
		if ( version_compare( $GLOBALS['wp_version'], '6.3', '>=' ) ) {
			$this->markTestSkipped( 'written for WordPress 6.1/6.2, where async comes from the script_loader_tag filter' );
		}
		$this->configure();
		$html = $this->render_page();
		// 6.1 prints type='text/javascript' unless the theme declares html5 script support.
		$tag  = "<script data-site=\"shop-1\" async type='text/javascript' src='https://chat.example.test/widget.js' id='edgechat-loader-js'></script>";
		$this->assertSame( 1, substr_count( $html, $tag ) );
		$settings_at = strpos( $html, 'window.edgechatSettings = {"locale":"en",' );
		$this->assertNotFalse( $settings_at );
		$this->assertLessThan( strpos( $html, $tag ), $settings_at, 'settings come before the loader' );
		$this->assertTrue( wp_script_is( Edgechat_Loader::HANDLE, 'done' ) );
		$GLOBALS['wp_scripts'] = null;
		ob_start();
		wp_head();
		$this->assertStringContainsString( $tag, (string) ob_get_clean(), 'printed by wp_head()' );
	}

	public function test_wordpress_63_and_later_get_the_async_strategy(): void {
		$this->assertSame( array( 'strategy' => 'async', 'in_footer' => false ), Edgechat_Loader::script_args( '6.3' ) );
		$this->assertSame( array( 'strategy' => 'async', 'in_footer' => false ), Edgechat_Loader::script_args( '6.7.1' ) );
		$this->assertFalse( Edgechat_Loader::script_args( '6.1.9' ) );
		$this->assertFalse( Edgechat_Loader::script_args( '6.2' ) );
	}

	public function test_tag_filter_does_not_repeat_async_that_wordpress_added(): void {
		$this->configure();
		$modern = '<script src="https://chat.example.test/widget.js" id="edgechat-loader-js" async data-wp-strategy="async"></script>' . "\n";
		$this->assertSame(
			'<script data-site="shop-1" src="https://chat.example.test/widget.js" id="edgechat-loader-js" async data-wp-strategy="async"></script>' . "\n",
			Edgechat_Loader::script_tag( $modern, Edgechat_Loader::HANDLE )
		);
	}

	public function test_tag_filter_leaves_the_inline_script_and_other_handles_alone(): void {
		$this->configure();
		$tag = "<script id='edgechat-loader-js-before'>x</script>\n<script src='https://chat.example.test/widget.js' id='edgechat-loader-js'></script>\n";
		$this->assertSame(
			"<script id='edgechat-loader-js-before'>x</script>\n<script data-site=\"shop-1\" async src='https://chat.example.test/widget.js' id='edgechat-loader-js'></script>\n",
			Edgechat_Loader::script_tag( $tag, Edgechat_Loader::HANDLE )
		);
		$this->assertSame( $tag, Edgechat_Loader::script_tag( $tag, 'jquery' ) );
	}

	public function test_hidden_by_post_type(): void {
		$this->configure( array( 'hide_post_types' => array( 'page' ) ) );
		$page = wp_insert_post( array( 'post_type' => 'page', 'post_title' => 'Terms', 'post_status' => 'publish' ) );
		$post = wp_insert_post( array( 'post_type' => 'post', 'post_title' => 'News', 'post_status' => 'publish' ) );
		$this->go_to_post( $page );
		$this->assertStringNotContainsString( 'widget.js', $this->render_page( '/terms/' ) );
		$this->go_to_post( $post );
		$this->assertStringContainsString( 'widget.js', $this->render_page( '/news/' ) );
	}

	public function test_hidden_by_url_pattern(): void {
		$this->configure( array( 'hide_urls' => array( '/checkout/*', '/cart' ) ) );
		$this->assertStringNotContainsString( 'widget.js', $this->render_page( '/checkout/order-received/12/?key=abc' ) );
		$this->assertStringNotContainsString( 'widget.js', $this->render_page( '/cart/' ) );
		$this->assertStringContainsString( 'widget.js', $this->render_page( '/shop/' ) );
	}

	public function test_hidden_on_a_page_with_a_cyrillic_address(): void {
		$this->configure( array( 'hide_urls' => array( '/оформление-заказа/*' ) ) );
		$this->assertStringNotContainsString( 'widget.js', $this->render_page( '/%D0%BE%D1%84%D0%BE%D1%80%D0%BC%D0%BB%D0%B5%D0%BD%D0%B8%D0%B5-%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D0%B0/order-received/12/' ) );
		$this->assertStringContainsString( 'widget.js', $this->render_page( '/%D0%BA%D0%B0%D1%82%D0%B0%D0%BB%D0%BE%D0%B3/' ) );
	}

	/** @return array<string,array{string,string,bool}> */
	public function patterns(): array {
		return array(
			'exact'                   => array( '/cart', '/cart', true ),
			'trailing slash'          => array( '/cart', '/cart/', true ),
			'pattern trailing slash'  => array( '/cart/', '/cart', true ),
			'query ignored'           => array( '/cart', '/cart?add=1', true ),
			'prefix is not a match'   => array( '/cart', '/cart-old', false ),
			'star'                    => array( '/checkout/*', '/checkout/pay/1', true ),
			'star not the parent'     => array( '/checkout/*', '/checkout', false ),
			'star in the middle'      => array( '/shop/*/reviews', '/shop/shoes/reviews', true ),
			'everything'              => array( '*', '/anything?x=1', true ),
			'query pattern'           => array( '*?preview=*', '/page/?preview=true', true ),
			'query pattern, no query' => array( '*?preview=*', '/page/', false ),
			'case-insensitive'        => array( '/Cart', '/cart', true ),
			'dots are literal'        => array( '/a.b', '/axb', false ),
			// Browsers send non-ASCII paths percent-encoded, in either case of hex digits.
			'typed Cyrillic'          => array( '/корзина/*', '/%D0%BA%D0%BE%D1%80%D0%B7%D0%B8%D0%BD%D0%B0/1', true ),
			'pasted encoded'          => array( '/%d0%ba%d0%be%d1%80%d0%b7%d0%b8%d0%bd%d0%b0', '/%D0%BA%D0%BE%D1%80%D0%B7%D0%B8%D0%BD%D0%B0/', true ),
			'encoded, other word'     => array( '/корзина', '/%D0%BA%D0%BE%D1%80%D0%B7%D0%B8%D0%BD%D1%8B', false ),
		);
	}

	/** @dataProvider patterns */
	public function test_url_patterns( string $pattern, string $path, bool $matches ): void {
		$this->assertSame( $matches, Edgechat_Visibility::matches( $pattern, $path ) );
	}

	public function test_edgechat_hidden_filter_can_hide_the_chat(): void {
		$this->configure();
		add_filter( 'edgechat_hidden', '__return_true' );
		$this->assertStringNotContainsString( 'widget.js', $this->render_page() );
	}

	public function test_russian_sites_ask_for_the_russian_widget(): void {
		$this->configure();
		add_filter(
			'locale',
			function () {
				return 'ru_RU';
			}
		);
		$this->assertSame( 'ru', Edgechat_Loader::page_settings( Edgechat_Options::settings() )['locale'] );
	}
}
