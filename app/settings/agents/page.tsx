import { AgentProfilesPage } from "@/components/settings/agent-profiles-page";

export const metadata = { title: "Agent profiles · Baton" };

export default function SettingsAgents() {
  return <AgentProfilesPage />;
}
