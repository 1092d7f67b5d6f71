// Key role -> environment variable: the one table the reader, k6's secret source
// (RUNDUN_SECRETS=yes, secret names = roles) and the conformance suite's skip reasons use.

/** Roles a target (and the simulator's fixtures file, `keys.<role>`) names keys by. */
export const KEY_ROLES = ['primary', 'secondary', 'other_org', 'exhausted', 'revoked', 'ratelimit'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

/** Every key variable: the target roles, key-isolation's own spread key, and the pool. */
export const KEY_VARIABLES = [
  { role: 'primary', variable: 'RUNDUN_API_KEY' },
  { role: 'secondary', variable: 'RUNDUN_API_KEY_SECONDARY' },
  { role: 'other_org', variable: 'RUNDUN_API_KEY_OTHER_ORG' },
  { role: 'ratelimit', variable: 'RUNDUN_API_KEY_RATELIMIT' },
  { role: 'exhausted', variable: 'RUNDUN_API_KEY_EXHAUSTED' },
  { role: 'revoked', variable: 'RUNDUN_API_KEY_REVOKED' },
  { role: 'spread', variable: 'RUNDUN_API_KEY_SPREAD' },
  // Comma-separated in the environment; one secret per key (pool_0, pool_1, …) in k6's source.
  { role: 'pool', variable: 'RUNDUN_API_KEYS' },
] as const;

export type KeyVariableRole = (typeof KEY_VARIABLES)[number]['role'];

export function isKeyRole(role: string): role is KeyRole {
  return (KEY_ROLES as readonly string[]).includes(role);
}

/** The variable a role's key is read from ('RUNDUN_API_KEY' for 'primary'). */
export function keyVariable(role: KeyVariableRole): string {
  return (KEY_VARIABLES.find((k) => k.role === role) as (typeof KEY_VARIABLES)[number]).variable;
}
