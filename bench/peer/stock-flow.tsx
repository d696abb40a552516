/**
 * The editor bench's peer: the same generated flow, drawn with the same node cards by stock
 * React Flow, set up as its documentation shows for a large controlled flow: every node and
 * edge passed, `onlyRenderVisibleElements`, its own Background, MiniMap and Controls, state
 * through useNodesState/useEdgesState. Bundled by bench/editor.ts with esbuild and served
 * beside the app; the document comes from /flow.json.
 */
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useEdgesState, useNodesState, type Edge } from "@xyflow/react";
import { useMemo } from "react";
import { createRoot } from "react-dom/client";
import type { FlowDocument } from "../../lib/flow/document";
import type { CanvasNode } from "../../lib/editor/types";
import { nodeTypes } from "../../lib/kinds/client";

/** The editor's fit (FIT_OPTIONS in flow-canvas.tsx), so both canvases start at the same zoom. */
const fitViewOptions = { maxZoom: 1, padding: 0.15 };

function StockFlow({ doc }: { doc: FlowDocument }) {
  const initial = useMemo(() => {
    const nodes: CanvasNode[] = doc.nodes.map((node) => ({ id: node.id, type: node.kind, position: node.position ?? { x: 0, y: 0 }, data: { node, issues: [] } }));
    const edges: Edge[] = doc.edges.map((e) => ({ id: `${e.from}->${e.to}`, source: e.from, target: e.to }));
    return { nodes, edges };
  }, [doc]);
  const [nodes, , onNodesChange] = useNodesState(initial.nodes);
  const [edges, , onEdgesChange] = useEdgesState(initial.edges);
  return (
    <div data-testid="canvas" style={{ width: "100vw", height: "100vh" }}>
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} onlyRenderVisibleElements fitView fitViewOptions={fitViewOptions} minZoom={0.05} maxZoom={2}>
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="#d4d4d8" />
        <MiniMap />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

const doc = (await (await fetch("/flow.json")).json()) as FlowDocument;
createRoot(document.getElementById("root")!).render(<StockFlow doc={doc} />);
