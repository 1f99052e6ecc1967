import type * as Stately from '@statelyai/inspect';
import type * as Ws from 'ws';
import type { InspectionEvent } from 'xstate';
import { loadSdk } from '../../agents/providers/provider-support.js';
import { REASONS } from '../../contracts/reasons.js';
import type { RunEvent } from '../run-events.js';
import { startRelay } from './inspector-relay.js';

/** The packages `--inspect` needs: `@statelyai/inspect` and the WebSocket server it comes with. */
export interface InspectorPackages {
  readonly stately: typeof Stately;
  readonly ws: typeof Ws;
}

/** An inspector a run is shown in: what to pass to `runFlow`, where to look, and how to stop it. */
export interface CliInspector {
  /** The page to open in a browser. */
  readonly url: string;
  /** The XState inspector of the run (`RunOptions.inspect`). */
  readonly inspect: (event: InspectionEvent) => void;
  /** Takes the run's events, to name its handoffs, repairs and endings in the inspector. */
  readonly onEvent: (event: RunEvent) => void;
  /** Sends what is left, then closes the inspector and its server. */
  close(): Promise<void>;
}

const INSTALL = 'npm install --save-dev @statelyai/inspect';

/** Loads the inspector's packages: `missing_dependency` with the install line when one is not there. */
export async function loadInspectorPackages(
  load: { readonly stately?: () => Promise<typeof Stately>; readonly ws?: () => Promise<typeof Ws> } = {},
): Promise<InspectorPackages> {
  const neededBy = '`baton run --inspect`';
  const stately = await loadSdk({
    name: '@statelyai/inspect',
    load: load.stately ?? (() => import('@statelyai/inspect')),
    neededBy,
    install: INSTALL,
  });
  const ws = await loadSdk({ name: 'ws', load: load.ws ?? (() => import('ws')), neededBy, install: INSTALL });
  return { stately, ws };
}

/**
 * Starts a Stately inspector for a run: a local server on 127.0.0.1 (`port`, or a free one for 0) whose
 * page embeds the Stately inspector, and `@statelyai/inspect`'s WebSocket inspector sending the run's
 * actors, events and snapshots to it. Each transition of the run is sent too, as an event `baton.<kind>`
 * (`baton.handoff`, `baton.repair`, `baton.finish`, `baton.escalate`, …) to the flow's actor from the
 * agent's, with its route, reason code and MAST modes, so the inspector names what happened.
 */
export async function startInspector(port: number, packages: InspectorPackages): Promise<CliInspector> {
  const relay = await startRelay(packages.ws, port);
  const inspector = packages.stately.createWebSocketInspector({
    url: `ws://127.0.0.1:${relay.port}`,
    maxDeferredEvents: 10_000,
  });
  // The run starts once the inspector is connected, so none of its events waits in a queue.
  await relay.connected;
  let root: string | undefined;
  const actors = new Map<string, string>();
  return {
    url: relay.url,
    inspect: (event) => {
      root ??= event.rootId;
      // The agents' actors are invoked with the agent's name as their id.
      const { id, sessionId } = event.actorRef as { readonly id?: string; readonly sessionId: string };
      if (event.type === '@xstate.actor' && sessionId !== event.rootId && id) actors.set(id, sessionId);
      inspector.inspect.next?.(event);
    },
    onEvent: (event) => {
      if (event.type !== 'transition' || root === undefined) return;
      const flow = root;
      const { kind, from, to, step, code } = event;
      const named = {
        type: `baton.${kind}`,
        from,
        to,
        step,
        ...(code ? { code, mast: Object.hasOwn(REASONS, code) ? [...REASONS[code].mast] : [] } : {}),
      };
      const source = actors.get(from);
      // The inspector sends the XState events on a timer of its own: this one goes after those before it.
      setTimeout(() => inspector.event(flow, named, source ? { source } : {}), 0);
    },
    close: async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      inspector.stop();
      await relay.close();
    },
  };
}
