import type { Attributes } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { manualClock } from 'baton-flow/testing';

/** A tracer whose finished spans are kept in memory, in the order they ended. */
export function memoryTracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('baton-test'), spans: () => exporter.getFinishedSpans(), exporter };
}

/** A span as the tests read it: its name, attributes, events, status and children, in start order. */
export interface SpanNode {
  readonly name: string;
  readonly span: ReadableSpan;
  readonly attributes: Attributes;
  readonly events: readonly { readonly name: string; readonly attributes: Attributes }[];
  readonly children: readonly SpanNode[];
}

/** The finished spans as trees, from their roots; every span must be in one trace. */
export function spanTrees(spans: readonly ReadableSpan[]): SpanNode[] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const byStart = [...spans].sort((a, b) => compareTime(a.startTime, b.startTime));
  const node = (span: ReadableSpan): SpanNode => ({
    name: span.name,
    span,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes ?? {} })),
    children: byStart
      .filter((s) => s.parentSpanContext?.spanId === span.spanContext().spanId)
      .map((s) => node(s)),
  });
  return byStart.filter((s) => !s.parentSpanContext || !ids.has(s.parentSpanContext.spanId)).map(node);
}

/** The tree's names, indented two spaces per level: a readable picture to compare. */
export function outline(node: SpanNode, depth = 0): string[] {
  return [`${'  '.repeat(depth)}${node.name}`, ...node.children.flatMap((c) => outline(c, depth + 1))];
}

/** Every span of a tree, the root first. */
export function flatten(node: SpanNode): SpanNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

/** A manual clock whose time moves on 7 ms each time it is read, so that every event has its own time. */
export function tickingClock(start = 1_700_000_000_000) {
  let t = start;
  return { ...manualClock(start), now: () => (t += 7) };
}

function compareTime(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}
