import t from 'tap';
import { parseLabelled } from '../../harness/core/cleanup.js';
import { leftoversCheck } from '../../harness/doctor/leftovers.js';

const alive = (o: { pid: number }) => o.pid === 100;

t.test('docker ps / network ls lines', async t => {
  t.same(parseLabelled('8bfd9f4498fe\tfunny_name\t4242\t9001\n0df6d58408eb\tother\t\t\n\n'), [
    { id: '8bfd9f4498fe', name: 'funny_name', pid: '4242', start: '9001' },
    { id: '0df6d58408eb', name: 'other', pid: '', start: '' },
  ]);
});

t.test('nothing labelled: ok', async t => {
  t.same(leftoversCheck([], [], alive), { name: 'leftovers', status: 'ok', detail: 'no containers or networks left by earlier runs' });
});

t.test("a live run's containers are in use, not leftovers", async t => {
  const c = leftoversCheck([{ id: 'a1', name: 'x', pid: '100' }], [], alive);
  t.equal(c.status, 'ok');
  t.match(c.detail, '(1 in use by a running hangup-lab)');
});

t.test('containers and networks of dead or unknown creators: the commands with their ids', async t => {
  const c = leftoversCheck(
    [
      { id: 'a1', name: 'dead', pid: '7' },
      { id: 'b2', name: 'unlabelled', pid: '' },
      { id: 'c3', name: 'live', pid: '100' },
    ],
    [{ id: 'n1', name: 'hl-net', pid: '7' }],
    alive,
  );
  t.equal(c.status, 'warn');
  t.equal(c.detail, '2 container(s) (dead, unlabelled) and 1 network(s) (hl-net) left by runs that are gone (1 in use by a running hangup-lab)');
  t.match(c.fix, /^docker rm -f a1 b2; docker network rm n1 /);
  t.notMatch(c.fix, 'c3');
});
