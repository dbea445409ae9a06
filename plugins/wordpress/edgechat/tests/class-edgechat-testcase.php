<?php
/**
 * Base of the Edgechat tests: a rolled-back transaction per test, hooks restored, no network,
 * wp_die and redirects turned into exceptions, and helpers to configure, log in and render.
 *
 * @package Edgechat\Tests
 */

/** Thrown instead of wp_die(). */
class Edgechat_Test_Die extends Exception {
	/** @var int HTTP status wp_die() would have sent. */
	public $status;

	public function __construct( string $message, int $status ) {
		parent::__construct( $message );
		$this->status = $status;
	}
}

/** Thrown instead of a redirect (and the exit after it). */
class Edgechat_Test_Redirect extends Exception {
	/** @var string */
	public $location;

	public function __construct( string $location ) {
		parent::__construct( 'redirect to ' . $location );
		$this->location = $location;
	}
}

abstract class Edgechat_TestCase extends \PHPUnit\Framework\TestCase {

	const SERVER          = 'https://chat.example.test';
	const SITE_KEY        = 'shop-1';
	const IDENTITY_SECRET = 'identity-secret-0123456789abcdef';
	const PLUGIN_SECRET   = 'plugin-secret-0123456789abcdef';

	/** @var bool Whether this test runs inside a rolled-back transaction. */
	protected $transaction = true;

	/** @var array<int,array{url:string,args:array}> Requests the code tried to send. */
	protected $http = array();

	/** @var callable|null Answers requests: fn( array $args, string $url ) => array|WP_Error. */
	protected $respond;

	/** @var array */
	private $saved_filters;

	/** @var array */
	private $saved_actions;

	protected function setUp(): void {
		parent::setUp();
		if ( $this->transaction ) {
			$GLOBALS['wpdb']->query( 'START TRANSACTION' );
		}
		$this->saved_filters = array();
		foreach ( $GLOBALS['wp_filter'] as $name => $hook ) {
			$this->saved_filters[ $name ] = clone $hook;
		}
		$this->saved_actions = $GLOBALS['wp_actions'];
		wp_cache_flush();
		$_GET                          = array();
		$_POST                         = array();
		$_REQUEST                      = array();
		$_COOKIE                       = array();
		$_SERVER['REQUEST_URI']        = '/';
		$GLOBALS['wp_settings_errors'] = array();
		$GLOBALS['wp_scripts']         = null;
		$GLOBALS['wp_styles']          = null;
		wp_set_current_user( 0 );
		Edgechat_WC_Stub::reset();

		add_filter(
			'wp_die_handler',
			function () {
				return array( __CLASS__, 'die_handler' );
			}
		);
		add_filter(
			'wp_redirect',
			function ( $location ) {
				throw new Edgechat_Test_Redirect( (string) $location );
			}
		);
		// No mail server here (WordPress mails the old address when admin_email changes).
		add_filter( 'pre_wp_mail', '__return_true' );
		// No test reaches the network: requests are recorded and answered by $this->respond.
		add_filter( 'pre_http_request', array( $this, 'answer_http' ), 10, 3 );
	}

	protected function tearDown(): void {
		if ( $this->transaction ) {
			$GLOBALS['wpdb']->query( 'ROLLBACK' );
		}
		$GLOBALS['wp_filter']  = $this->saved_filters;
		$GLOBALS['wp_actions'] = $this->saved_actions;
		wp_cache_flush();
		wp_set_current_user( 0 );
		$GLOBALS['wp_query']     = new WP_Query();
		$GLOBALS['wp_the_query'] = $GLOBALS['wp_query'];
		unset( $GLOBALS['product'], $GLOBALS['post'] );
		parent::tearDown();
	}

	/** wp_die() handler for tests. */
	public static function die_handler( $message, $title = '', $args = array() ): void {
		$status = is_array( $args ) && isset( $args['response'] ) ? (int) $args['response'] : 500;
		throw new Edgechat_Test_Die( is_string( $message ) ? $message : 'wp_die', $status );
	}

