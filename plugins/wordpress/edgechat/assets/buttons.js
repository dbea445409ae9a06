/* Edgechat buttons: a click on [data-edgechat-open] opens the widget (printed inline once). */
(function () {
	function open(options, tries) {
		var chat = window.edgechat;
		if (chat && typeof chat.open === 'function') {
			chat.open(options);
		} else if (tries < 50) {
			// The loader is async: wait for it up to 5 s after a very early click.
			setTimeout(function () { open(options, tries + 1); }, 100);
		}
	}
	document.addEventListener('click', function (event) {
		var button = event.target && event.target.closest ? event.target.closest('[data-edgechat-open]') : null;
		if (!button) {
			return;
		}
		event.preventDefault();
		var options = {};
		if (button.getAttribute('data-edgechat-open') === 'video') {
			options.video = true;
		}
		var product = button.getAttribute('data-edgechat-product');
		if (product) {
			try {
				options.product = JSON.parse(product);
			} catch (error) {
				// A malformed attribute only loses the product, never the click.
			}
		}
		open(options, 0);
	});
})();
