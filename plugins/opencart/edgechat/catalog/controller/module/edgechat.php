<?php
/**
 * Edgechat on the storefront, through events the admin registers at install:
 * the loader and page settings in every page's header, the Worker's signed customer call
 * (`/?rest_route=/edgechat/v1/customer&user_id=N`, docs/plugins.md), order events into a queue,
 * and the queue's delivery (OpenCart's cron, and right after the response under PHP-FPM).
 */
namespace Opencart\Catalog\Controller\Extension\Edgechat\Module;

use Opencart\Extension\Edgechat\System\Library\Signature;

class Edgechat extends \Opencart\System\Engine\Controller {
	/** The widget's first-party cookie holding the visitor id. */
	private const VISITOR_COOKIE = 'edgechat_vid';

	/** Opens the chat from a [data-edgechat-open] button; waits up to 5 s for the async loader. */
	private const BUTTON_SCRIPT = '<script>document.addEventListener("click",function(e){var b=e.target.closest&&e.target.closest("[data-edgechat-open]");if(!b)return;e.preventDefault();var o={video:b.getAttribute("data-edgechat-open")==="video"};try{o.product=JSON.parse(b.getAttribute("data-edgechat-product")||"null")||undefined}catch(x){}(function t(n){var c=window.edgechat;if(c&&c.open)c.open(o);else if(n<50)setTimeout(function(){t(n+1)},100)})(0)});</script>';

	/** The customer route's query, as the Worker sends it. */
	private const CUSTOMER_ROUTE = '/edgechat/v1/customer';

	/**
	 * catalog/view/common/header/after: the page settings and the loader before </head>.
	 *
	 * @param string              $route  View route.
	 * @param array<string,mixed> $data   View data.
	 * @param string              $output The header's HTML.
	 */
	public function loader(string &$route, array &$data, string &$output): void {
		$settings = $this->settings();
		if (!$settings['status'] || !$this->configured($settings) || $this->hidden($settings)) {
			return;
		}
		$page = ['locale' => substr((string)$this->config->get('config_language'), 0, 2)];
		if ($this->customer->isLogged()) {
			$id = (string)$this->customer->getId();
			$email = (string)$this->customer->getEmail();
			$page['identity'] = [
				'id'    => $id,
				'email' => $email,
				'name'  => trim($this->customer->getFirstName() . ' ' . $this->customer->getLastName()),
				'hash'  => Signature::identityHash($id, $email, $settings['identity_secret']),
			];
		}
		$page['cart'] = $this->sessionCart();
		$json = json_encode($page, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE);
		$src = htmlspecialchars($settings['server_url'] . '/widget.js', ENT_QUOTES, 'UTF-8');
		$key = htmlspecialchars($settings['site_key'], ENT_QUOTES, 'UTF-8');
		$tags = '<script>window.edgechatSettings = ' . $json . ';</script>' . "\n"
			. '<script async src="' . $src . '" data-site="' . $key . '"></script>' . "\n";
		$at = stripos($output, '</head>');
		$output = $at === false ? $output . $tags : substr($output, 0, $at) . $tags . substr($output, $at);
	}

