import { NewFlowEditorScreen } from "@/components/editor/flow-editor";

/** The designer of a flow not created yet: an agent's draft from the flows page, unsaved until Save. */
export default function NewFlowEditorPage() {
  return <NewFlowEditorScreen />;
}
