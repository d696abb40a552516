"use client";
import { selectedNode } from "@/lib/editor/editor-state";
import { useEditor } from "../editor-context";
import { FlowInspector } from "./flow-inspector";
import { NodeInspector } from "./node-inspector";

export function Inspector() {
  const node = useEditor(selectedNode);
  return (
    <aside className="baton-panel h-full w-[340px] shrink-0 overflow-y-auto border-l border-zinc-200 bg-white" data-testid="inspector">
      {node ? <NodeInspector key={node.id} node={node} /> : <FlowInspector />}
    </aside>
  );
}
