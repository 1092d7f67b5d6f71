// Rate-limit judges: pure functions from observations to verdicts (see lib/verdict.ts).
export * from './observations';
export * from './window';
export * from './under-limit';
export * from './honour';
export * from './isolation';
export * from './key-pool';
