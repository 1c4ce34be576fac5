import t from 'tap';
import natExpiry from '../../harness/sever/nat-expiry.js';

t.test('nat-expiry: NAT idle timeout seconds, 2 to 3600, 10 by default, through the NAT path', async t => {
  t.same(natExpiry.param, { meaning: 'NAT idle timeout in seconds', default: 10, min: 2, max: 3600 });
  t.equal(natExpiry.path, 'nat');
  t.equal(natExpiry.layer, 'middlebox');
  t.equal(natExpiry.endsSession, true);
  t.ok(natExpiry.extraWindowMs!(10) >= 10_000);
});
