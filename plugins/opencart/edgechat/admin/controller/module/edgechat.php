<?php
/**
 * Edgechat's admin: the settings page (Connect; server URL, site key, both secrets, on/off,
 * pages to hide on) and install/uninstall (events, the order-event queue table, settings).
 */
namespace Opencart\Admin\Controller\Extension\Edgechat\Module;

use Opencart\Extension\Edgechat\System\Library\Signature;

class Edgechat extends \Opencart\System\Engine\Controller {
	private const ROUTE = 'extension/edgechat/module/edgechat';

	/** Storefront events: name => [trigger, catalog action]. */
	private const EVENTS = [
		'edgechat_loader'   => ['catalog/view/common/header/after', 'extension/edgechat/module/edgechat.loader'],
		'edgechat_customer' => ['catalog/controller/common/home/before', 'extension/edgechat/module/edgechat.route'],
		'edgechat_order'    => ['catalog/model/checkout/order.addHistory/after', 'extension/edgechat/module/edgechat.order'],
		'edgechat_button'   => ['catalog/view/product/product/after', 'extension/edgechat/module/edgechat.button'],
	];

	/** Seconds for the Connect call and the relink check, made when the owner clicks Connect. */
	private const CONNECT_TIMEOUT = 15;

	/** Site keys and secrets as the server issues them. */
	private const SITE_KEY_PATTERN = '/^[a-z0-9][a-z0-9-]{1,62}$/';
	private const SECRET_PATTERN = '~^[A-Za-z0-9_\-+/=.]{16,512}$~';

