<?php
/**
 * Settings → Edgechat: connection status, Connect form, settings form.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Renders the settings page. Everything printed is escaped here, at output; secrets are
 * never printed (a stored secret shows as "stored", with a box to remove it).
 */
final class Edgechat_Admin_Page {

	const SLUG = 'edgechat';

	/** The settings page refreshes a status older than this when it opens. */
	const STATUS_MAX_AGE = HOUR_IN_SECONDS;

	/** Registers the menu entry and the Settings link on the Plugins screen. */
	public static function register_hooks(): void {
		add_action( 'admin_menu', array( __CLASS__, 'add_menu' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( EDGECHAT_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/** Adds Settings → Edgechat. */
	public static function add_menu(): void {
		$hook = add_options_page(
			__( 'Edgechat', 'edgechat' ),
			__( 'Edgechat', 'edgechat' ),
			Edgechat_Admin_Actions::CAPABILITY,
			self::SLUG,
			array( __CLASS__, 'render' )
		);
		if ( $hook ) {
			add_action( 'load-' . $hook, array( __CLASS__, 'refresh_stale_status' ) );
		}
	}

	/** URL of the settings page. */
	public static function url(): string {
		return admin_url( 'options-general.php?page=' . self::SLUG );
	}

	/**
	 * Adds "Settings" to the plugin's row on the Plugins screen.
	 *
	 * @param string[] $links Existing links.
	 * @return string[]
	 */
	public static function action_links( array $links ): array {
		array_unshift( $links, '<a href="' . esc_url( self::url() ) . '">' . esc_html__( 'Settings', 'edgechat' ) . '</a>' );
		return $links;
	}

	/** The only place a page view talks to the server: the settings page, when the status is stale. */
	public static function refresh_stale_status(): void {
		$status = Edgechat_Options::status();
		if ( Edgechat_Options::is_configured() && $status['checked_at'] < time() - self::STATUS_MAX_AGE ) {
			Edgechat_Admin_Actions::check_status();
		}
	}

	/** Prints the page. */
	public static function render(): void {
		if ( ! current_user_can( Edgechat_Admin_Actions::CAPABILITY ) ) {
			return;
		}
		$settings = Edgechat_Options::settings();
		echo '<div class="wrap edgechat-settings">';
		echo '<h1>' . esc_html__( 'Edgechat', 'edgechat' ) . '</h1>';
		self::render_status( $settings, Edgechat_Options::status() );
		self::render_connect_form( $settings );
		self::render_settings_form( $settings );
		echo '</div>';
	}

	/**
	 * The connection status and a button to check it again.
	 *
	 * @param array $settings Stored settings.
	 * @param array $status   Cached status.
	 */
	private static function render_status( array $settings, array $status ): void {
		echo '<h2>' . esc_html__( 'Connection', 'edgechat' ) . '</h2>';
		echo '<p class="edgechat-status edgechat-status--' . esc_attr( $status['status'] ) . '">' . esc_html( self::status_text( $settings, $status ) ) . '</p>';
		if ( ! Edgechat_Options::is_configured( $settings ) ) {
			return;
		}
		self::render_event_error();
		// The operators answer in the Edgechat server's admin app.
		echo '<p><a class="button button-primary edgechat-inbox" href="' . esc_url( $settings['server_url'] . '/admin/' ) . '" target="_blank" rel="noopener">' . esc_html__( 'Open the operator inbox', 'edgechat' ) . '</a></p>';
		if ( $status['checked_at'] > 0 ) {
			/* translators: %s: how long ago, e.g. "5 mins". */
			echo '<p class="description">' . esc_html( sprintf( __( 'Checked %s ago.', 'edgechat' ), human_time_diff( $status['checked_at'] ) ) ) . '</p>';
		}
		self::form_open( Edgechat_Admin_Actions::CHECK );
		submit_button( __( 'Check again', 'edgechat' ), 'secondary', 'submit', false );
		echo '</form>';
	}

	/**
	 * The last failure of an order event, until one gets through: the queue retries quietly,
	 * so without this the owner would never learn that orders miss the conversion reports.
	 */
	private static function render_event_error(): void {
		$error = get_option( Edgechat_Events::LAST_ERROR_OPTION );
		if ( ! is_array( $error ) || empty( $error['message'] ) || ! is_string( $error['message'] ) ) {
			return;
		}
		$when = isset( $error['at'] ) ? human_time_diff( (int) $error['at'] ) : '';
		/* translators: 1: how long ago, e.g. "5 mins", 2: why the server did not take the order. */
		$text = sprintf( __( 'Orders could not be reported to Edgechat (last attempt %1$s ago): %2$s. Check the keys and the connection above.', 'edgechat' ), $when, $error['message'] );
		echo '<div class="notice notice-warning inline edgechat-event-error"><p>' . esc_html( $text ) . '</p></div>';
	}

	/**
	 * What the status means for the owner.
	 *
	 * @param array $settings Stored settings.
	 * @param array $status   Cached status.
	 */
	private static function status_text( array $settings, array $status ): string {
		if ( ! Edgechat_Options::is_configured( $settings ) ) {
			return __( 'Not connected. Connect below, or enter the server URL and keys by hand.', 'edgechat' );
		}
		switch ( $status['status'] ) {
			case 'active':
				/* translators: 1: server URL, 2: site name on the server. */
				return sprintf( __( 'Connected to %1$s as “%2$s”. The chat is live.', 'edgechat' ), $settings['server_url'], $status['name'] );
			case 'pending_confirmation':
				return __( 'Waiting for the owner to confirm the email Edgechat sent. The chat goes live once it is confirmed.', 'edgechat' );
			case 'error':
				/* translators: %s: why the check failed. */
				return sprintf( __( 'The status could not be checked: %s', 'edgechat' ), $status['message'] );
			case 'unknown':
			case 'disconnected':
				return __( 'Keys are set; the status was not checked yet.', 'edgechat' );
			default:
				/* translators: %s: status name sent by the server. */
				return sprintf( __( 'Status on the server: %s', 'edgechat' ), $status['status'] );
		}
	}

	/**
	 * Connect: the server creates or links a site and returns its keys.
	 *
	 * @param array $settings Stored settings.
	 */
	private static function render_connect_form( array $settings ): void {
		echo '<h2>' . esc_html__( 'Connect', 'edgechat' ) . '</h2>';
		/* translators: %s: the site's address. */
		echo '<p>' . esc_html( sprintf( __( 'Creates (or links) the site %s on your Edgechat server and stores the keys it returns. Connecting again replaces the stored keys.', 'edgechat' ), home_url() ) ) . '</p>';
		self::form_open( Edgechat_Admin_Actions::CONNECT );
		echo '<table class="form-table" role="presentation">';
		self::row( 'connect_server_url', __( 'Server URL', 'edgechat' ), self::input( 'connect_server_url', 'server_url', 'url', $settings['server_url'], 'https://chat.example.com' ) );
		self::row( 'owner_email', __( 'Owner email', 'edgechat' ), self::input( 'owner_email', 'owner_email', 'email', (string) get_option( 'admin_email' ) ) );
		self::row( 'signup_code', __( 'Signup code', 'edgechat' ), self::input( 'signup_code', 'signup_code', 'text', '' ), __( 'Only if the server is invite-only.', 'edgechat' ) );
		self::row( 'admin_token', __( 'Admin token', 'edgechat' ), self::input( 'admin_token', 'admin_token', 'password', '' ), __( 'Only if you run the server and its signup is closed. Used for this request, never stored.', 'edgechat' ) );
		echo '</table>';
		submit_button( __( 'Connect', 'edgechat' ), 'primary', 'submit', true );
		echo '</form>';
	}

	/**
	 * Server URL, keys and hide rules.
	 *
	 * @param array $settings Stored settings.
	 */
	private static function render_settings_form( array $settings ): void {
		echo '<h2>' . esc_html__( 'Settings', 'edgechat' ) . '</h2>';
		self::form_open( Edgechat_Admin_Actions::SAVE );
		echo '<table class="form-table" role="presentation">';
		self::row( 'server_url', __( 'Server URL', 'edgechat' ), self::input( 'server_url', 'server_url', 'url', $settings['server_url'], 'https://chat.example.com' ) );
		self::row( 'site_key', __( 'Site key', 'edgechat' ), self::input( 'site_key', 'site_key', 'text', $settings['site_key'] ) );
		self::row( 'identity_secret', __( 'Identity secret', 'edgechat' ), self::secret_input( 'identity_secret', $settings['identity_secret'] ), __( 'Proves to Edgechat who a logged-in user is. Stays on this server, never sent to browsers.', 'edgechat' ) );
		self::row( 'plugin_secret', __( 'Plugin secret', 'edgechat' ), self::secret_input( 'plugin_secret', $settings['plugin_secret'] ), __( 'Signs the messages between this site and the Edgechat server.', 'edgechat' ) );
		self::row( 'hide_post_types', __( 'Hide on post types', 'edgechat' ), self::post_type_boxes( $settings['hide_post_types'] ) );
		$textarea = '<textarea id="edgechat-hide_urls" name="' . esc_attr( self::name( 'hide_urls' ) ) . '" rows="5" cols="50" class="large-text code">' . esc_textarea( implode( "\n", $settings['hide_urls'] ) ) . '</textarea>';
		self::row( 'hide_urls', __( 'Hide on URLs', 'edgechat' ), $textarea, __( 'One path per line; * matches anything. Example: /checkout/*', 'edgechat' ) );
		echo '</table>';
		submit_button( __( 'Save changes', 'edgechat' ) );
		echo '</form>';
	}

	/**
	 * Opens a form posting to admin-post.php with the action and its nonce.
	 *
	 * @param string $action Action and nonce name.
	 */
	private static function form_open( string $action ): void {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="' . esc_attr( $action ) . '">';
		wp_nonce_field( $action );
	}

	/**
	 * One table row. $control is HTML built by this class from escaped parts.
	 *
	 * @param string $id          Field id (without prefix).
	 * @param string $label       Plain-text label.
	 * @param string $control     Escaped HTML of the control.
	 * @param string $description Plain-text help.
	 */
	private static function row( string $id, string $label, string $control, string $description = '' ): void {
		echo '<tr><th scope="row"><label for="edgechat-' . esc_attr( $id ) . '">' . esc_html( $label ) . '</label></th><td>';
		echo $control; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts in this class.
		if ( '' !== $description ) {
			echo '<p class="description">' . esc_html( $description ) . '</p>';
		}
		echo '</td></tr>';
	}

	/**
	 * An <input> with an escaped value.
	 *
	 * @param string $id          Field id (without prefix).
	 * @param string $field       Key inside edgechat[...].
	 * @param string $type        Input type.
	 * @param string $value       Current value.
	 * @param string $placeholder Placeholder.
	 */
	private static function input( string $id, string $field, string $type, string $value, string $placeholder = '' ): string {
		$autocomplete = 'password' === $type ? ' autocomplete="new-password"' : '';
		return '<input id="edgechat-' . esc_attr( $id ) . '" name="' . esc_attr( self::name( $field ) ) . '" type="' . esc_attr( $type ) . '" value="' . esc_attr( $value ) . '" placeholder="' . esc_attr( $placeholder ) . '" class="regular-text"' . $autocomplete . '>';
	}

	/**
	 * A password field that never carries the stored secret: empty keeps it, a box removes it.
	 *
	 * @param string $field  identity_secret or plugin_secret.
	 * @param string $stored Stored secret (only whether it is set is used).
	 */
	private static function secret_input( string $field, string $stored ): string {
		$set  = '' !== $stored;
		$html = self::input( $field, $field, 'password', '', $set ? __( '•••••••• stored: type a new one to replace it', 'edgechat' ) : '' );
		if ( $set ) {
			$html .= ' <label><input type="checkbox" name="' . esc_attr( self::name( 'remove_' . $field ) ) . '" value="1"> ' . esc_html__( 'Remove', 'edgechat' ) . '</label>';
		}
		return $html;
	}

	/**
	 * Checkboxes of the public post types.
	 *
	 * @param string[] $checked Post types where the chat is hidden.
	 */
	private static function post_type_boxes( array $checked ): string {
		// The hidden empty value says "none checked" (a form sends nothing for unchecked boxes).
		$html = '<fieldset id="edgechat-hide_post_types"><input type="hidden" name="' . esc_attr( self::name( 'hide_post_types' ) ) . '[]" value="">';
		foreach ( get_post_types( array( 'public' => true ), 'objects' ) as $type ) {
			$html .= '<label><input type="checkbox" name="' . esc_attr( self::name( 'hide_post_types' ) ) . '[]" value="' . esc_attr( $type->name ) . '"' . checked( in_array( $type->name, $checked, true ), true, false ) . '> ' . esc_html( $type->labels->name ) . '</label><br>';
		}
		return $html . '</fieldset>';
	}

	/**
	 * Form name of a field: edgechat[field].
	 *
	 * @param string $field Key.
	 */
	private static function name( string $field ): string {
		return Edgechat_Admin_Actions::FIELD . '[' . $field . ']';
	}
}