	/** pre_http_request filter: records the request and answers it. */
	public function answer_http( $pre, $args, $url ) {
		$this->http[] = array(
			'url'  => $url,
			'args' => $args,
		);
		return $this->respond ? call_user_func( $this->respond, $args, $url ) : new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect (tests have no network)' );
	}

	/**
	 * Answers every request with one HTTP response.
	 *
	 * @param int          $code HTTP status.
	 * @param array|string $body JSON-encoded when an array.
	 */
	protected function respond_with( int $code, $body ): void {
		$this->respond = function () use ( $code, $body ) {
			return array(
				'headers'  => array(),
				'body'     => is_string( $body ) ? $body : wp_json_encode( $body ),
				'response' => array(
					'code'    => $code,
					'message' => get_status_header_desc( $code ),
				),
				'cookies'  => array(),
				'filename' => null,
			);
		};
	}

	/**
	 * Stores a working configuration, with overrides.
	 *
	 * @param array $overrides Settings to change.
	 */
	protected function configure( array $overrides = array() ): void {
		Edgechat_Options::save_settings(
			array_merge(
				array(
					'server_url'      => self::SERVER,
					'site_key'        => self::SITE_KEY,
					'identity_secret' => self::IDENTITY_SECRET,
					'plugin_secret'   => self::PLUGIN_SECRET,
					'hide_post_types' => array(),
					'hide_urls'       => array(),
				),
				$overrides
			)
		);
	}

	/**
	 * Creates a user and makes them the current user.
	 *
	 * @param string $role Role.
	 * @param array  $data More wp_insert_user fields.
	 */
	protected function login( string $role, array $data = array() ): WP_User {
		$id = wp_insert_user(
			array_merge(
				array(
					'user_login' => $role . '-' . wp_generate_password( 8, false ),
					'user_pass'  => wp_generate_password(),
					'user_email' => $role . '-' . wp_generate_password( 6, false ) . '@example.com',
					'role'       => $role,
				),
				$data
			)
		);
		$this->assertIsInt( $id );
		wp_set_current_user( $id );
		return wp_get_current_user();
	}

	/**
	 * Renders the head and footer of a front-end page (what the theme prints around content).
	 *
	 * @param string $uri     REQUEST_URI of the page.
	 * @param string $content Post content to render between them (shortcodes run).
	 */
	protected function render_page( string $uri = '/', string $content = '' ): string {
		$_SERVER['REQUEST_URI'] = $uri;
		$GLOBALS['wp_scripts']  = null;
		$GLOBALS['wp_styles']   = null;
		ob_start();
		wp_head();
		echo do_shortcode( $content ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		wp_footer();
		return (string) ob_get_clean();
	}

	/**
	 * Makes a post the main query (is_singular() and friends answer for it).
	 *
	 * @param int $post_id Post.
	 */
	protected function go_to_post( int $post_id ): void {
		$GLOBALS['wp_query']     = new WP_Query(
			array(
				'p'         => $post_id,
				'post_type' => 'any',
			)
		);
		$GLOBALS['wp_the_query'] = $GLOBALS['wp_query'];
		$GLOBALS['post']         = get_post( $post_id );
	}

	/**
	 * The wp_die() a callable ends with; fails when it returns normally.
	 *
	 * @param callable $run Code under test.
	 */
	protected function die_of( callable $run ): Edgechat_Test_Die {
		try {
			$run();
		} catch ( Edgechat_Test_Die $die ) {
			return $die;
		}
		$this->fail( 'Expected wp_die()' );
	}

	/**
	 * The redirect a callable ends with; fails when it returns normally.
	 *
	 * @param callable $run Code under test.
	 */
	protected function redirect_of( callable $run ): string {
		try {
			$run();
		} catch ( Edgechat_Test_Redirect $redirect ) {
			return $redirect->location;
		}
		$this->fail( 'Expected a redirect' );
	}

	/** Messages of the plugin's settings errors, by type. */
	protected function messages( string $type = 'error' ): array {
		$messages = array();
		foreach ( get_settings_errors( Edgechat_Settings_Validator::ERRORS ) as $error ) {
			if ( $error['type'] === $type ) {
				$messages[] = $error['message'];
			}
		}
		return $messages;
	}
}
