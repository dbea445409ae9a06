<?php
/**
 * Translations: text domain, a complete ru_RU, compiled files that match their sources.
 *
 * @package Edgechat\Tests
 */

class I18nTest extends Edgechat_TestCase {

	protected function tearDown(): void {
		unload_textdomain( 'edgechat' );
		load_plugin_textdomain( 'edgechat', false, 'edgechat/languages' );
		parent::tearDown();
	}

	public function test_russian_translation_loads_for_a_russian_site(): void {
		$this->switch_plugin_locale( 'ru_RU' );
		$this->assertSame( 'Видеоконсультация', __( 'Video consultation', 'edgechat' ) );
		$this->assertSame( 'Видеоконсультация', _x( 'Video consultation', 'block title', 'edgechat' ) );
		$this->configure();
		$this->assertStringContainsString( '>Написать нам</button>', do_shortcode( '[edgechat_open]' ) );
	}

	public function test_translated_messages_keep_their_placeholders(): void {
		$this->switch_plugin_locale( 'ru_RU' );
		$this->assertSame( 'Сервер Edgechat отказал: нет (x, HTTP 409)', sprintf( __( 'The Edgechat server refused: %1$s (%2$s, HTTP %3$d)', 'edgechat' ), 'нет', 'x', 409 ) );
	}

	public function test_every_string_of_the_template_is_translated_in_ru_RU(): void {
		$template = $this->read_po( 'edgechat.pot' );
		$russian  = $this->read_po( 'edgechat-ru_RU.po' );
		$this->assertGreaterThan( 50, count( $template->entries ) );
		$this->assertEqualsCanonicalizing( array_keys( $template->entries ), array_keys( $russian->entries ), 'the .po has exactly the strings of the .pot' );
		foreach ( $russian->entries as $key => $entry ) {
			$this->assertNotSame( '', (string) $entry->translations[0] ?? '', "missing translation: $key" );
		}
	}

	public function test_compiled_mo_matches_the_po(): void {
		$russian = $this->read_po( 'edgechat-ru_RU.po' );
		$mo      = new MO();
		$this->assertTrue( $mo->import_from_file( EDGECHAT_DIR . 'languages/edgechat-ru_RU.mo' ) );
		$this->assertSame( count( $russian->entries ), count( $mo->entries ) );
		foreach ( $russian->entries as $key => $entry ) {
			$this->assertSame( $entry->translations, $mo->entries[ $key ]->translations, $key );
		}
		$this->assertSame( 'ru_RU', $mo->get_header( 'Language' ) );
	}

	public function test_block_editor_translations_are_found_by_wordpress(): void {
		$this->switch_plugin_locale( 'ru_RU' );
		add_filter(
			'determine_locale',
			function () {
				return 'ru_RU';
			}
		);
		unregister_block_type( 'edgechat/video-consultation' );
		Edgechat_Block::register();
		$json = load_script_textdomain( 'edgechat-video-consultation-editor-script', 'edgechat', EDGECHAT_DIR . 'languages' );
		$this->assertIsString( $json );
		$this->assertSame( array( 'Видеоконсультация' ), json_decode( $json, true )['locale_data']['messages']['Video consultation'] );
	}

	public function test_plugin_header_declares_text_domain_and_requirements(): void {
		$header = get_plugin_data( EDGECHAT_FILE, false, false );
		$this->assertSame( 'edgechat', $header['TextDomain'] );
		$this->assertSame( '/languages', $header['DomainPath'] );
		$this->assertSame( '6.1', $header['RequiresWP'] );
		$this->assertSame( '7.4', $header['RequiresPHP'] );
	}

	/**
	 * Reloads the plugin's text domain for a locale.
	 *
	 * @param string $locale Locale.
	 */
	private function switch_plugin_locale( string $locale ): void {
		add_filter(
			'plugin_locale',
			function () use ( $locale ) {
				return $locale;
			}
		);
		unload_textdomain( 'edgechat' );
		$this->assertTrue( load_plugin_textdomain( 'edgechat', false, 'edgechat/languages' ) );
	}

	/**
	 * A .po/.pot file of languages/ read by WordPress's own PO reader.
	 *
	 * @param string $file File name.
	 */
	private function read_po( string $file ): PO {
		require_once ABSPATH . WPINC . '/pomo/po.php';
		$po = new PO();
		$this->assertTrue( $po->import_from_file( EDGECHAT_DIR . 'languages/' . $file ), $file );
		return $po;
	}
}
