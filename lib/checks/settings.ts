// The contract's status table and parameters as the checks read them (named JSON imports: a k6
// bundle carries these entries only), and the settings a caller without overrides judges by.
import { parameters, statusCodes } from '../../schemas/contract.json';
import type { CheckSettings } from './types';

/** The statuses of the reference's table. */
export const TABLE_STATUSES: readonly number[] = Object.keys(statusCodes).map(Number);

const codes = statusCodes as Record<string, { errors: string[] } | undefined>;

/** Settings straight from the contract, no target overrides (k6 scenarios, unit tests). */
export function contractSettings(retryAfter: CheckSettings['retryAfter'] = { minSeconds: parameters.retryAfterMinSeconds.value }): CheckSettings {
  return { errorCodesFor: (status) => codes[String(status)]?.errors ?? [], retryAfter };
}
