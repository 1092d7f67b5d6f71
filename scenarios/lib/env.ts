// The one place that reads k6's __ENV and the fixtures file (open() only works at init, so this
// module must be imported from the scenario's top level). Everything else gets `config`.
import { readConfig, type RundunConfig } from './config';

export const config: RundunConfig = readConfig(__ENV, (path) => open(path));
