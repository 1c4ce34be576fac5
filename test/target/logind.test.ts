// The login manager configured from the scenario, through the session manager's declared setup:
// the drop-in goes where that manager reads it, its restart is its own, and a line it rejects
// is bad input naming the manager and its version.
import t from 'tap';
import { BadInputError, InfrastructureError } from '../../harness/core/errors.js';
import { configureLogind } from '../../harness/target/logind.js';
import elogind from '../../harness/target/managers/elogind.js';
import systemd from '../../harness/target/managers/systemd.js';
import type { SessionManager } from '../../harness/target/managers/types.js';

function context(manager: SessionManager, extra: string[], answers: { restart?: number; startLog?: string } = {}) {
  const scripts: string[] = [];
  const copied: string[] = [];
  return {
    scripts,
    copied,
    ctx: {
      targetName: 'debian-bookworm-sysvinit-elogind',
      scenarioFile: 'x.yaml',
      setup: manager.logind,
      killUserProcesses: 'yes' as const,
      extra,
      async sh(script: string) {
        scripts.push(script);
        if (script === manager.logind.restart) return { exitCode: answers.restart ?? 0, stdout: 'Restarting session management daemon: elogind.\n', stderr: '' };
        return { exitCode: 0, stdout: answers.startLog ?? '', stderr: '' };
      },
      async copy(files: { content: string; target: string; mode: number }[]) {
        copied.push(...files.map(f => `${f.target}\n${f.content}`));
      },
    },
  };
}

t.test("elogind: the drop-in in /etc/elogind/logind.conf.d, restarted by its init script; its log is read only for scenario lines", async t => {
  const { ctx, scripts, copied } = context(elogind, []);
  await configureLogind(ctx);
  t.same(copied, ['/etc/elogind/logind.conf.d/50-hangup-lab.conf\n# written by hangup-lab\n[Login]\nKillUserProcesses=yes\n']);
  t.same(scripts, [elogind.logind.restart]);
  t.match(scripts[0], /\/etc\/init\.d\/elogind restart/);
});

t.test('a line elogind rejects: one line naming the field, elogind, the target and its version', async t => {
  const startLog = `x elogind-daemon[12]: ${elogind.logind.dropIn}:4: Unknown key name 'Foo' in section 'Login', ignoring.\n#version elogind 246.10-1debian1\n`;
  const { ctx, scripts } = context(elogind, ['Foo=1'], { startLog });
  await t.rejects(
    configureLogind(ctx),
    new BadInputError(`x.yaml: logind.extra[0]: elogind on debian-bookworm-sysvinit-elogind (elogind 246.10-1debian1) rejects "Foo=1": Unknown key name 'Foo' in section 'Login'; fix or remove it`),
  );
  t.same(scripts, [elogind.logind.restart, elogind.logind.startLog]);
});

t.test("systemd: its own drop-in directory, restart and journal; a failed restart is infrastructure naming the daemon", async t => {
  const { ctx, copied } = context(systemd, [], { restart: 1 });
  await t.rejects(configureLogind(ctx), InfrastructureError);
  await t.rejects(configureLogind(ctx), /restarting systemd-logind failed/);
  t.match(copied[0], /^\/etc\/systemd\/logind\.conf\.d\/50-hangup-lab\.conf\n/);
});
