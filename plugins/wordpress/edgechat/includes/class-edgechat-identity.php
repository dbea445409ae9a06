<?php
/**
 * Identity of logged-in users, signed in PHP so the widget can prove who the visitor is.
 *
 * @package Edgechat
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds the identity object; the secret stays in PHP, only the hash reaches the browser.
 */
final class Edgechat_Identity {

	/** The widget's first-party cookie holding the visitor id. */
	const VISITOR_COOKIE = 'edgechat_vid';

	/** The server's rule for an identity's email (worker/protocol/frames.ts, zod's email). */
	const SERVER_EMAIL_PATTERN = "/^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$/";

	/** The longest name the server takes in an identity. */
	const MAX_NAME = 120;

	/**
	 * HMAC-SHA256 with the identity secret, lowercase hex, over the user id and, when there
	 * is one, a line feed and the email: the server shows an email as verified only when
	 * the shop signed it.
	 *
	 * @param string $user_id User id as a decimal string.
	 * @param string $email   The user's email, or '' for none.
	 * @param string $secret  Identity secret.
	 */
	public static function hash( string $user_id, string $email, string $secret ): string {
		return hash_hmac( 'sha256', '' === $email ? $user_id : $user_id . "\n" . $email, $secret );
	}

	/**
	 * The identity of a user: { id, email, name, hash }.
	 *
	 * @param WP_User $user   The user.
	 * @param string  $secret Identity secret.
	 * @return array{id:string,email:string,name:string,hash:string}
	 */
	public static function for_user( WP_User $user, string $secret ): array {
		$id    = (string) $user->ID;
		$email = trim( (string) $user->user_email );
		// The server refuses the whole session over an identity it cannot take, which would cost
		// this customer the chat: such an email is left out (the hash then covers the id alone).
		if ( strlen( $email ) > 254 || ! preg_match( self::SERVER_EMAIL_PATTERN, $email ) ) {
			$email = '';
		}
		return array(
			'id'    => $id,
			'email' => $email,
			'name'  => self::cut_utf16( trim( (string) $user->display_name ), self::MAX_NAME ),
			'hash'  => self::hash( $id, $email, $secret ),
		);
	}

	/**
	 * The longest start of $text within $max UTF-16 code units, as JavaScript (and the
	 * server's length rule) counts: an emoji counts two.
	 *
	 * @param string $text UTF-8 text.
	 * @param int    $max  Code units.
	 */
	private static function cut_utf16( string $text, int $max ): string {
		$cut   = '';
		$units = 0;
		foreach ( mb_str_split( $text ) as $char ) {
			$units += 4 === strlen( $char ) ? 2 : 1;
			if ( $units > $max ) {
				break;
			}
			$cut .= $char;
		}
		return $cut;
	}

	/**
	 * The identity of the logged-in user, or null for visitors (and when no secret is set:
	 * an unsigned identity would be worthless to the server).
	 *
	 * @param array $settings Stored settings.
	 */
	public static function for_current_user( array $settings ): ?array {
		if ( ! is_user_logged_in() || '' === $settings['identity_secret'] ) {
			return null;
		}
		return self::for_user( wp_get_current_user(), $settings['identity_secret'] );
	}

	/** The widget's visitor id from its cookie, or null when missing or malformed. */
	public static function visitor_id(): ?string {
		$value = isset( $_COOKIE[ self::VISITOR_COOKIE ] ) ? sanitize_text_field( wp_unslash( $_COOKIE[ self::VISITOR_COOKIE ] ) ) : '';
		return preg_match( '/^[A-Za-z0-9_\-]{1,128}$/', $value ) ? $value : null;
	}
}
