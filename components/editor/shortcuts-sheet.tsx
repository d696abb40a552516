"use client";
/** The keyboard shortcuts sheet (`?` or the toolbar's ? button): what use-editor-shortcuts.ts and React Flow do. */
import { Modal } from "./modal";

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? "⌘" : "Ctrl";

const GROUPS: { title: string; rows: { keys: string[][]; what: string }[] }[] = [
  {
    title: "Flow",
    rows: [
      { keys: [[MOD, "S"]], what: "Save (a draft while the flow has problems)" },
      { keys: [[MOD, "Z"]], what: "Undo" },
      { keys: [[MOD, "Shift", "Z"], [MOD, "Y"]], what: "Redo" },
    ],
  },
  {
    title: "Selection",
    rows: [
      { keys: [[MOD, "A"]], what: "Select every node and edge" },
      { keys: [[MOD, "C"]], what: "Copy the selected nodes" },
      { keys: [[MOD, "X"]], what: "Cut the selected nodes" },
      { keys: [[MOD, "V"]], what: "Paste: fresh ids, edges between copied nodes kept, prompts re-pointed at the copies" },
      { keys: [[MOD, "D"]], what: "Duplicate the selected nodes" },
      { keys: [["Delete"], ["Backspace"]], what: "Delete the selection" },
      { keys: [["Shift", "drag"]], what: "Select the nodes in a box" },
      { keys: [[MOD, "click"]], what: "Add a node or edge to the selection" },
    ],
  },
  {
    title: "Canvas",
    rows: [
      { keys: [["/"]], what: "Search the node palette (↑ ↓ pick, Enter adds)" },
      { keys: [["drag"]], what: "Pan (on the empty canvas)" },
      { keys: [["wheel"]], what: "Zoom" },
      { keys: [["?"]], what: "This sheet" },
    ],
  },
];

function Keys({ combo }: { combo: string[] }) {
  return (
    <span className="inline-flex items-center gap-0.5">
      {combo.map((k, i) => (
        <kbd key={i} className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-px font-mono text-[11px] text-zinc-700 shadow-[inset_0_-1px_0_#d4d4d8]">
          {k}
        </kbd>
      ))}
    </span>
  );
}

export function ShortcutsSheet({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-sheet">
      <div className="space-y-3 px-4 py-3">
        <p className="text-[11px] text-zinc-500">Shortcuts act on the canvas; in a text field, the field&apos;s own undo, copy and select-all apply.</p>
        {GROUPS.map((group) => (
          <section key={group.title}>
            <h3 className="pb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">{group.title}</h3>
            <table className="w-full text-[12px]">
              <tbody>
                {group.rows.map((row) => (
                  <tr key={row.what} className="border-t border-zinc-100">
                    <td className="w-44 py-1 pr-2 align-top">
                      {row.keys.map((combo, i) => (
                        <span key={i}>
                          {i > 0 ? <span className="px-1 text-zinc-400">or</span> : null}
                          <Keys combo={combo} />
                        </span>
                      ))}
                    </td>
                    <td className="py-1 text-zinc-700">{row.what}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Modal>
  );
}
