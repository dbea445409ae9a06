<?php
/**
 * Edgechat test theme: stylesheet only.
 */
add_action(
	'wp_enqueue_scripts',
	function () {
		wp_enqueue_style( 'edgechat-test-theme', get_stylesheet_uri(), array(), '0.1.0' );
	}
);

// The test site runs offline: skip the emoji script that points at s.w.org.
remove_action( 'wp_head', 'print_emoji_detection_script', 7 );
remove_action( 'wp_print_styles', 'print_emoji_styles' );
