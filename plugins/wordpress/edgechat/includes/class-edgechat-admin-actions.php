<?php
/**
 * The settings page's form handlers (admin-post.php): save, connect, check status.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Every change needs manage_options and a nonce: a subscriber must never relink the site
 * to another account (the failure of GHSA-q4qq-c8pp-p3rp in another chat plugin).
 */
final class Edgechat_Admin_Actions {

	const SAVE       = 'edgechat_save';
	const CONNECT    = 'edgechat_connect';
	const CHECK      = 'edgechat_check';
	const CAPABILITY = 'manage_options';

	/** Form field that holds the submitted values: edgechat[server_url] and so on. */
	const FIELD = 'edgechat';

	/** Registers the admin-post handlers (logged-in users only: there is no nopriv handler). */
	public static function register_hooks(): void {
		add_action( 'admin_post_' . self::SAVE, array( __CLASS__, 'handle_save' ) );
		add_action( 'admin_post_' . self::CONNECT, array( __CLASS__, 'handle_connect' ) );
		add_action( 'admin_post_' . self::CHECK, array( __CLASS__, 'handle_check' ) );
	}

	/** POST admin-post.php?action=edgechat_save */
	public static function handle_save(): void {
		self::guard( self::SAVE );
		self::save( self::form_input() );
		self::back_to_page();
	}

	/** POST admin-post.php?action=edgechat_connect */
	public static function handle_connect(): void {
		self::guard( self::CONNECT );
		self::connect( self::form_input() );
		self::back_to_page();
	}

	/** POST admin-post.php?action=edgechat_check */
	public static function handle_check(): void {
		self::guard( self::CHECK );
		$status = self::check_status();
		if ( 'error' === $status['status'] ) {
			Edgechat_Settings_Validator::error( 'status', $status['message'] );
		}
		self::back_to_page();
	}

	/**
	 * Validates and stores the settings form.
	 *
	 * @param array $input Unslashed form values.
	 * @return array The stored settings.
	 */
	public static function save( array $input ): array {
		$before = Edgechat_Options::settings();
		$after  = Edgechat_Settings_Validator::sanitize( $input, $before );
		Edgechat_Options::save_settings( $after );

		$keys = array( 'server_url', 'site_key', 'plugin_secret' );
		if ( array_intersect_key( $before, array_flip( $keys ) ) !== array_intersect_key( $after, array_flip( $keys ) ) ) {
			self::check_status();
		}
		if ( ! get_settings_errors( Edgechat_Settings_Validator::ERRORS ) ) {
			Edgechat_Settings_Validator::error( 'saved', __( 'Settings saved.', 'edgechat' ), 'success' );
		}
		return Edgechat_Options::settings();
	}

	/**
	 * Creates or links this site on an Edgechat server and stores the keys it returns.
	 * The admin token is used for this one call and never stored.
	 *
	 * @param array $input Unslashed form values: server_url, owner_email, signup_code, admin_token.
	 * @return bool Whether the site is now connected.
	 */
	public static function connect( array $input ): bool {
		$server_url = Edgechat_Settings_Validator::server_url( Edgechat_Settings_Validator::text( $input, 'server_url' ) );
		if ( '' === $server_url ) {
			Edgechat_Settings_Validator::error( 'server_url', __( 'Enter the address of your Edgechat server, such as https://chat.example.com.', 'edgechat' ) );
		}
		$email = Edgechat_Settings_Validator::text( $input, 'owner_email' );
		if ( ! is_email( $email ) ) {
			Edgechat_Settings_Validator::error( 'owner_email', __( 'Enter the email address of the shop owner: Edgechat sends the admin login there.', 'edgechat' ) );
		}
		$signup_code = Edgechat_Settings_Validator::text( $input, 'signup_code' );
		if ( ! preg_match( '/^[A-Za-z0-9_\-]{0,128}$/', $signup_code ) ) {
			Edgechat_Settings_Validator::error( 'signup_code', __( 'The signup code may only contain letters, digits, - and _.', 'edgechat' ) );
		}
		$admin_token = Edgechat_Settings_Validator::text( $input, 'admin_token' );
		if ( ! preg_match( '/^[\x21-\x7e]{0,512}$/', $admin_token ) ) {
			Edgechat_Settings_Validator::error( 'admin_token', __( 'The admin token cannot contain spaces or non-ASCII characters.', 'edgechat' ) );
		}
		if ( get_settings_errors( Edgechat_Settings_Validator::ERRORS ) ) {
			return false;
		}

		$linked = self::relink( $server_url );
		if ( null !== $linked ) {
			return $linked;
		}

		$site = array(
			'ownerEmail' => $email,
			'url'        => home_url(),
			// WordPress stores the site title HTML-escaped; the server wants the text.
			'name'       => wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES ),
		);
		if ( '' !== $signup_code ) {
			$site['signupCode'] = $signup_code;
		}
		$result = Edgechat_Api::create_site( $server_url, $site, $admin_token );
		if ( is_wp_error( $result ) ) {
			Edgechat_Settings_Validator::error( 'connect', $result->get_error_message() );
			return false;
		}

