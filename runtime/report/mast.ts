// The MAST failure taxonomy (Cemri et al., "Why Do Multi-Agent LLM Systems Fail?"): the names of the
// modes that reason codes are tagged with, and the category each belongs to.

/** A MAST category: the first number of a mode's code (`FM-1.3` is in FC1). */
export interface MastCategory {
  readonly code: 'FC1' | 'FC2' | 'FC3';
  readonly name: string;
}

export const MAST_CATEGORIES: readonly MastCategory[] = [
  { code: 'FC1', name: 'System design' },
  { code: 'FC2', name: 'Inter-agent misalignment' },
  { code: 'FC3', name: 'Task verification' },
];

const MODES: Readonly<Record<string, string>> = {
  'FM-1.1': 'Disobey task specification',
  'FM-1.2': 'Disobey role specification',
  'FM-1.3': 'Step repetition',
  'FM-1.4': 'Loss of conversation history',
  'FM-1.5': 'Unaware of termination conditions',
  'FM-2.1': 'Conversation reset',
  'FM-2.2': 'Fail to ask for clarification',
  'FM-2.3': 'Task derailment',
  'FM-2.4': 'Information withholding',
  'FM-2.5': "Ignored other agent's input",
  'FM-2.6': 'Reasoning-action mismatch',
  'FM-3.1': 'Premature termination',
  'FM-3.2': 'No or incomplete verification',
  'FM-3.3': 'Incorrect verification',
};

/** The name of a MAST mode (`FM-1.3` → `Step repetition`), or the code itself for one not in the taxonomy. */
export function mastName(mode: string): string {
  return MODES[mode] ?? mode;
}

/** The category of a MAST mode, or null for a code not in the taxonomy. */
export function mastCategory(mode: string): MastCategory | null {
  const digit = /^FM-([123])\./.exec(mode)?.[1];
  return MAST_CATEGORIES.find((category) => category.code === `FC${digit}`) ?? null;
}
