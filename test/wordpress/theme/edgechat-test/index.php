<?php
/**
 * The only template: enough for wp_head/wp_footer, posts, pages and shortcodes.
 */
?><!doctype html>
<html <?php language_attributes(); ?>>
<head>
<meta charset="<?php bloginfo( 'charset' ); ?>">
<meta name="viewport" content="width=device-width, initial-scale=1">
<?php wp_head(); ?>
</head>
<body <?php body_class(); ?>>
<?php wp_body_open(); ?>
<header><a href="<?php echo esc_url( home_url( '/' ) ); ?>"><?php bloginfo( 'name' ); ?></a></header>
<main>
<?php
while ( have_posts() ) {
	the_post();
	echo '<article id="post-' . esc_attr( (string) get_the_ID() ) . '">';
	the_title( '<h1>', '</h1>' );
	the_content();
	echo '</article>';
}
?>
</main>
<?php wp_footer(); ?>
</body>
</html>
