// Stub of `k6/secrets`: values from the run's secret source (emulator run option `secretSource`,
// as `k6 run --secret-source=file=<path>`). get() is async, and works in the init context too.
function lookup(name: string): Promise<string> {
  const v = globalThis.__k6emu.secrets[name];
  if (v === undefined) return Promise.reject(new Error(`no secret '${name}' in the secret source`));
  return Promise.resolve(v);
}
const secrets = {
  get: (name: string): Promise<string> => lookup(name),
  source: (_sourceName: string) => ({ get: (name: string): Promise<string> => lookup(name) }),
};
export const get = secrets.get;
export const source = secrets.source;
export default secrets;
