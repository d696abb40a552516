"use client";
/**
 * A flow document with positions for every node: as given when it has them, else laid out
 * with elkjs (asynchronously; null until then). A stale layout never replaces a newer doc.
 */
import { useEffect, useState } from "react";
import type { FlowDocument } from "@/lib/flow/document";
import { layoutPositions, needsLayout } from "@/lib/editor/layout";
import { withPositions } from "@/lib/editor/view-model";

export function useLaidOut(doc: FlowDocument): FlowDocument | null {
  const [laidOut, setLaidOut] = useState<FlowDocument | null>(needsLayout(doc) ? null : doc);
  useEffect(() => {
    let live = true;
    if (!needsLayout(doc)) setLaidOut(doc);
    else void layoutPositions(doc).then((positions) => live && setLaidOut(withPositions(doc, positions)));
    return () => {
      live = false;
    };
  }, [doc]);
  return laidOut;
}
