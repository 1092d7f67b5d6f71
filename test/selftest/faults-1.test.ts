import { faultTests } from './shard';

faultTests(1);
