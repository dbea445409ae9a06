<?php
/**
 * Server-to-server signatures shared with the Edgechat Worker (docs/plugins.md), and the
 * identity hash of logged-in customers. The same formulas as the WordPress plugin.
 */
namespace Opencart\Extension\Edgechat\System\Library;

class Signature {
	/** Seconds a signed request stays valid either side of now. */
	public const MAX_SKEW = 300;

	/** hex(HMAC-SHA256(secret, timestamp \n METHOD \n path?query \n body)). */
	public static function sign(string $secret, string $timestamp, string $method, string $path_with_query, string $body): string {
		return hash_hmac('sha256', $timestamp . "\n" . strtoupper($method) . "\n" . $path_with_query . "\n" . $body, $secret);
	}

	/**
	 * The two headers that sign a request to $url now.
	 *
	 * @return array<string,string>
	 */
	public static function headers(string $secret, string $method, string $url, string $body, ?int $now = null): array {
		$timestamp = (string)($now ?? time());
		$parts = parse_url($url);
		$path = ($parts['path'] ?? '') !== '' ? $parts['path'] : '/';
		$path_with_query = isset($parts['query']) ? $path . '?' . $parts['query'] : $path;
		return [
			'X-Edgechat-Timestamp' => $timestamp,
			'X-Edgechat-Signature' => self::sign($secret, $timestamp, $method, $path_with_query, $body),
		];
	}

	/**
	 * Checks a signed request in constant time: '' when valid, else the error code
	 * (edgechat_not_connected, edgechat_unsigned, edgechat_stale_signature, edgechat_bad_signature).
	 */
	public static function verify(string $secret, ?string $timestamp, ?string $signature, string $method, string $path_with_query, string $body, ?int $now = null): string {
		if ($secret === '') {
			return 'edgechat_not_connected';
		}
		if ($timestamp === null || $signature === null || $signature === '' || !ctype_digit($timestamp)) {
			return 'edgechat_unsigned';
		}
		if (abs(($now ?? time()) - (int)$timestamp) > self::MAX_SKEW) {
			return 'edgechat_stale_signature';
		}
		if (!hash_equals(self::sign($secret, $timestamp, $method, $path_with_query, $body), strtolower($signature))) {
			return 'edgechat_bad_signature';
		}
		return '';
	}

	/** HMAC-SHA256 with the identity secret over the customer id and, when there is one, "\n" + email. */
	public static function identityHash(string $customer_id, string $email, string $secret): string {
		return hash_hmac('sha256', $email === '' ? $customer_id : $customer_id . "\n" . $email, $secret);
	}
}