		Edgechat_Options::save_settings(
			array(
				'server_url'      => $server_url,
				'site_key'        => $result['siteKey'],
				'identity_secret' => $result['identitySecret'],
				'plugin_secret'   => $result['pluginSecret'],
			)
		);
		Edgechat_Options::save_status( $result['status'], $site['name'] );
		if ( 'active' === $result['status'] ) {
			Edgechat_Settings_Validator::error( 'connected', __( 'Connected: the chat is live on your site.', 'edgechat' ), 'success' );
		} else {
			/* translators: %s: the owner's email address. */
			Edgechat_Settings_Validator::error( 'connected', sprintf( __( 'Almost there: Edgechat sent an email to %s. The chat goes live once it is confirmed.', 'edgechat' ), $email ), 'warning' );
		}
		return true;
	}

	/**
	 * A shop already connected to this server stays linked to its site (same key, its
	 * conversations and order reports) when the server still accepts its plugin secret.
	 *
	 * @param string $server_url The validated server URL of the form.
	 * @return bool|null True when linked, false when the server could not say (nothing changed),
	 *                   null when there is no site to keep (connect creates one).
	 */
	private static function relink( string $server_url ): ?bool {
		$settings = Edgechat_Options::settings();
		if ( $settings['server_url'] !== $server_url || '' === $settings['site_key'] || '' === $settings['plugin_secret'] ) {
			return null;
		}
		$status = Edgechat_Api::site_status( $settings );
		if ( is_wp_error( $status ) && 'edgechat_unreachable' === $status->get_error_code() ) {
			/* translators: %s: the HTTP client's explanation. */
			Edgechat_Settings_Validator::error( 'connect', sprintf( __( 'This shop is already connected, and the server could not be asked whether the link still holds, so nothing was changed. %s', 'edgechat' ), $status->get_error_message() ) );
			return false;
		}
		if ( is_wp_error( $status ) ) {
			// The site is gone or no longer takes this secret: connect creates a new one.
			return null;
		}
		Edgechat_Options::save_status( $status['status'], $status['name'] );
		/* translators: %s: the site's name on the Edgechat server. */
		Edgechat_Settings_Validator::error( 'connected', sprintf( __( 'Already connected: this shop stays linked to its Edgechat site "%s", with its conversations and order reports.', 'edgechat' ), $status['name'] ), 'success' );
		return true;
	}

	/**
	 * Asks the server for the site's status and caches the answer.
	 *
	 * @return array The cached status.
	 */
	public static function check_status(): array {
		$settings = Edgechat_Options::settings();
		if ( ! Edgechat_Options::is_configured( $settings ) || '' === $settings['plugin_secret'] ) {
			Edgechat_Options::save_status( 'disconnected' );
			return Edgechat_Options::status();
		}
		$result = Edgechat_Api::site_status( $settings );
		if ( is_wp_error( $result ) ) {
			Edgechat_Options::save_status( 'error', '', $result->get_error_message() );
		} else {
			Edgechat_Options::save_status( $result['status'], $result['name'] );
		}
		return Edgechat_Options::status();
	}

	/**
	 * Stops with 403 unless the user may manage options and sent this form's nonce.
	 *
	 * @param string $action Nonce action (the form's action name).
	 */
	private static function guard( string $action ): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to change the Edgechat settings.', 'edgechat' ), 403 );
		}
		check_admin_referer( $action );
	}

	/** The submitted edgechat[...] fields, unslashed. */
	private static function form_input(): array {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- guard() checked the nonce.
		$input = isset( $_POST[ self::FIELD ] ) ? wp_unslash( $_POST[ self::FIELD ] ) : array();
		return is_array( $input ) ? $input : array();
	}

	/** Back to the settings page, carrying the messages across the redirect as options.php does. */
	private static function back_to_page(): void {
		set_transient( 'settings_errors', get_settings_errors(), 30 );
		wp_safe_redirect( add_query_arg( 'settings-updated', 'true', Edgechat_Admin_Page::url() ) );
		exit;
	}
}
