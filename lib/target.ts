// What a run is aimed at: the Target shape, the fixtures format, the loopback and production
// guards. The modules live in lib/target/; this file keeps the old import path working.
export { KEY_ROLES, KEY_VARIABLES, keyVariable, isKeyRole, type KeyRole, type KeyVariableRole } from './target/roles';
export { normaliseBaseUrl, parseFixtures, type Target } from './target/fixtures';
export { parseExpectedLimit, readExpectedLimit } from './target/limit';
export { checkProductionAllowed, checkTargetAllowed, hostOf, isLoopbackHost, isProductionHost, parseProductionHosts, PRODUCTION_HOST } from './target/hosts';
