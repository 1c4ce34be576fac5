import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, found from this file so the CLI works from any working directory. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The container definitions (Dockerfiles, agent, engine scripts): the repository's containers/,
 * or an admin's patched copy named by HANGUP_LAB_CONTAINERS_DIR. Image tags hash these files, so a
 * patched copy gets images of its own.
 */
export const CONTAINERS_DIR = process.env.HANGUP_LAB_CONTAINERS_DIR
  ? path.resolve(process.env.HANGUP_LAB_CONTAINERS_DIR)
  : path.join(ROOT, 'containers');
