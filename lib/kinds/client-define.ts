/**
 * What a kind's client module (lib/kinds/<kind>/client.tsx) gives the editor and the run
 * page; lib/kinds/client.ts derives React Flow's `nodeTypes`, the inspector's forms, the
 * palette and the styles from one entry per kind.
 */
import type { ComponentType } from "react";
import type { ConfigOf, NodeKind } from ".";
import type { LiveRun, RunDetail, StepDto } from "../client/run-types";
import type { TemplateReference } from "../editor/references";

export interface KindStyle {
  /** Classes of the kind chip on the card and in the palette. */
  chip: string;
  /** Accent colour: the stripe on the card's left edge (painted as a background) and the node on the minimap. */
  accent: string;
  glyph: string;
}

/** What a node's card shows besides what every card shows (kind, id, label, issues, status). */
export interface CardText {
  profile?: string;
  preview?: string;
}

/**
 * An inspector form edits its node's config and reports the field it changed, which becomes
 * the undo coalescing key (typing in one field is one undo step). A required text field that
 * is cleared holds "" (never a missing key), so the config keeps its kind's shape and the form
 * stays: the emptiness is an ordinary problem shown under the field.
 */
export interface KindFormProps<K extends NodeKind> {
  id: string;
  config: ConfigOf<K>;
  references: TemplateReference[];
  onChange: (config: ConfigOf<K>, field: string) => void;
  /** The problem with a config path ("prompt", "contestants[1].profile"), if any. */
  errorAt: (path: string) => string | undefined;
}

export interface KindClient<K extends NodeKind> {
  style: KindStyle;
  /**
   * The card's text. Configs of imported documents may not match their kind yet (the issues
   * say so): read fields defensively (`text`, `list` below) instead of trusting the type.
   */
  card(config: Record<string, unknown>): CardText;
  /** Shown for a config with its kind's shape; any other config gets the raw JSON editor. */
  Form: ComponentType<KindFormProps<K>>;
  /**
   * On the run page, what a person does while a step of this kind waits (approve, pick a
   * winner); none: the step waits for nothing a person does there.
   */
  WaitingPanel?: ComponentType<WaitingPanelProps>;
}

export interface WaitingPanelProps {
  run: RunDetail;
  step: StepDto;
  live: LiveRun | undefined;
}

export const text = (value: unknown): string => (typeof value === "string" ? value : "");
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** "profile · model" when a model is set. */
export function withModel(profile: string, model: unknown): string {
  return text(model) ? `${profile} · ${text(model)}` : profile;
}
