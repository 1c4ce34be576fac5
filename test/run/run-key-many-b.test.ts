// The run key: made by OpenSSH's ssh-keygen through makeRunKey, and every one loadable by OpenSSH.
// ssh2's generator failed about 1 key in 256 (a leading zero byte of the public key was dropped), so
// the 2,000 keys of this file and its sibling (run-key-many-a.test.ts) cover that case about 8 times over.
import t from 'tap';
import { checkManyRunKeys } from '../fixtures/run-keys.js';

t.test('run keys 1000-1999 from makeRunKey: OpenSSH loads every one', t => checkManyRunKeys(t, 1000, 1000));
