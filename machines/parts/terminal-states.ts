/** The final states of a machine built from parts, named as in `defineFlow` machines. */
export interface TerminalStates {
  readonly done: { readonly type: 'final' };
  readonly escalated: { readonly type: 'final' };
  readonly failed: { readonly type: 'final' };
  readonly cancelled: { readonly type: 'final' };
}

/** The four final states every Baton run ends in: spread them into a machine's `states`. */
export function terminalStates(): TerminalStates {
  return {
    done: { type: 'final' },
    escalated: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
  };
}
