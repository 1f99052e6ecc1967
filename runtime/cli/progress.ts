import type { RunEvent } from '../run-events.js';
import { formatEvent } from './format-events.js';
import type { CliIo, CliTerminal } from './io.js';

/**
 * How `baton run` and `baton resume` show a run's steps as they happen: `live`, a spinner line redrawn on
 * the terminal under the steps done so far; `lines`, one plain line per event for a log or a pipe;
 * `jsonl`, each event as one JSON line; `none`, nothing (`--quiet`, `--json`).
 */
export type ProgressStyle = 'live' | 'lines' | 'jsonl' | 'none';

/** Where progress goes and, for the live style, the terminal and the spinner's clock. */
export interface ProgressOptions {
  readonly style: ProgressStyle;
  /** Prints one whole line. */
  readonly out: (line: string) => void;
  /** The terminal the live style draws on; without one it prints plain lines. */
  readonly terminal?: CliTerminal | undefined;
  /** Wall-clock milliseconds, for the live line's elapsed time (default `Date.now`). */
  readonly now?: () => number;
  /** Calls `tick` every `ms` until the returned function is called (default: an unref'd `setInterval`). */
  readonly every?: (ms: number, tick: () => void) => () => void;
}

/** The attempt in flight, as the progress follows it. */
interface Current {
  readonly step: number;
  readonly agent: string;
  /** Its start on the run's clock (`RunEvent.at`) and on the wall clock. */
  readonly at: number;
  readonly wall: number;
  tokens: number;
  doing: string;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
/** Carriage return and "erase the whole line": the live line is redrawn in place. */
const CLEAR = '\r\u001b[2K';

/**
 * Shows a run's steps as they happen. Each attempt's end is a line that says who decided what, with the
 * attempt's tokens and duration (`1   triage       hands off to billing  (412 tokens, 1.3 s)`); in the
 * live style the model turns and tool calls in between show only on the spinner line.
 */
export class Progress {
  private current: Current | null = null;
  private frame = 0;
  private drawn = false;
  private stopTimer: (() => void) | null = null;
  private readonly style: ProgressStyle;

  constructor(private readonly options: ProgressOptions) {
    this.style = options.style === 'live' && !options.terminal ? 'lines' : options.style;
  }

  /** Takes one event of the run, as it happens. */
  readonly event = (event: RunEvent): void => {
    if (this.style === 'none') return;
    if (this.style === 'jsonl') {
      this.options.out(JSON.stringify(event));
      return;
    }
    const summary = this.follow(event);
    if (this.style === 'lines') {
      const line = formatEvent(event);
      if (line !== null) this.options.out(summary ? `${line}  ${summary}` : line);
      return;
    }
    if (this.stopTimer === null && event.type !== 'run.ended') this.startSpinner();
    const line = liveLine(event);
    if (line !== null) this.print(summary ? `${line}  ${summary}` : line);
    if (event.type === 'run.ended') this.stop();
    else this.draw();
  };

  /** Prints a line of its own, above the live line. */
  print(line: string): void {
    this.clear();
    this.options.out(line);
  }

  /** Stops the spinner and erases its line: call it once the run has settled, before printing the result. */
  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
    this.clear();
  }

  /** Follows the attempt in flight; returns the summary of the attempt a transition ends, if it does. */
  private follow(event: RunEvent): string | null {
    switch (event.type) {
      case 'agent.entered':
        this.current = {
          step: event.step,
          agent: event.agent,
          at: event.at,
          wall: this.now(),
          tokens: 0,
          doing: event.repair > 0 ? `repair ${event.repair}` : 'starting',
        };
        return null;
      case 'model.called':
        this.doing(event.step, `model turn ${event.turn}`);
        return null;
      case 'model.replied': {
        const current = this.at(event.step);
        if (current) current.tokens += event.usage.inputTokens + event.usage.outputTokens;
        this.doing(event.step, `model turn ${event.turn} answered`);
        return null;
      }
      case 'tool.called':
        this.doing(event.step, `tool ${event.tool}`);
        return null;
      case 'transition': {
        const current = this.at(event.step);
        if (!current || current.agent !== event.from) return null;
        this.current = null;
        return `(${current.tokens} tokens, ${seconds(event.at - current.at)})`;
      }
      case 'run.ended':
        this.current = null;
        return null;
      default:
        return null;
    }
  }

  private at(step: number): Current | null {
    return this.current?.step === step ? this.current : null;
  }

  private doing(step: number, what: string): void {
    const current = this.at(step);
    if (current) current.doing = what;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private startSpinner(): void {
    const every = this.options.every ?? interval;
    this.stopTimer = every(FRAME_MS, () => {
      this.frame = (this.frame + 1) % FRAMES.length;
      this.draw();
    });
  }

  /** Redraws the live line: the frame, the attempt in flight, what it does, its tokens and time so far. */
  private draw(): void {
    const { terminal } = this.options;
    if (!terminal || this.stopTimer === null) return;
    const c = this.current;
    const spinner = FRAMES[this.frame];
    const text = c
      ? `${spinner} ${c.step} ${c.agent} · ${c.doing} · ${c.tokens} tokens · ${seconds(this.now() - c.wall)}`
      : `${spinner} …`;
    const width = terminal.columns();
    terminal.write(`${CLEAR}${width && width > 1 ? [...text].slice(0, width - 1).join('') : text}`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.options.terminal?.write(CLEAR);
    this.drawn = false;
  }
}

/**
 * The progress `baton run` and `baton resume` show for their flags and output: nothing with `--quiet`
 * or `--json`, JSON lines with `--jsonl`, else live on a terminal and plain lines elsewhere.
 */
export function progressFor(
  flags: {
    readonly json?: boolean | undefined;
    readonly jsonl?: boolean | undefined;
    readonly quiet?: boolean | undefined;
  },
  io: CliIo,
): Progress {
  const style: ProgressStyle =
    flags.json || flags.quiet ? 'none' : flags.jsonl ? 'jsonl' : io.terminal ? 'live' : 'lines';
  return new Progress({ style, out: (line) => io.out(line), terminal: io.terminal });
}

/** The lines the live style keeps above the spinner: the start, each attempt's end, and failed tool calls. */
function liveLine(event: RunEvent): string | null {
  if (event.type === 'run.started' || event.type === 'transition') return formatEvent(event);
  if (event.type === 'tool.returned' && !event.ok) return formatEvent(event);
  return null;
}

/** A duration in milliseconds as seconds with one decimal: `1.3 s`. */
function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

function interval(ms: number, tick: () => void): () => void {
  const handle = setInterval(tick, ms);
  handle.unref();
  return () => clearInterval(handle);
}
