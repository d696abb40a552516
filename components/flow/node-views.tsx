"use client";
/**
 * One view per node kind, registered in a Record keyed by NodeKind so that adding a kind to
 * the document without a view is a type error. `nodeTypes` is derived once, at module level:
 * React Flow re-mounts every node if it receives a new nodeTypes object.
 *
 * Views are memoized and read only their own node's data, so changing one node re-renders
 * one card. They are shared with the run page, which adds `data.status`.
 */
import { memo, type ComponentType } from "react";
import type { NodeProps, NodeTypes } from "@xyflow/react";
import type { NodeKind } from "@/lib/flow/document";
import type { CanvasNode } from "@/lib/editor/types";
import { NodeCard } from "./node-card";
import { LoopCard } from "@/lib/kinds/loop/client";

type ViewProps = NodeProps<CanvasNode>;
type Config = Record<string, unknown>;

// Configs of imported documents may not match their kind yet (the issues say so): read
// fields defensively instead of trusting the type.
const text = (value: unknown): string => (typeof value === "string" ? value : "");
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const configOf = (props: ViewProps): Config => (props.data.node.config ?? {}) as Config;

function withModel(profile: string, model: unknown): string {
  return text(model) ? `${profile} · ${text(model)}` : profile;
}

function AgentView(props: ViewProps) {
  const c = configOf(props);
  return <NodeCard data={props.data} selected={props.selected} profile={withModel(text(c.profile) || "?", c.model)} preview={text(c.prompt)} />;
}

function ArenaView(props: ViewProps) {
  const c = configOf(props);
  const contestants = list(c.contestants).map((x) => text((x as Config | null)?.profile) || "?");
  const select = (c.select ?? {}) as Config;
  const mode = text(select.mode) || "?";
  const profile = `${contestants.join(" · ")}  →  ${mode}${mode === "judge" && text(select.profile) ? ` (${text(select.profile)})` : ""}`;
  return <NodeCard data={props.data} selected={props.selected} profile={profile} preview={text(c.prompt)} />;
}

function FoldView(props: ViewProps) {
  const c = configOf(props);
  const agent = c.mode === "agent";
  return (
    <NodeCard
      data={props.data}
      selected={props.selected}
      profile={agent ? withModel(text(c.profile) || "?", c.model) : undefined}
      preview={agent ? text(c.prompt) : `concat${text(c.separator) ? ` with ${JSON.stringify(text(c.separator))}` : " outputs"}`}
    />
  );
}

function CheckView(props: ViewProps) {
  const c = configOf(props);
  const argv = list(c.command).map(text);
  return <NodeCard data={props.data} selected={props.selected} preview={argv.length > 0 ? `$ ${argv.join(" ")}` : "(no command)"} />;
}

function ApprovalView(props: ViewProps) {
  const c = configOf(props);
  return <NodeCard data={props.data} selected={props.selected} preview={text(c.message) || "Waits for approval"} />;
}

export const NODE_VIEWS: Record<NodeKind, ComponentType<ViewProps>> = {
  agent: memo(AgentView),
  arena: memo(ArenaView),
  fold: memo(FoldView),
  check: memo(CheckView),
  approval: memo(ApprovalView),
  loop: LoopCard,
};

export const nodeTypes: NodeTypes = NODE_VIEWS as NodeTypes;
