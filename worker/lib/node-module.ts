/**
 * Stands in for Node's `module` in the Worker bundle (wrangler.toml `[alias]`).
 *
 * email-reply-parser calls `createRequire(import.meta.url)` when it loads, to try the
 * optional native `re2`. In a deployed Worker `import.meta.url` is undefined and workerd's
 * `createRequire` throws, which would stop the whole Worker from starting. Nothing can be
 * required from disk in a Worker anyway, so this `require` always throws, and the library
 * falls back to JavaScript regular expressions, as it does wherever re2 is missing.
 */

/** A `require` that finds nothing, as there is nothing on disk to find. */
export function createRequire(_from?: string | URL): (id: string) => never {
  return (id: string) => {
    throw new Error(`require("${id}") is not available in a Worker`);
  };
}
