// The cutter agent's instants (cut, uncut) must not wait for the target's share of the CPU.
//
// Measured (issue 12): with stress-ng --cpu 4, a test suite and 24 cells at a time on 2 cores (load
// average ~30), the agent woke for its uncut deadline up to 691 ms late and read a datagram up to
// 610 ms after it was sent, so a 12 s nap lasted up to 12.7 s. The cause is the cgroup tree, not the
// agent: under cgroup v1 every container sits in Docker's one `docker` CPU cgroup, and that cgroup
// weighs as much as one process of the host (cpu.shares 1024), so a busy host starves all targets
// together, and a process inside one waits its turn behind the target's own processes.
//
// The agent does nothing but wait and write one line to /proc at its instants, so it is moved out
// of the target's CPU cgroup to the host's root one and given nice -20: the system under test keeps
// exactly the share it had, and the instrument's clock is no longer part of it. (Its teardown, one
// iptables-restore at the cell's end, runs there too: milliseconds of CPU.) Only the CPU
// controller: the agent stays in the target's other cgroups and PID namespace, so it still dies
// with the target. Local engine only (the host's /proc and /sys are the engine's); cgroup v2 is
// not verified on these machines, so there the agent is left where it is and the run says so.
import fs from 'node:fs';
import os from 'node:os';
import { cachedInitPid, hostPidOf } from '../observe/host-pids.js';
import type { Target } from '../target/types.js';

/** The root of the cgroup v1 CPU hierarchy (the host's own share, outside Docker's cgroup). */
const CPU_ROOT_PROCS = '/sys/fs/cgroup/cpu/cgroup.procs';
/** The highest priority a normal process can have; the agent sleeps nearly all the time. */
const AGENT_NICE = -20;

/**
 * Move the agent `nsPid` of `target` to the host's root CPU cgroup at nice -20. Resolves with null
 * when done, or with why it was not (the agent then runs in the target's share, as before).
 */
export async function unstarveAgent(target: Pick<Target, 'id'>, nsPid: number | null, o: { cpuRootProcs?: string } = {}): Promise<string | null> {
  const rootProcs = o.cpuRootProcs ?? CPU_ROOT_PROCS;
  if (nsPid === null) return 'the agent did not say its pid';
  if (!target.id) return 'the target names no container';
  if (!fs.existsSync(rootProcs)) return 'no cgroup v1 CPU hierarchy on this machine (cgroup v2 is not verified here)';
  let init: number;
  try {
    init = await cachedInitPid(target.id);
  } catch (e) {
    return `the target's init pid is unknown (${(e as Error).message.split('\n')[0]})`;
  }
  const pid = hostPidOf(init, nsPid);
  if (pid === null) return 'the agent is not among the processes of this machine (a remote engine?)';
  try {
    fs.writeFileSync(rootProcs, String(pid));
    os.setPriority(pid, AGENT_NICE);
  } catch (e) {
    return `could not move it (${(e as Error).message.split('\n')[0]})`;
  }
  return null;
}
