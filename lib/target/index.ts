// What a run is aimed at: the Target shape, the fixtures format, the loopback and production
// guards: the folder's public face (import from lib/target).
export { KEY_ROLES, KEY_VARIABLES, keyVariable, isKeyRole, type KeyRole, type KeyVariableRole } from './roles';
export { normaliseBaseUrl, parseFixtures, type Target } from './fixtures';
export { parseExpectedLimit, readExpectedLimit } from './limit';
export { checkProductionAllowed, checkTargetAllowed, hostOf, isLoopbackHost, isProductionHost, parseProductionHosts, PRODUCTION_HOST } from './hosts';