	/**
	 * catalog/view/product/product/after: a "Video consultation" button after the add-to-cart
	 * button, opening the chat with the product (name, price, link, image) in the draft.
	 *
	 * @param string              $route  View route.
	 * @param array<string,mixed> $data   The product page's view data.
	 * @param string              $output The product page's HTML.
	 */
	public function button(string &$route, array &$data, string &$output): void {
		$settings = $this->settings();
		if (!$settings['status'] || !$this->configured($settings) || $this->hidden($settings) || empty($data['product_id'])) {
			return;
		}
		$this->load->language('extension/edgechat/module/edgechat');
		$text = fn($value): string => html_entity_decode(strip_tags((string)$value), ENT_QUOTES, 'UTF-8');
		$product = [
			'id'    => (int)$data['product_id'],
			'name'  => $text($data['heading_title'] ?? ''),
			// The shown price (the special one when there is one), formatted in the shopper's currency.
			'price' => $text(!empty($data['special']) ? $data['special'] : ($data['price'] ?? '')),
			'url'   => html_entity_decode($this->url->link('product/product', 'product_id=' . (int)$data['product_id']), ENT_QUOTES, 'UTF-8'),
			'image' => !empty($data['popup']) ? $text($data['popup']) : null,
		];
		$attribute = htmlspecialchars((string)json_encode($product, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), ENT_QUOTES, 'UTF-8');
		$button = '<button type="button" class="btn btn-outline-primary btn-lg btn-block w-100 mt-2 edgechat-video" data-edgechat-open="video" data-edgechat-product="' . $attribute . '">'
			. htmlspecialchars($this->language->get('button_video'), ENT_QUOTES, 'UTF-8') . '</button>' . self::BUTTON_SCRIPT;
		// After OpenCart's own add-to-cart button (a theme without one gets no button).
		if (preg_match('~<button[^>]*id="button-cart"[^>]*>.*?</button>~s', $output, $match, PREG_OFFSET_CAPTURE)) {
			$at = $match[0][1] + strlen($match[0][0]);
			$output = substr($output, 0, $at) . $button . substr($output, $at);
		}
	}

	/**
	 * catalog/controller/common/home/before: the front page with ?rest_route=/edgechat/v1/customer
	 * is the Worker's customer call.
	 *
	 * @param string       $route Controller route.
	 * @param array<mixed> $args  Arguments.
	 */
	public function route(string &$route, array &$args): void {
		if (($_GET['rest_route'] ?? '') === self::CUSTOMER_ROUTE) {
			$route = 'extension/edgechat/module/edgechat.customer';
		}
	}

	/** GET /?rest_route=/edgechat/v1/customer&user_id=N, signed: {cart, orders} as JSON. */
	public function customer(): void {
		$settings = $this->settings();
		$error = Signature::verify(
			$settings['plugin_secret'],
			$_SERVER['HTTP_X_EDGECHAT_TIMESTAMP'] ?? null,
			$_SERVER['HTTP_X_EDGECHAT_SIGNATURE'] ?? null,
			(string)($_SERVER['REQUEST_METHOD'] ?? 'GET'),
			(string)($_SERVER['REQUEST_URI'] ?? ''),
			(string)file_get_contents('php://input')
		);
		$user_id = (string)($_GET['user_id'] ?? '');
		$this->load->model('extension/edgechat/module/edgechat');
		if ($error !== '') {
			$this->answer(401, ['code' => $error, 'message' => 'The request is not signed with this shop\'s Edgechat plugin secret (' . $error . ').']);
		} elseif (!ctype_digit($user_id) || !$this->model_extension_edgechat_module_edgechat->customerExists((int)$user_id)) {
			$this->answer(404, ['code' => 'edgechat_unknown_user', 'message' => 'No such customer.']);
		} else {
			$language_id = (int)$this->config->get('config_language_id');
			$this->answer(200, [
				'cart'   => $this->model_extension_edgechat_module_edgechat->savedCart((int)$user_id, $language_id, (string)$this->config->get('config_currency')),
				'orders' => $this->model_extension_edgechat_module_edgechat->recentOrders((int)$user_id),
			]);
		}
	}

	/**
	 * catalog/model/checkout/order.addHistory/after: a confirmed order (status > 0) is queued
	 * once; nothing is sent during the checkout.
	 *
	 * @param string       $route  Model route.
	 * @param array<mixed> $args   [order_id, order_status_id, ...].
	 * @param mixed        $output Result.
	 */
	public function order(string &$route, array &$args, &$output): void {
		$settings = $this->settings();
		if (!$this->configured($settings) || empty($args[0]) || empty($args[1])) {
			return;
		}
		$this->load->model('checkout/order');
		$order = $this->model_checkout_order->getOrder((int)$args[0]);
		if (!$order) {
			return;
		}
		$visitor = (string)($_COOKIE[self::VISITOR_COOKIE] ?? '');
		$this->load->model('extension/edgechat/module/edgechat');
		$this->model_extension_edgechat_module_edgechat->enqueue((int)$order['order_id'], [
			'type'      => 'order_placed',
			'visitorId' => preg_match('/^[A-Za-z0-9_-]{1,128}$/', $visitor) ? $visitor : null,
			'userId'    => (int)$order['customer_id'] > 0 ? (string)$order['customer_id'] : null,
			'orderId'   => (string)$order['order_id'],
			'total'     => round((float)$order['total'] * (float)$order['currency_value'], 2),
			'currency'  => (string)$order['currency_code'],
			'at'        => gmdate('Y-m-d\TH:i:s\Z'),
		]);
		if (function_exists('fastcgi_finish_request')) {
			// Under PHP-FPM the shopper has the page before this runs.
			register_shutdown_function(function (): void {
				fastcgi_finish_request();
				$this->deliver();
			});
		}
	}

