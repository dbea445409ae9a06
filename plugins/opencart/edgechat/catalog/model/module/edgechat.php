<?php
/**
 * Edgechat's storefront data: a customer's saved cart and recent orders for the Worker's
 * customer call, and the order-event queue (table `edgechat_event`, created at install).
 */
namespace Opencart\Catalog\Model\Extension\Edgechat\Module;

use Opencart\Extension\Edgechat\System\Library\Signature;

class Edgechat extends \Opencart\System\Engine\Model {
	/** Recent orders shown in the operator's visitor card. */
	private const RECENT_ORDERS = 5;

	/** Attempts in all; after a failure the next waits 1, 2, 4, 8, 16 minutes. */
	private const MAX_ATTEMPTS = 6;

	/** Seconds for one delivery (never during a shopper's request). */
	private const TIMEOUT = 10;

	/** Events sent per run, so a long outage's backlog cannot hold one run for long. */
	private const BATCH = 20;

	/** Whether a customer account exists. */
	public function customerExists(int $customer_id): bool {
		return (bool)$this->db->query("SELECT 1 FROM `" . DB_PREFIX . "customer` WHERE `customer_id` = '" . $customer_id . "'")->num_rows;
	}

	/**
	 * The customer's saved cart (OpenCart keeps a logged-in customer's cart in `cart`).
	 *
	 * @return array{items:array<int,array<string,mixed>>,total:float,currency:string}
	 */
	public function savedCart(int $customer_id, int $language_id, string $currency): array {
		$rows = $this->db->query("SELECT c.`product_id`, c.`quantity`, p.`price`, pd.`name` FROM `" . DB_PREFIX . "cart` c
			JOIN `" . DB_PREFIX . "product` p ON p.`product_id` = c.`product_id`
			LEFT JOIN `" . DB_PREFIX . "product_description` pd ON pd.`product_id` = c.`product_id` AND pd.`language_id` = '" . $language_id . "'
			WHERE c.`customer_id` = '" . $customer_id . "' ORDER BY c.`cart_id` LIMIT 100")->rows;
		$items = [];
		$total = 0.0;
		foreach ($rows as $row) {
			$items[] = [
				'id'    => (int)$row['product_id'],
				'name'  => mb_substr(html_entity_decode((string)$row['name'], ENT_QUOTES, 'UTF-8'), 0, 300),
				'qty'   => (int)$row['quantity'],
				'price' => (float)$row['price'],
				'url'   => html_entity_decode($this->url->link('product/product', 'product_id=' . (int)$row['product_id']), ENT_QUOTES, 'UTF-8'),
			];
			$total += (float)$row['price'] * (int)$row['quantity'];
		}
		return ['items' => $items, 'total' => round($total, 2), 'currency' => $currency];
	}

	/**
	 * The customer's recent confirmed orders: [{id, number, status, total, currency, date, items}].
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public function recentOrders(int $customer_id): array {
		$orders = $this->db->query("SELECT o.`order_id`, o.`total`, o.`currency_code`, o.`currency_value`, o.`date_added`, os.`name` AS status
			FROM `" . DB_PREFIX . "order` o
			LEFT JOIN `" . DB_PREFIX . "order_status` os ON os.`order_status_id` = o.`order_status_id` AND os.`language_id` = o.`language_id`
			WHERE o.`customer_id` = '" . $customer_id . "' AND o.`order_status_id` > '0'
			ORDER BY o.`date_added` DESC, o.`order_id` DESC LIMIT " . self::RECENT_ORDERS)->rows;
		$result = [];
		foreach ($orders as $order) {
			$items = [];
			foreach ($this->db->query("SELECT `product_id`, `name`, `quantity`, `total` FROM `" . DB_PREFIX . "order_product` WHERE `order_id` = '" . (int)$order['order_id'] . "'")->rows as $line) {
				$items[] = ['id' => (int)$line['product_id'], 'name' => html_entity_decode((string)$line['name'], ENT_QUOTES, 'UTF-8'), 'qty' => (int)$line['quantity'], 'total' => round((float)$line['total'] * (float)$order['currency_value'], 2)];
			}
			$result[] = [
				'id'       => (int)$order['order_id'],
				'number'   => (string)$order['order_id'],
				'status'   => html_entity_decode((string)$order['status'], ENT_QUOTES, 'UTF-8'),
				'total'    => round((float)$order['total'] * (float)$order['currency_value'], 2),
				'currency' => (string)$order['currency_code'],
				'date'     => gmdate('Y-m-d\TH:i:s\Z', (int)strtotime((string)$order['date_added'])),
				'items'    => $items,
			];
		}
		return $result;
	}

	/**
	 * Queues an order's event once (a second status change of the same order adds nothing).
	 *
	 * @param array<string,mixed> $event The order_placed event.
	 */
	public function enqueue(int $order_id, array $event): void {
		$this->db->query("INSERT IGNORE INTO `" . DB_PREFIX . "edgechat_event` SET `order_id` = '" . $order_id . "', `body` = '" . $this->db->escape((string)json_encode($event)) . "', `next_at` = '" . time() . "'");
	}

	/**
	 * Sends the due events, each signed anew; a failure worth retrying is tried again later,
	 * a delivered or refused one leaves the queue.
	 *
	 * @param array<string,mixed> $settings server_url, site_key, plugin_secret.
	 */
	public function deliverDue(array $settings): void {
		$due = $this->db->query("SELECT * FROM `" . DB_PREFIX . "edgechat_event` WHERE `next_at` <= '" . time() . "' AND `attempts` < '" . self::MAX_ATTEMPTS . "' ORDER BY `next_at` LIMIT " . self::BATCH)->rows;
		$url = $settings['server_url'] . '/api/v1/sites/' . rawurlencode($settings['site_key']) . '/events';
		foreach ($due as $row) {
			[$status, $error] = $this->post($url, (string)$row['body'], $settings['plugin_secret']);
			$id = (int)$row['event_id'];
			$retry = $status === 0 || $status === 401 || $status === 429 || $status >= 500;
			if ($status === 200 || $status === 202 || !$retry) {
				$this->db->query("DELETE FROM `" . DB_PREFIX . "edgechat_event` WHERE `event_id` = '" . $id . "'");
				continue;
			}
			$attempts = (int)$row['attempts'] + 1;
			$this->db->query("UPDATE `" . DB_PREFIX . "edgechat_event` SET `attempts` = '" . $attempts . "', `next_at` = '" . (time() + 60 * (2 ** ($attempts - 1))) . "', `last_error` = '" . $this->db->escape(mb_substr($error, 0, 300)) . "' WHERE `event_id` = '" . $id . "'");
		}
	}

	/**
	 * One signed POST: [HTTP status (0: no answer), what went wrong].
	 *
	 * @return array{0:int,1:string}
	 */
	private function post(string $url, string $body, string $secret): array {
		$headers = ['Content-Type: application/json', 'Accept: application/json'];
		foreach (Signature::headers($secret, 'POST', $url, $body) as $name => $value) {
			$headers[] = $name . ': ' . $value;
		}
		$curl = curl_init($url);
		curl_setopt_array($curl, [
			CURLOPT_POST           => true,
			CURLOPT_POSTFIELDS     => $body,
			CURLOPT_HTTPHEADER     => $headers,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_FOLLOWLOCATION => false,
			CURLOPT_TIMEOUT        => self::TIMEOUT,
			CURLOPT_CONNECTTIMEOUT => 5,
		]);
		$answer = curl_exec($curl);
		$status = (int)curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
		$error = $answer === false ? curl_error($curl) : 'HTTP ' . $status . ': ' . mb_substr((string)$answer, 0, 200);
		curl_close($curl);
		return [$answer === false ? 0 : $status, $error];
	}
}
