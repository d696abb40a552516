import { redirect } from "next/navigation";

/** Settings has one screen so far. */
export default function Settings() {
  redirect("/settings/agents");
}