	/** OpenCart's cron (and the FPM shutdown above): sends the events that are due. */
	public function deliver(): void {
		if (str_starts_with(str_replace('|', '.', (string)($this->request->get['route'] ?? '')), 'extension/edgechat/')) {
			// Not a page: only the cron and the order event start a delivery.
			http_response_code(404);
			return;
		}
		$settings = $this->settings();
		if ($this->configured($settings)) {
			$this->load->model('extension/edgechat/module/edgechat');
			$this->model_extension_edgechat_module_edgechat->deliverDue($settings);
		}
	}

	/** @return array{server_url:string,site_key:string,identity_secret:string,plugin_secret:string,hide_routes:string,status:bool} */
	private function settings(): array {
		$get = fn(string $key): string => (string)$this->config->get('module_edgechat_' . $key);
		return [
			'server_url'      => $get('server_url'),
			'site_key'        => $get('site_key'),
			'identity_secret' => $get('identity_secret'),
			'plugin_secret'   => $get('plugin_secret'),
			'hide_routes'     => $get('hide_routes'),
			'status'          => (bool)$this->config->get('module_edgechat_status'),
		];
	}

	/** @param array<string,mixed> $s Settings. */
	private function configured(array $s): bool {
		return $s['server_url'] !== '' && $s['site_key'] !== '' && $s['plugin_secret'] !== '' && $s['identity_secret'] !== '';
	}

	/** @param array<string,mixed> $s Settings. */
	private function hidden(array $s): bool {
		$route = (string)($this->request->get['route'] ?? 'common/home');
		foreach (preg_split('/\R/', $s['hide_routes']) as $line) {
			if (trim($line) !== '' && strtolower(trim($line)) === strtolower(str_replace('|', '.', $route))) {
				return true;
			}
		}
		return false;
	}

	/** @return array{items:array<int,array<string,mixed>>,total:float,currency:string} The session's cart in the shopper's currency. */
	private function sessionCart(): array {
		$currency = (string)($this->session->data['currency'] ?? $this->config->get('config_currency'));
		$from = (string)$this->config->get('config_currency');
		$items = [];
		foreach (array_slice($this->cart->getProducts(), 0, 100) as $product) {
			$items[] = [
				'id'    => (int)$product['product_id'],
				'name'  => mb_substr(html_entity_decode((string)$product['name'], ENT_QUOTES, 'UTF-8'), 0, 300),
				'qty'   => (int)$product['quantity'],
				'price' => round($this->currency->convert((float)$product['price'], $from, $currency), 2),
				'url'   => html_entity_decode($this->url->link('product/product', 'product_id=' . (int)$product['product_id']), ENT_QUOTES, 'UTF-8'),
			];
		}
		return ['items' => $items, 'total' => round($this->currency->convert((float)$this->cart->getTotal(), $from, $currency), 2), 'currency' => $currency];
	}

	/**
	 * A JSON answer with a status, never cached.
	 *
	 * @param array<string,mixed> $body Body.
	 */
	private function answer(int $status, array $body): void {
		http_response_code($status);
		$this->response->addHeader('Content-Type: application/json; charset=utf-8');
		$this->response->addHeader('Cache-Control: no-store');
		$this->response->setOutput((string)json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES));
	}
}
