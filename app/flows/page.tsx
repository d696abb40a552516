import { FlowsPage } from "@/components/flows/flows-page";

export default function Flows() {
  return <FlowsPage />;
}
