import { faultTests } from './shard';

faultTests(0);