	/** The settings page. */
	public function index(): void {
		$this->load->language(self::ROUTE);
		$this->document->setTitle($this->language->get('heading_title'));
		$token = 'user_token=' . $this->session->data['user_token'];

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token)],
			['text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', $token . '&type=module')],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token)],
		];
		$data['save'] = $this->url->link(self::ROUTE . '.save', $token);
		$data['connect'] = $this->url->link(self::ROUTE . '.connect', $token);
		$data['store_url'] = $this->storeUrl();
		$data['owner_email'] = (string)$this->config->get('config_email');
		$server_url = (string)$this->config->get('module_edgechat_server_url');
		// The operator inbox of the connected site (the admin app of the Edgechat server).
		$data['inbox'] = $server_url !== '' && (string)$this->config->get('module_edgechat_site_key') !== '' ? $server_url . '/admin/' : '';
		$data['back'] = $this->url->link('marketplace/extension', $token . '&type=module');
		foreach (['server_url', 'site_key', 'hide_routes'] as $key) {
			$data['module_edgechat_' . $key] = (string)$this->config->get('module_edgechat_' . $key);
		}
		// Secrets are never sent back to the browser: an empty field keeps the stored one.
		$data['identity_secret_set'] = (string)$this->config->get('module_edgechat_identity_secret') !== '';
		$data['plugin_secret_set'] = (string)$this->config->get('module_edgechat_plugin_secret') !== '';
		$data['module_edgechat_status'] = (bool)$this->config->get('module_edgechat_status');

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');
		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	/** Validates and stores the form (AJAX, JSON answer with an error per field). */
	public function save(): void {
		$this->load->language(self::ROUTE);
		$json = [];
		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$json['error']['warning'] = $this->language->get('error_permission');
		}
		// OpenCart HTML-escapes every posted value; the settings are plain text.
		$post = fn(string $key): string => trim(html_entity_decode((string)($this->request->post['module_edgechat_' . $key] ?? ''), ENT_QUOTES, 'UTF-8'));
		$settings = [
			'module_edgechat_server_url'      => rtrim($post('server_url'), '/'),
			'module_edgechat_site_key'        => $post('site_key'),
			'module_edgechat_identity_secret' => $post('identity_secret') ?: (string)$this->config->get('module_edgechat_identity_secret'),
			'module_edgechat_plugin_secret'   => $post('plugin_secret') ?: (string)$this->config->get('module_edgechat_plugin_secret'),
			'module_edgechat_hide_routes'     => $post('hide_routes'),
			'module_edgechat_status'          => $post('status') === '1' ? 1 : 0,
		];
		if (!$json) {
			$json = $this->validate($settings);
		}
		if (!$json) {
			$this->load->model('setting/setting');
			$this->model_setting_setting->editSetting('module_edgechat', $settings);
			$json['success'] = $this->language->get('text_success');
		}
		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	/**
	 * Connect: creates the site on the Edgechat server (POST /api/v1/sites) and stores the keys
	 * it returns; a shop already connected to that server stays linked to its site when the
	 * server still takes its plugin secret. The admin token is used for this call only.
	 */
	public function connect(): void {
		$this->load->language(self::ROUTE);
		$post = fn(string $key): string => trim(html_entity_decode((string)($this->request->post[$key] ?? ''), ENT_QUOTES, 'UTF-8'));
		$server_url = rtrim($post('connect_server_url'), '/');
		$email = $post('owner_email');
		$signup_code = $post('signup_code');
		$admin_token = $post('admin_token');
		$json = [];
		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$json['error']['warning'] = $this->language->get('error_permission');
		} else {
			if (!$this->validServerUrl($server_url)) {
				$json['error']['connect_server_url'] = $this->language->get('error_server_url');
			}
			if (!filter_var($email, FILTER_VALIDATE_EMAIL)) {
				$json['error']['owner_email'] = $this->language->get('error_owner_email');
			}
			if (!preg_match('/^[A-Za-z0-9_\-]{0,128}$/', $signup_code)) {
				$json['error']['signup_code'] = $this->language->get('error_signup_code');
			}
			if (!preg_match('/^[\x21-\x7e]{0,512}$/', $admin_token)) {
				$json['error']['admin_token'] = $this->language->get('error_admin_token');
			}
			if ($json) {
				$json['error']['warning'] = $this->language->get('error_warning');
			}
		}
		if (!$json) {
			$json = $this->relink($server_url) ?? $this->createSite($server_url, $email, $signup_code, $admin_token);
		}
		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	/**
	 * The answer when this shop is already connected to $server_url, or null when there is no
	 * site to keep (Connect creates one).
	 *
	 * @return array<string,mixed>|null
	 */
	private function relink(string $server_url): ?array {
		$site_key = (string)$this->config->get('module_edgechat_site_key');
		$secret = (string)$this->config->get('module_edgechat_plugin_secret');
		if ((string)$this->config->get('module_edgechat_server_url') !== $server_url || $site_key === '' || $secret === '') {
			return null;
		}
		$url = $server_url . '/api/v1/sites/' . rawurlencode($site_key) . '/status';
		[$status, $data, $error] = $this->call('GET', $url, '', Signature::headers($secret, 'GET', $url, ''));
		if ($status === 0) {
			return ['error' => ['warning' => $this->escape(sprintf($this->language->get('error_relink_unreachable'), $error))]];
		}
		if ($status !== 200 || !is_string($data['status'] ?? null)) {
			// The site is gone or no longer takes this secret: Connect creates a new one.
			return null;
		}
		return ['success' => $this->escape(sprintf($this->language->get('text_relinked'), (string)($data['name'] ?? $site_key))) . ' ' . $this->inboxLink($server_url)];
	}

	/**
	 * POST /api/v1/sites and, when the answer holds the keys, the stored settings.
	 *
	 * @return array<string,mixed>
	 */
	private function createSite(string $server_url, string $email, string $signup_code, string $admin_token): array {
		$site = [
			'ownerEmail' => $email,
			'url'        => $this->storeUrl(),
			'name'       => html_entity_decode((string)$this->config->get('config_name'), ENT_QUOTES, 'UTF-8'),
		];
		if ($signup_code !== '') {
			$site['signupCode'] = $signup_code;
		}
		[$status, $data, $error] = $this->call('POST', $server_url . '/api/v1/sites', (string)json_encode($site), $admin_token !== '' ? ['Authorization' => 'Bearer ' . $admin_token] : []);
		if ($status === 0) {
			return ['error' => ['warning' => $this->escape(sprintf($this->language->get('error_unreachable'), $error))]];
		}
		if ($status !== 200 && $status !== 201) {
			// The server's own words say what to do (wrong token, signup code, rate limit...).
			$reason = is_string($data['error']['message'] ?? null) ? $data['error']['message'] . (is_string($data['error']['code'] ?? null) ? ' (' . $data['error']['code'] . ')' : '') : 'HTTP ' . $status;
			return ['error' => ['warning' => $this->escape(sprintf($this->language->get('error_refused'), $reason))]];
		}
		$valid = is_string($data['siteKey'] ?? null) && preg_match(self::SITE_KEY_PATTERN, $data['siteKey'])
			&& is_string($data['pluginSecret'] ?? null) && preg_match(self::SECRET_PATTERN, $data['pluginSecret'])
			&& is_string($data['identitySecret'] ?? null) && preg_match(self::SECRET_PATTERN, $data['identitySecret'])
			&& in_array($data['status'] ?? null, ['active', 'pending_confirmation'], true);
		if (!$valid) {
			return ['error' => ['warning' => $this->escape($this->language->get('error_bad_answer'))]];
		}
		$this->load->model('setting/setting');
		$this->model_setting_setting->editSetting('module_edgechat', [
			'module_edgechat_server_url'      => $server_url,
			'module_edgechat_site_key'        => $data['siteKey'],
			'module_edgechat_identity_secret' => $data['identitySecret'],
			'module_edgechat_plugin_secret'   => $data['pluginSecret'],
			'module_edgechat_hide_routes'     => (string)$this->config->get('module_edgechat_hide_routes'),
			'module_edgechat_status'          => 1,
		]);
		$text = $data['status'] === 'active' ? $this->language->get('text_connected') : sprintf($this->language->get('text_pending'), $email);
		return ['success' => $this->escape($text) . ' ' . $this->inboxLink($server_url)];
	}

	/**
	 * One JSON call to the Edgechat server: [HTTP status (0: no answer), decoded body, error].
	 *
	 * @param array<string,string> $headers Extra headers.
	 * @return array{0:int,1:array<string,mixed>,2:string}
	 */
	private function call(string $method, string $url, string $body, array $headers): array {
		$lines = ['Accept: application/json', 'Content-Type: application/json'];
		foreach ($headers as $name => $value) {
			$lines[] = $name . ': ' . $value;
		}
		$curl = curl_init($url);
		curl_setopt_array($curl, [
			CURLOPT_CUSTOMREQUEST  => $method,
			CURLOPT_HTTPHEADER     => $lines,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_FOLLOWLOCATION => false,
			CURLOPT_TIMEOUT        => self::CONNECT_TIMEOUT,
			CURLOPT_CONNECTTIMEOUT => 5,
		] + ($method === 'POST' ? [CURLOPT_POSTFIELDS => $body] : []));
		$answer = curl_exec($curl);
		$status = (int)curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
		$error = $answer === false ? curl_error($curl) : '';
		curl_close($curl);
		$data = is_string($answer) ? json_decode($answer, true) : null;
		return [$answer === false ? 0 : $status, is_array($data) ? $data : [], $error];
	}

	/** The storefront's address, which the server allows as the widget's origin. */
	private function storeUrl(): string {
		return rtrim(defined('HTTP_CATALOG') ? HTTP_CATALOG : (string)$this->config->get('config_url'), '/');
	}

	/** A link to the operator inbox, for the success message (OpenCart shows it as HTML). */
	private function inboxLink(string $server_url): string {
		return '<a href="' . $this->escape($server_url . '/admin/') . '" target="_blank" rel="noopener">' . $this->escape($this->language->get('text_open_inbox')) . '</a>';
	}

	/** Text for OpenCart's alerts, which insert messages as HTML. */
	private function escape(string $text): string {
		return htmlspecialchars($text, ENT_QUOTES, 'UTF-8');
	}

	/** An http(s) URL with a host and nothing that could break out of an attribute. */
	private function validServerUrl(string $url): bool {
		$parts = parse_url($url);
		return (bool)preg_match('~^https?://~i', $url) && $parts && !empty($parts['host']) && !isset($parts['query']) && !isset($parts['fragment']) && !isset($parts['user']) && !preg_match('~[\s<>"\']~', $url);
	}

	/**
	 * Field errors, in OpenCart's shape ({error: {field: message}}), or [] when valid.
	 *
	 * @param array<string,mixed> $s Settings to store.
	 * @return array<string,mixed>
	 */
	private function validate(array $s): array {
		$error = [];
		if (!$this->validServerUrl((string)$s['module_edgechat_server_url'])) {
			$error['server_url'] = $this->language->get('error_server_url');
		}
		if (!preg_match('/^[a-z0-9][a-z0-9-]{1,62}$/', (string)$s['module_edgechat_site_key'])) {
			$error['site_key'] = $this->language->get('error_site_key');
		}
		foreach (['identity_secret', 'plugin_secret'] as $key) {
			if (!preg_match(self::SECRET_PATTERN, (string)$s['module_edgechat_' . $key])) {
				$error[$key] = $this->language->get('error_secret');
			}
		}
		foreach (preg_split('/\R/', (string)$s['module_edgechat_hide_routes']) as $line) {
			if (trim($line) !== '' && !preg_match('~^[a-z0-9_/.|-]{1,128}$~i', trim($line))) {
				$error['hide_routes'] = $this->language->get('error_hide_routes');
			}
		}
		if ($error) {
			$error['warning'] = $this->language->get('error_warning');
		}
		return $error ? ['error' => $error] : [];
	}

	/** Extensions → Modules → Install: the storefront events and the order-event queue. */
	public function install(): void {
		if (!$this->user->hasPermission('modify', 'extension/module')) {
			return;
		}
		$this->load->model('setting/event');
		foreach (self::EVENTS as $code => [$trigger, $action]) {
			$this->model_setting_event->deleteEventByCode($code);
			$this->model_setting_event->addEvent(['code' => $code, 'description' => 'Edgechat', 'trigger' => $trigger, 'action' => $action, 'status' => 1, 'sort_order' => 0]);
		}
		$this->db->query("CREATE TABLE IF NOT EXISTS `" . DB_PREFIX . "edgechat_event` (
			`event_id` INT NOT NULL AUTO_INCREMENT,
			`order_id` INT NOT NULL,
			`body` TEXT NOT NULL,
			`attempts` INT NOT NULL DEFAULT 0,
			`next_at` INT NOT NULL,
			`last_error` VARCHAR(300) NOT NULL DEFAULT '',
			PRIMARY KEY (`event_id`), UNIQUE KEY `order_id` (`order_id`), KEY `next_at` (`next_at`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
		$this->load->model('setting/cron');
		$this->model_setting_cron->deleteCronByCode('edgechat');
		$this->model_setting_cron->addCron('edgechat', 'Edgechat: send queued order events', 'minute', 'extension/edgechat/module/edgechat.deliver', true);
	}

	/** Extensions → Modules → Uninstall: removes events, the cron entry, the queue and every setting. */
	public function uninstall(): void {
		if (!$this->user->hasPermission('modify', 'extension/module')) {
			return;
		}
		$this->load->model('setting/event');
		foreach (array_keys(self::EVENTS) as $code) {
			$this->model_setting_event->deleteEventByCode($code);
		}
		$this->load->model('setting/cron');
		$this->model_setting_cron->deleteCronByCode('edgechat');
		$this->db->query("DROP TABLE IF EXISTS `" . DB_PREFIX . "edgechat_event`");
		$this->load->model('setting/setting');
		$this->model_setting_setting->deleteSetting('module_edgechat');
	}
}
