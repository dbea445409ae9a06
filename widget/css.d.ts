/** widget/build.mjs bundles `.css` imports as their minified text. */
declare module "*.css" {
  const text: string;
  export default text;
}
