// The one error a bad setting raises, in both engines: the variable's name and what to fix,
// prefixed so it stands out in k6's init output and vitest's globalSetup failure alike.
export class ConfigError extends Error {
  constructor(message: string) {
    super(message.startsWith('rundun: ') ? message : `rundun: ${message}`);
    this.name = 'ConfigError';
  }
}
