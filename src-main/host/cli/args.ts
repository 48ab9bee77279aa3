// A small argument parser: positionals, --flag, --key value and --key=value. Unknown options are errors
// (exit 2), so a typo never silently changes what a command does.
import { InputError } from '../../core/errors';

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
}

export interface OptionSpec {
  /** Options that take a value. */
  values: string[];
  /** Options that are on/off. */
  flags: string[];
}

export function parseArgs(argv: string[], spec: OptionSpec): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (spec.flags.includes(name)) {
      if (eq > 0) throw new InputError(undefined, `--${name} takes no value`);
      options.set(name, true);
    } else if (spec.values.includes(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new InputError(undefined, `--${name} needs a value`);
      options.set(name, value);
    } else {
      throw new InputError(undefined, `unknown option --${name}`);
    }
  }
  return { positionals, options };
}

export function optionString(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function requireOption(args: ParsedArgs, name: string, command: string): string {
  const v = optionString(args, name);
  if (v === undefined) throw new InputError(undefined, `${command} needs --${name} <value>`);
  return v;
}

export function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw new InputError(undefined, `${what} must be a positive integer (got '${text}')`);
  }
  return Number(text);
}
