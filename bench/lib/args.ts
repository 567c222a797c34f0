// A benchmark script's command line: flags, whole-number and string options, and a one-line
// failure that names the script.

export interface Args {
  flag(name: string): boolean;
  /** `name N`: a whole number ≥ 0, or `fallback` where absent. */
  option(name: string, fallback: number): number;
  string(name: string): string | undefined;
  /** Prints `<script>: message` and exits 1. */
  fail(message: string): never;
}

export function commandLine(script: string, args: readonly string[] = process.argv.slice(2)): Args {
  const fail = (message: string): never => {
    process.stderr.write(`${script}: ${message}\n`);
    process.exit(1);
  };
  return {
    flag: (name) => args.includes(name),
    option(name, fallback) {
      const i = args.indexOf(name);
      if (i < 0) return fallback;
      const n = Number(args[i + 1]);
      if (!Number.isInteger(n) || n < 0) fail(`${name} needs a whole number`);
      return n;
    },
    string(name) {
      const i = args.indexOf(name);
      return i < 0 ? undefined : args[i + 1];
    },
    fail,
  };
}
