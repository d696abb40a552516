import { StorageSettingsPage } from "@/components/settings/storage-settings-page";

export const metadata = { title: "Settings · Baton" };

/** Settings → Storage: the retention of runs' refs and worktrees, and the space they take. */
export default function Settings() {
  return <StorageSettingsPage />;
}
