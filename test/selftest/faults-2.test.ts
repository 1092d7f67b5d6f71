import { faultTests } from './shard';

faultTests(2);
