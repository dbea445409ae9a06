<?php
/**
 * Events for the Edgechat server (order_placed), sent from a queue after the shopper's request:
 * Action Scheduler when WooCommerce ships it, else a WP-cron single event. A checkout never
 * waits on the chat server, and a server that is down or hangs gets the event later.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Queue and delivery with retries: 1, 2, 4, 8, 16 minutes after a failure, then given up.
 * Each attempt is signed anew; the server stores an order once however often it arrives.
 */
final class Edgechat_Events {

	/** The queued action: ( array $event, int $attempt ). */
	const HOOK = 'edgechat_send_event';

	/** Action Scheduler group, so the shop's Tools → Scheduled Actions shows ours together. */
	const GROUP = 'edgechat';

	/** Attempts in all, the first included. */
	const MAX_ATTEMPTS = 6;

	/** Option holding the last delivery failure, shown on the settings page. */
	const LAST_ERROR_OPTION = 'edgechat_event_error';

	/** Registers the delivery handler. */
	public static function register_hooks(): void {
		add_action( self::HOOK, array( __CLASS__, 'deliver' ), 10, 2 );
	}

	/**
	 * Queues an event for delivery $delay seconds from now.
	 *
	 * @param array $event   The event, with a type.
	 * @param int   $attempt Attempts made before this one.
	 * @param int   $delay   Seconds to wait.
	 */
	public static function enqueue( array $event, int $attempt = 0, int $delay = 0 ): void {
		$args = array( $event, $attempt );
		if ( function_exists( 'as_schedule_single_action' ) ) {
			as_schedule_single_action( time() + $delay, self::HOOK, $args, self::GROUP );
			return;
		}
		wp_schedule_single_event( time() + $delay, self::HOOK, $args );
	}

	/**
	 * Sends one queued event; on a failure worth retrying, queues the next attempt.
	 *
	 * @param mixed $event   The event as queued.
	 * @param mixed $attempt Attempts made before this one.
	 */
	public static function deliver( $event, $attempt = 0 ): void {
		$settings = Edgechat_Options::settings();
		if ( ! is_array( $event ) || ! Edgechat_Options::is_configured( $settings ) || '' === $settings['plugin_secret'] ) {
			return;
		}
		$result = Edgechat_Api::post_event( $settings, $event );
		if ( true === $result ) {
			delete_option( self::LAST_ERROR_OPTION );
			return;
		}
		update_option( self::LAST_ERROR_OPTION, array( 'message' => $result->get_error_message(), 'at' => time() ), false );
		$next = (int) $attempt + 1;
		if ( self::worth_retrying( $result ) && $next < self::MAX_ATTEMPTS ) {
			self::enqueue( $event, $next, 60 * ( 2 ** ( $next - 1 ) ) );
		}
	}

	/**
	 * Removes every event of ours (uninstall): the queued ones, and the ones Action Scheduler
	 * keeps as history (complete, failed, canceled, with their logs), which hold order and
	 * visitor ids.
	 */
	public static function forget_all(): void {
		if ( function_exists( 'as_get_scheduled_actions' ) && class_exists( 'ActionScheduler' ) ) {
			$ids = as_get_scheduled_actions(
				array(
					'hook'     => self::HOOK,
					'group'    => self::GROUP,
					'status'   => '',
					'per_page' => -1,
				),
				'ids'
			);
			foreach ( $ids as $id ) {
				ActionScheduler::store()->delete_action( (int) $id );
			}
		}
		wp_unschedule_hook( self::HOOK );
	}

	/**
	 * A server that could not be reached, failed (5xx), was busy (429) or refused the signature
	 * (a clock or a secret the owner may fix) may take it later; a malformed event never will.
	 *
	 * @param WP_Error $error The failure.
	 */
	private static function worth_retrying( WP_Error $error ): bool {
		$data   = $error->get_error_data();
		$status = is_array( $data ) && isset( $data['status'] ) ? (int) $data['status'] : 0;
		return 0 === $status || 401 === $status || 429 === $status || $status >= 500;
	}
}
