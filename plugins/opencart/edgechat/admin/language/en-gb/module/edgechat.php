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

// Connect
$_['text_connect']          = 'Connect';
$_['text_connect_intro']    = 'Creates (or, when this shop is already connected to that server, keeps) the site %s on your Edgechat server and stores the keys it returns. Or enter the keys by hand below.';
$_['text_manual']           = 'Settings';
$_['text_connected']        = 'Connected: the chat is live on your storefront.';
$_['text_pending']          = 'Almost there: Edgechat sent an email to %s. The chat goes live once it is confirmed.';
$_['text_relinked']         = 'Already connected: this shop stays linked to its Edgechat site "%s", with its conversations and order reports.';
$_['text_open_inbox']       = 'Open the operator inbox';
$_['entry_owner_email']     = 'Owner\'s email';
$_['entry_signup_code']     = 'Signup code (if your server asks for one)';
$_['entry_admin_token']     = 'Admin token (self-hosted server; used once, never stored)';
$_['button_connect']        = 'Connect';
$_['error_owner_email']     = 'Enter the email address of the shop owner: Edgechat sends the admin login there.';
$_['error_signup_code']     = 'The signup code may only contain letters, digits, - and _.';
$_['error_admin_token']     = 'The admin token cannot contain spaces or non-ASCII characters.';
$_['error_unreachable']     = 'Could not reach the Edgechat server: %s';
$_['error_relink_unreachable'] = 'This shop is already connected, and the server could not be asked whether the link still holds, so nothing was changed. %s';
$_['error_refused']         = 'The Edgechat server refused: %s';
$_['error_bad_answer']      = 'The server answered without the keys this module needs. Is the server URL the address of an Edgechat server?';
