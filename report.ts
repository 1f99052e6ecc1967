/**
 * Pictures of flows and reports of runs: the graph of a flow (`flowGraph`), drawn as Mermaid (`toMermaid`)
 * or a standalone SVG (`toSvg`), and self-contained HTML reports of one run or many (`runReport`,
 * `runsReport`). A separate entry point, so that a service that only runs flows does not load them.
 *
 * @module baton-flow/report
 */

export type {
  EndingName,
  FlowGraph,
  FlowGraphAgent,
  FlowGraphEdge,
  FlowGraphEnding,
  FlowGraphHumanWait,
  FlowGraphJudge,
  FlowGraphNode,
  FlowGraphWaiter,
  GraphLimits,
} from './runtime/graph/flow-graph.js';
export { flowGraph } from './runtime/graph/flow-graph.js';
export type { MermaidOptions } from './runtime/graph/to-mermaid.js';
export { toMermaid } from './runtime/graph/to-mermaid.js';
export type { SvgHighlight, SvgOptions } from './runtime/graph/to-svg.js';
export { toSvg } from './runtime/graph/to-svg.js';
export type { RunRecord, UnfinishedRun } from './runtime/report/run-record.js';
export type { RunReportOptions } from './runtime/report/run-report.js';
export { runReport } from './runtime/report/run-report.js';
export type { RunsReportOptions } from './runtime/report/runs-report.js';
export { runsReport } from './runtime/report/runs-report.js';
