// What `hangup-lab inspect` writes: the server's fingerprint in the shape the targets' fingerprint
// has in results.json (so a later step can match a real server against measured cells), the facts
// only a real server has beside it, what could not be read and why, and the settings known to
// surprise. One schema, checked before the file is written.
import { z } from 'zod';
import { targetFingerprintSchema } from '../results-schema.js';

const stringMap = z.record(z.string(), z.string());
/** yes/no as the targets' axes spell them, or unknown when the fact could not be read */
const yesNoUnknown = z.enum(['yes', 'no', 'unknown']);

export const INSPECT_SCHEMA_VERSION = 1;

/**
 * The targets' fingerprint, except that a server axis it could not read is "unknown" (a target's
 * axes are always known: the scenario set them).
 */
export const inspectFingerprintSchema = targetFingerprintSchema.extend({
  config: z.object({ clientAlive: z.string(), tcpKeepAlive: yesNoUnknown, kernel: z.string(), killUserProcesses: yesNoUnknown }),
});

export const hostFactsSchema = z.object({
  /** /etc/os-release: ID, VERSION_ID, VERSION_CODENAME, PRETTY_NAME (lowercased keys) */
  os: stringMap,
  user: z.object({ name: z.string(), uid: z.string() }),
  /** `ssh -V` and `sshd -V` on the server, as they print them */
  sshVersion: z.string().nullable(),
  sshdVersion: z.string().nullable(),
  sshd: z.object({
    /** where the settings come from: sshd -T (as root, or through sudo -n), or the files as written */
    source: z.enum(['sshd -T', 'sudo -n sshd -T', 'files']),
    note: z.string(),
    /** the files read, Include expanded (source "files") */
    files: z.array(z.string()),
    /** keyword (lowercase) → the first value outside a Match block, as sshd takes it (source "files") */
    fromFiles: stringMap,
  }),
  /** PID 1: systemd, elogind (without systemd) or other */
  init: z.string(),
  logind: z.object({
    /** busctl: logind's values in force; logind.conf: the files (systemd-analyze cat-config); none */
    source: z.enum(['busctl', 'logind.conf', 'none']),
    /** the logind.conf lines that set the four settings, the last one of each (later files win) */
    conf: stringMap,
  }),
  /** `loginctl show-session $XDG_SESSION_ID` of inspect's own login (empty: no session) */
  session: stringMap,
  /** `loginctl show-user` of the login's user */
  loginUser: stringMap,
  /** /var/lib/systemd/linger/USER exists */
  linger: yesNoUnknown,
  pamSystemd: z.object({
    present: yesNoUnknown,
    /** "file: line" of every pam_systemd.so (or elogind's pam_elogind.so) line in sshd's stack */
    lines: z.array(z.string()),
    /** the PAM files read, includes followed */
    files: z.array(z.string()),
  }),
  /** `systemctl show` of ssh.service (or sshd.service): Id, ActiveState, KillMode */
  service: stringMap,
  /** of ssh.socket (or sshd.socket): Id, ActiveState, Accept, and instanceKillMode when Accept=yes */
  socket: stringMap,
  shell: z.object({
    path: z.string(),
    /** on, off, n/a (not bash), or unknown */
    huponexit: z.string(),
    /** as an interactive login shell ends up with it; empty: unset */
    tmout: z.string().nullable(),
  }),
});

export const inspectReportSchema = z.object({
  schemaVersion: z.literal(INSPECT_SCHEMA_VERSION),
  kind: z.literal('hangup-lab-inspect'),
  /** ISO time of the login */
  inspectedAt: z.string(),
  destination: z.object({ user: z.string().nullable(), host: z.string(), port: z.number().nullable() }),
  /** false: the script's output ended early (its last mark missing); what is missing is unknown */
  complete: z.boolean(),
  fingerprint: inspectFingerprintSchema,
  host: hostFactsSchema,
  /** facts that could not be read, each with why */
  unknown: z.array(z.object({ fact: z.string(), why: z.string() })),
  /** settings known to surprise admins, with what they do to a session that ends */
  surprises: z.array(z.object({ fact: z.string(), value: z.string(), why: z.string() })),
});

export type InspectReport = z.infer<typeof inspectReportSchema>;
export type HostFacts = z.infer<typeof hostFactsSchema>;
export type InspectFingerprint = z.infer<typeof inspectFingerprintSchema>;
