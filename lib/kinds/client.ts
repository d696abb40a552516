"use client";
/**
 * The editor's (and run page's) registries of kinds, derived from one client entry per kind
 * of lib/kinds/index.ts. `KIND_CLIENTS` is typed over NodeKind, so a kind without a client
 * module is a type error.
 *
 * (The palette's entries are lib/editor/palette-search.ts's, from the definitions.)
 * `nodeTypes` is built once, at module level: React Flow re-mounts every node if it receives
 * a new nodeTypes object. Views are memoized and read only their own node's data, so changing
 * one node re-renders one card; the run page renders them too, adding `data.status`.
 */
import { createElement, memo, type ComponentType } from "react";
import type { NodeProps, NodeTypes } from "@xyflow/react";
import { NodeCard } from "@/components/flow/node-card";
import type { CanvasNode } from "../editor/types";
import { KIND_DEFINITIONS, NODE_KINDS, isNodeKind, type NodeKind } from ".";
import { agentClient } from "./agent/client";
import { approvalClient } from "./approval/client";
import { loopClient } from "./loop/client";
import { arenaClient } from "./arena/client";
import { checkClient } from "./check/client";
import type { KindClient, KindFormProps, KindStyle, WaitingPanelProps } from "./client-define";
import { foldClient } from "./fold/client";

export const KIND_CLIENTS: { [K in NodeKind]: KindClient<K> } = {
  agent: agentClient,
  arena: arenaClient,
  fold: foldClient,
  check: checkClient,
  approval: approvalClient,
  loop: loopClient,
};

export const KIND_STYLES = Object.fromEntries(NODE_KINDS.map((kind) => [kind, KIND_CLIENTS[kind].style])) as Record<NodeKind, KindStyle>;

/** The inspector form of a kind, for a config its kind's schema accepted the shape of. */
export function kindForm(kind: NodeKind): ComponentType<KindFormProps<NodeKind>> {
  return KIND_CLIENTS[kind].Form as ComponentType<KindFormProps<NodeKind>>;
}

function viewOf(kind: NodeKind): ComponentType<NodeProps<CanvasNode>> {
  const { style, card } = KIND_CLIENTS[kind];
  const look = { label: KIND_DEFINITIONS[kind].label, style };
  const View = (props: NodeProps<CanvasNode>) =>
    createElement(NodeCard, { data: props.data, selected: props.selected, look, ...card((props.data.node.config ?? {}) as Record<string, unknown>) });
  View.displayName = `${kind}View`;
  return memo(View);
}

export const nodeTypes: NodeTypes = Object.fromEntries(NODE_KINDS.map((kind) => [kind, viewOf(kind)])) as NodeTypes;

/** The run page's panel for a waiting step of this kind (a step's kind is read from the run, so any string). */
export function waitingPanelOf(kind: string): ComponentType<WaitingPanelProps> | undefined {
  return isNodeKind(kind) ? KIND_CLIENTS[kind].WaitingPanel : undefined;
}
