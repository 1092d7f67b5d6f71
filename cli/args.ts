// Command-line manners shared by every entry point: the options are declared once, as data; the
// same declaration feeds node:util parseArgs (strict: unknown options and stray arguments are
// refused) and the --help text, so the help cannot forget an option. A bad command line becomes
// one line naming the option plus "see --help", exit 2; --help / -h prints the text, exit 0.
import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Repeatable (--fault a --fault b). */
  multiple?: boolean;
  /** The value's placeholder in the help, e.g. '<n>' (string options). */
  arg?: string;
  /** What it does, with its default in words; '\n' starts an indented continuation line. */
  help: string;
}

export interface CommandSpec {
  /** Prefix of the error lines, e.g. 'sim' -> "sim: unknown option --x (see --help)". */
  name: string;
  /** Synopsis after "usage: "; more lines allowed (each is printed indented). */
  usage: string;
  /** What the command does, pre-wrapped. */
  about: string;
  options: Record<string, OptionSpec>;
  /** Whether positional arguments are accepted (the usage says which). */
  positionals?: boolean;
  /** Environment variables that matter: [name, what it does]. */
  env?: ReadonlyArray<readonly [string, string]>;
  examples: readonly string[];
  /** Exit statuses in words, e.g. '0 pass, 1 a rule failed, 2 bad usage'. */
  exit?: string;
}

/** A bad command line: the message names the option; entry points print it and exit 2. */
export class UsageError extends Error {}

const HELP: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help and exit' };

export class Parsed {
  constructor(
    private readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>,
    private readonly counts: Map<string, number>,
    readonly positionals: string[],
  ) {}

  get help(): boolean {
    return this.values['help'] === true;
  }

  /** A single-valued string option; given twice is an error (which one was meant?). */
  string(name: string): string | undefined {
    if ((this.counts.get(name) ?? 0) > 1) throw new UsageError(`--${name} given more than once`);
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** A repeatable string option, in the order given. */
  list(name: string): string[] {
    const v = this.values[name];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }
}

/** parseArgs' messages, made short and about the option ("--port needs a value"). */
function explain(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const msg = String(e.message ?? err);
  // "Option '-p, --port <value>' argument missing": the long name; "Unknown option '-x'": as given.
  const opt = /--[A-Za-z0-9][\w-]*/.exec(msg)?.[0] ?? /'(-[^']*)'/.exec(msg)?.[1] ?? '?';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${/'([^']*)'/.exec(msg)?.[1] ?? opt}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${/'([^']*)'/.exec(msg)?.[1] ?? ''}' (this command takes options only)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(msg)) return `${opt} takes no value`;
      if (/ambiguous/.test(msg)) return `${opt} needs a value (for a value that starts with '-', write ${opt}=<value>)`;
      return `${opt} needs a value`;
    default:
      return msg.split('\n')[0] ?? msg;
  }
}

/** Parses argv against the spec (plus --help/-h); throws UsageError on anything it does not declare. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries({ ...spec.options, help: HELP })) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let result;
  try {
    result = parseArgs({ args: [...argv], options, strict: true, allowPositionals: spec.positionals ?? false, tokens: true });
  } catch (err) {
    throw new UsageError(explain(err));
  }
  const counts = new Map<string, number>();
  for (const t of result.tokens ?? []) if (t.kind === 'option') counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  return new Parsed(result.values as Record<string, string | boolean | (string | boolean)[] | undefined>, counts, result.positionals);
}

/** The --help text: usage, what it does, options, environment, examples, exit statuses. */
export function renderHelp(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.arg ?? '<value>'}` : ''}`;
    return [flag, o.help] as const;
  });
  const table = (pairs: ReadonlyArray<readonly [string, string]>): string[] => {
    const width = Math.min(30, Math.max(...pairs.map(([l]) => l.length)));
    return pairs.flatMap(([left, text]) => {
      const [first, ...more] = text.split('\n');
      const head = left.length > width ? [`  ${left}`, `  ${''.padEnd(width)}  ${first}`] : [`  ${left.padEnd(width)}  ${first}`];
      return [...head, ...more.map((m) => `  ${''.padEnd(width)}  ${m}`)];
    });
  };
  const [synopsis, ...moreUsage] = spec.usage.split('\n');
  const out = [`usage: ${synopsis}`, ...moreUsage.map((l) => `       ${l}`), '', spec.about, '', 'options:', ...table(rows)];
  if (spec.env?.length) out.push('', 'environment:', ...table(spec.env));
  out.push('', spec.examples.length > 1 ? 'examples:' : 'example:', ...spec.examples.map((e) => `  ${e}`));
  if (spec.exit) out.push('', `exit status: ${spec.exit}`);
  return `${out.join('\n')}\n`;
}

/** The one line a bad command line gets. */
export function usageLine(spec: CommandSpec, message: string): string {
  return `${spec.name}: ${message} (see --help)\n`;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): never;
}

const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  exit: (code) => process.exit(code),
};

/**
 * For entry points: parses and interprets the command line; --help prints the help and exits 0,
 * a UsageError (from parsing or from `interpret`'s checks of the values) exits 2 with one line.
 */
export function parseOrExit<T>(spec: CommandSpec, argv: readonly string[], interpret: (p: Parsed) => T, io: CliIo = processIo): T {
  try {
    const parsed = parseCommand(spec, argv);
    if (parsed.help) {
      io.out(renderHelp(spec));
      return io.exit(0);
    }
    return interpret(parsed);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(usageLine(spec, err.message));
    return io.exit(2);
  }
}
