// Loading scenario text in tests: the file it is written to, and the one-line error it gives.
import path from 'node:path';
import type { Test } from 'tap';
import { BadInputError, ExitCode } from '../../harness/core/errors.js';
import { loadScenario } from '../../harness/scenario/load.js';

/** Write `text` as a scenario file in a fresh test dir and return its path. */
export function scenarioFile(t: Test, text: string): string {
  const dir = t.testdir({ 'scenario.yaml': text });
  return path.join(dir, 'scenario.yaml');
}

/** The BadInputError that loading `file` throws (fails the test if it throws something else). */
export function loadError(t: Test, file: string): BadInputError {
  try {
    loadScenario(file);
  } catch (error) {
    t.type(error, BadInputError);
    t.equal((error as BadInputError).exitCode, ExitCode.badInput);
    const message = (error as Error).message;
    t.ok(message.startsWith(`${file}:`), 'the message starts with the file path');
    t.notMatch(message, '\n', 'the message is one line');
    return error as BadInputError;
  }
  t.fail('loadScenario did not throw');
  return new BadInputError('did not throw');
}

/** The message of the error that loading `text` throws, without the "FILE: " prefix. */
export function errorOf(t: Test, text: string): string {
  const file = scenarioFile(t, text);
  const message = loadError(t, file).message;
  t.ok(message.startsWith(`${file}: `), 'FILE: comes first');
  return message.slice(file.length + 2);
}
