<?php
/**
 * The zip from scripts/build-wordpress.mjs, unpacked by WordPress's own unzip_file() as the
 * "Upload Plugin" screen does. run.sh builds it and passes its path in EDGECHAT_ZIP.
 *
 * @package Edgechat\Tests
 */

class PackageTest extends Edgechat_TestCase {

	public function test_zip_installs_the_plugin_folder_without_developer_files(): void {
		$zip = getenv( 'EDGECHAT_ZIP' );
		if ( ! $zip ) {
			$this->markTestSkipped( 'EDGECHAT_ZIP is not set (run.sh builds the zip when Node is available)' );
		}
		$target = get_temp_dir() . 'edgechat-zip-' . wp_generate_password( 8, false );
		add_filter(
			'filesystem_method',
			function () {
				return 'direct';
			}
		);
		$this->assertTrue( WP_Filesystem() );
		$this->assertTrue( unzip_file( $zip, $target ) );

		$unpacked = $this->files( $target . '/edgechat' );
		$sources  = array_values(
			array_filter(
				$this->files( EDGECHAT_DIR ),
				function ( $file ) {
					return 0 !== strpos( $file, 'tests/' ) && 'README.md' !== $file;
				}
			)
		);
		$this->assertSame( $sources, $unpacked );
		$this->assertSame( array( 'edgechat' ), array_values( array_diff( scandir( $target ), array( '.', '..' ) ) ), 'one folder at the root' );
		foreach ( $unpacked as $file ) {
			$this->assertFileEquals( EDGECHAT_DIR . $file, $target . '/edgechat/' . $file );
		}
		$GLOBALS['wp_filesystem']->delete( $target, true );
	}

	/**
	 * Files under a folder, relative and sorted.
	 *
	 * @param string $dir Folder.
	 */
	private function files( string $dir ): array {
		$dir   = trailingslashit( realpath( $dir ) );
		$files = array();
		foreach ( new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $dir, FilesystemIterator::SKIP_DOTS ) ) as $file ) {
			$files[] = substr( $file->getPathname(), strlen( $dir ) );
		}
		sort( $files );
		return $files;
	}
}
