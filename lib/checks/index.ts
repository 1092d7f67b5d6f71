// Per-response checks, one per contract rule (see registry.ts). Engine-agnostic: no Node
// built-ins, used by the conformance suite and by the k6 bundles alike.
export type { CheckedRequest, CheckedResponse, CheckOutcome, CheckSettings, ResponseCheck, Subject } from './types';
export { REGISTRY, checksFor, runChecks } from './registry';
export { checkedResponse, parseJson, presentedKeys, presentedKeysOf, retryAfterOf, subjectOf } from './response';
export { SUCCESS, type SuccessSpec } from './contract-data';
export { contractSettings, TABLE_STATUSES } from './settings';
export { ID_PATTERNS, isId, malformedIds, type IdKind } from './ids';
export { JSON_MEDIA_TYPE } from './json';
export { successOf } from './envelope';
export { credentialEcho, fragmentsOf, redactFragments, RECOGNISABLE } from './credential-echo';
