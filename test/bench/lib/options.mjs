/** The command-line options of the benchmark scripts: `--name value` and `--flag`. */
const argv = process.argv.slice(2);

/** True when `--name` was given. */
export const flag = (name) => argv.includes(`--${name}`);

/** The value after `--name`, or `fallback`. */
export function option(name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}

/** The number after `--name`, or `fallback`. */
export function numberOption(name, fallback) {
  const value = option(name, undefined);
  return value === undefined ? fallback : Number(value);
}
