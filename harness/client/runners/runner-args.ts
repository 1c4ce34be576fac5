// The command line the library runners in this folder share (libclient.py, ssh2-client.mjs): the
// endpoint and the session, each value one argument (no shell in between).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientEndpoint, SessionRequest } from '../types.js';

/** This folder: the runners are run from where the checkout has them, with no build step. */
export const RUNNERS_DIR = path.dirname(fileURLToPath(import.meta.url));

export function runnerPath(file: string): string {
  return path.join(RUNNERS_DIR, file);
}

export function runnerArgs(ep: ClientEndpoint, want: SessionRequest): string[] {
  return [
    '--host', ep.host,
    '--user', ep.user,
    '--key', ep.keyFile,
    '--known-hosts', ep.knownHostsFile,
    '--host-key-alias', ep.hostKeyAlias,
    '--server-alive', ep.serverAlive,
    ...(want.remotePty ? ['--tty'] : []),
    // One argument with '=': a command that begins with '-' is still the command's value.
    ...(want.command === undefined ? [] : [`--command=${want.command}`]),
  ];
}

/**
 * Debian's python3-paramiko and python3-asyncssh are modules of Debian's own Python; a python3
 * that comes first on PATH (pyenv, a virtualenv) would not have them. -E: no PYTHON* variables,
 * -s: no user site-packages, so nothing of this machine's Python setup changes the library;
 * -B: no __pycache__ written into the checkout.
 */
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const PYTHON_FLAGS = ['-E', '-s', '-B'];
