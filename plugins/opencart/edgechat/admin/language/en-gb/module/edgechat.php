<?php
// Heading
$_['heading_title']        = 'Edgechat';

// Text
$_['text_extension']       = 'Extensions';
$_['text_edit']            = 'Edgechat settings';
$_['text_success']         = 'Settings saved: the chat shows on the storefront when it is on.';
$_['text_intro']           = 'Create the site in your Edgechat server\'s admin (or with its API), then paste its address, the site key and both secrets here. The secrets stay on this server: customers never see them.';
$_['text_secret_set']      = 'Set. Leave empty to keep it; paste a new one after a rotation.';

// Entry
$_['entry_server_url']     = 'Edgechat server URL';
$_['entry_site_key']       = 'Site key';
$_['entry_identity_secret'] = 'Identity secret';
$_['entry_plugin_secret']  = 'Plugin secret';
$_['entry_hide_routes']    = 'Hide on pages (routes, one per line)';
$_['entry_status']         = 'Chat on the storefront';

// Help
$_['help_hide_routes']     = 'OpenCart routes such as checkout/checkout or account/login.';

// Error
$_['error_permission']     = 'You do not have permission to change the Edgechat settings.';
$_['error_warning']        = 'Check the form: some fields are not valid.';
$_['error_server_url']     = 'Enter the address of your Edgechat server, such as https://chat.example.com (http or https, no query).';
$_['error_site_key']       = 'The site key is 2-63 lowercase letters, digits and dashes, as the server shows it.';
$_['error_secret']         = 'Paste the secret exactly as the server showed it (16-512 letters, digits or + / = . _ -).';
$_['error_hide_routes']    = 'A route is made of letters, digits and / . _ | - only.';
