<?php
/**
 * Edgechat's admin: the settings page (server URL, site key, both secrets, on/off, pages to
 * hide on) and install/uninstall (events, the order-event queue table, settings).
 */
namespace Opencart\Admin\Controller\Extension\Edgechat\Module;

class Edgechat extends \Opencart\System\Engine\Controller {
	private const ROUTE = 'extension/edgechat/module/edgechat';

	/** Storefront events: name => [trigger, catalog action]. */
	private const EVENTS = [
		'edgechat_loader'   => ['catalog/view/common/header/after', 'extension/edgechat/module/edgechat.loader'],
		'edgechat_customer' => ['catalog/controller/common/home/before', 'extension/edgechat/module/edgechat.route'],
		'edgechat_order'    => ['catalog/model/checkout/order.addHistory/after', 'extension/edgechat/module/edgechat.order'],
	];

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
	 * Field errors, in OpenCart's shape ({error: {field: message}}), or [] when valid.
	 *
	 * @param array<string,mixed> $s Settings to store.
	 * @return array<string,mixed>
	 */
	private function validate(array $s): array {
		$error = [];
		$url = (string)$s['module_edgechat_server_url'];
		$parts = parse_url($url);
		if (!preg_match('~^https?://~i', $url) || !$parts || empty($parts['host']) || isset($parts['query']) || isset($parts['fragment']) || isset($parts['user']) || preg_match('~[\s<>"\']~', $url)) {
			$error['server_url'] = $this->language->get('error_server_url');
		}
		if (!preg_match('/^[a-z0-9][a-z0-9-]{1,62}$/', (string)$s['module_edgechat_site_key'])) {
			$error['site_key'] = $this->language->get('error_site_key');
		}
		foreach (['identity_secret', 'plugin_secret'] as $key) {
			if (!preg_match('~^[A-Za-z0-9_\-+/=.]{16,512}$~', (string)$s['module_edgechat_' . $key])) {
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
