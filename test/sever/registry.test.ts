import t from 'tap';
import { severs } from '../../harness/sever/registry.js';
import { parseSeverValue } from '../../harness/sever/types.js';

t.test('the registry lists every sever, in the documented order', async t => {
  t.same(severs.names, ['logout', 'client-kill', 'sshd-kill', 'drop', 'reject', 'sleep', 'nat-expiry', 'sshd-restart', 'hangup', 'group-kill']);
});

t.test('every sever declares its layer, detectors and whether it ends the session', async t => {
  for (const s of severs.all) {
    t.ok(['process', 'tcp', 'middlebox'].includes(s.layer), `${s.name}: layer`);
    t.ok(s.detectors.length > 0, `${s.name}: at least one detector`);
    t.equal(new Set(s.detectors).size, s.detectors.length, `${s.name}: no detector twice`);
    t.type(s.endsSession, 'boolean', `${s.name}: endsSession`);
    t.ok(s.summary.length > 0, `${s.name}: summary`);
    if (!s.endsSession) t.ok((s.settleMs ?? 0) > 0, `${s.name}: a sever that leaves the session open says how long to watch`);
  }
});

t.test('severs acting on the connection need a live one; process signals and logout do not', async t => {
  const live = severs.all.filter(s => s.needsLiveSession).map(s => s.name);
  t.same(live, ['client-kill', 'sshd-kill', 'drop', 'reject', 'sleep', 'nat-expiry', 'sshd-restart']);
});

t.test('only nat-expiry asks for the NAT path; only sshd-restart for a container of its own', async t => {
  t.same(severs.all.filter(s => s.path === 'nat').map(s => s.name), ['nat-expiry']);
  t.same(severs.all.filter(s => s.exclusive).map(s => s.name), ['sshd-restart']);
});

t.test('a parameter default lies within its bounds, and the window grows with it', async t => {
  const withParam = severs.all.filter(s => s.param);
  t.same(withParam.map(s => s.name), ['sleep', 'nat-expiry']);
  for (const s of withParam) {
    const p = s.param!;
    t.ok(p.min <= p.default && p.default <= p.max, `${s.name}: ${p.min} <= ${p.default} <= ${p.max}`);
    t.ok(p.meaning.length > 0);
    t.ok(s.extraWindowMs, `${s.name}: extraWindowMs`);
    t.ok(s.extraWindowMs!(p.max) > s.extraWindowMs!(p.min));
    t.ok(s.extraWindowMs!(p.default) >= p.default * 1000, `${s.name}: the window covers the parameter itself`);
    t.equal(s.extraWindowMs!(null), s.extraWindowMs!(p.default), `${s.name}: no parameter means the default`);
  }
});

t.test('the signal severs are detected by nothing but the signal', async t => {
  for (const name of ['hangup', 'group-kill']) t.same(severs.get(name).detectors, ['signal']);
});

t.test('parseSeverValue splits a name and its parameter text at the first colon', async t => {
  t.same(parseSeverValue('drop'), { name: 'drop', param: null });
  t.same(parseSeverValue('sleep:20'), { name: 'sleep', param: '20' });
  t.same(parseSeverValue('nat-expiry:3600'), { name: 'nat-expiry', param: '3600' });
  t.same(parseSeverValue('sleep:'), { name: 'sleep', param: '' });
  t.same(parseSeverValue('sleep:1:2'), { name: 'sleep', param: '1:2' });
});
