/* Editor side of the "Video consultation" block: plain ES5 over the wp globals, no build step. */
(function (wp) {
	var el = wp.element.createElement;
	var __ = wp.i18n.__;
	var InspectorControls = wp.blockEditor.InspectorControls;
	var useBlockProps = wp.blockEditor.useBlockProps;
	var PanelBody = wp.components.PanelBody;
	var TextControl = wp.components.TextControl;

	wp.blocks.registerBlockType('edgechat/video-consultation', {
		edit: function (props) {
			var attributes = props.attributes;
			return el(
				'div',
				useBlockProps(),
				el(
					InspectorControls,
					null,
					el(
						PanelBody,
						{ title: __('Button', 'edgechat') },
						el(TextControl, {
							label: __('Label', 'edgechat'),
							placeholder: __('Video consultation', 'edgechat'),
							value: attributes.label,
							onChange: function (value) { props.setAttributes({ label: value }); }
						}),
						el(TextControl, {
							label: __('Product ID', 'edgechat'),
							help: __('Empty: the product of the page, if any.', 'edgechat'),
							type: 'number',
							value: attributes.productId || '',
							onChange: function (value) { props.setAttributes({ productId: parseInt(value, 10) || 0 }); }
						})
					)
				),
				el('button', { type: 'button', className: 'button wp-element-button', disabled: true }, attributes.label || __('Video consultation', 'edgechat'))
			);
		},
		save: function () {
			return null;
		}
	});
})(window.wp);
