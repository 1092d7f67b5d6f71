// cli/args.ts: the options declared once feed both parseArgs (strict) and --help; every
// kind of bad command line becomes one short message naming the option.
import { describe, expect, it } from 'vitest';
import { parseCommand, parseOrExit, renderHelp, usageLine, UsageError, type CliIo, type CommandSpec } from '../../cli/args';

const SPEC: CommandSpec = {
  name: 'demo',
  usage: 'npm run demo -- [--port <n>] [--tag <t> ...] [--check]',
  about: 'A command for the tests.',
  options: {
    port: { type: 'string', short: 'p', arg: '<n>', help: 'TCP port (default 0)\nsecond line' },
    tag: { type: 'string', multiple: true, arg: '<t>', help: 'a tag (repeatable)' },
    check: { type: 'boolean', help: 'exit 1 when below target' },
  },
  env: [['DEMO_HOME', 'where demo lives']],
  examples: ['npm run demo -- --port 4010'],
  exit: '0 ok, 2 bad usage',
};

describe('parseCommand', () => {
  it('reads string, repeatable, boolean and short options, in both --flag value and --flag=value forms', () => {
    const p = parseCommand(SPEC, ['--port=8080', '--tag', 'a', '--tag=b', '--check']);
    expect([p.string('port'), p.list('tag'), p.flag('check'), p.help]).toEqual(['8080', ['a', 'b'], true, false]);
    expect(parseCommand(SPEC, ['-p', '1']).string('port')).toBe('1');
    expect(parseCommand(SPEC, ['-h']).help).toBe(true);
    expect(parseCommand(SPEC, []).list('tag')).toEqual([]);
  });

  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x'], 'unknown option -x'],
    [['--port'], '--port needs a value'],
    [['-p'], '--port needs a value'],
    [['--port', '--check'], "--port needs a value (for a value that starts with '-', write --port=<value>)"],
    [['--check=yes'], '--check takes no value'],
    [['stray'], "unexpected argument 'stray' (this command takes options only)"],
  ])('%j: %s', (argv, message) => {
    expect(() => parseCommand(SPEC, argv)).toThrow(new UsageError(message));
  });

  it('a single-valued option given twice is refused when read', () => {
    expect(() => parseCommand(SPEC, ['--port', '1', '--port', '2']).string('port')).toThrow(new UsageError('--port given more than once'));
  });

  it('accepts positionals only where the spec says so', () => {
    expect(parseCommand({ ...SPEC, positionals: true }, ['a.json', '--check', 'b.json']).positionals).toEqual(['a.json', 'b.json']);
  });
});

describe('renderHelp', () => {
  const help = renderHelp(SPEC);
  it('has the usage, what it does, every option with its placeholder and help, the environment, an example and the exit statuses', () => {
    expect(help.split('\n')[0]).toBe('usage: npm run demo -- [--port <n>] [--tag <t> ...] [--check]');
    for (const part of ['A command for the tests.', '-p, --port <n>', 'TCP port (default 0)', 'second line', '--tag <t>', '--check', '-h, --help', 'DEMO_HOME', 'where demo lives', 'example:', '  npm run demo -- --port 4010', 'exit status: 0 ok, 2 bad usage']) {
      expect(help).toContain(part);
    }
  });
  it('indents continuation lines under the description column', () => {
    const lines = help.split('\n');
    const first = lines.findIndex((l) => l.includes('TCP port'));
    expect(lines[first + 1]?.indexOf('second line')).toBe(lines[first]?.indexOf('TCP port'));
  });
});

describe('parseOrExit', () => {
  const io = () => {
    const seen = { out: '', err: '', code: -1 };
    const exit = (code: number): never => {
      seen.code = code;
      throw new Error('exit');
    };
    return { seen, io: { out: (t: string) => void (seen.out += t), err: (t: string) => void (seen.err += t), exit } satisfies CliIo };
  };
  it.each([
    [['--help'], 0, renderHelp(SPEC), ''],
    [['--nope'], 2, '', usageLine(SPEC, 'unknown option --nope')],
    [['--port', 'x'], 2, '', 'demo: --port must be a number (see --help)\n'],
  ])('%j exits %i', (argv, code, out, err) => {
    const { seen, io: fake } = io();
    const interpret = (p: ReturnType<typeof parseCommand>) => {
      if (!/^\d+$/.test(p.string('port') ?? '0')) throw new UsageError('--port must be a number');
      return p;
    };
    expect(() => parseOrExit(SPEC, argv, interpret, fake)).toThrow('exit');
    expect(seen).toEqual({ out, err, code });
  });
  it('returns what interpret made of a good command line; other errors are not usage errors', () => {
    const { io: fake } = io();
    expect(parseOrExit(SPEC, ['--port', '7'], (p) => Number(p.string('port')), fake)).toBe(7);
    expect(() => parseOrExit(SPEC, [], () => { throw new TypeError('bug'); }, fake)).toThrow(TypeError);
  });
});
