<?php
/**
 * Dependencies of editor.js (written by hand: the block has no build step).
 *
 * @package Edgechat
 */

return array(
	'dependencies' => array( 'wp-blocks', 'wp-block-editor', 'wp-components', 'wp-element', 'wp-i18n' ),
	'version'      => '0.1.0',
);
