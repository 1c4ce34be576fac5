import { ownerLabels } from '../core/cleanup.js';

/** Labels on everything the harness creates, so a later run can sweep what a killed run left. */
export function runLabels(runId: string): Record<string, string> {
  return { 'hangup-lab': '1', 'hangup-lab.run': runId, ...ownerLabels() };
}
