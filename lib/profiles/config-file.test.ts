import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { configFilePath, profilesFromConfigOrThrow, seedProfilesOrThrow } from "./config-file";
import { DEFAULT_PROFILES } from "./defaults";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baton-config-file-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("baton.config.json profiles", () => {
  test("no file: the defaults", async () => {
    expect(await seedProfilesOrThrow(path.join(dir, "absent.json"))).toBe(DEFAULT_PROFILES);
  });

  test("file profiles are added and replace defaults of the same id", async () => {
    const file = path.join(dir, "baton.config.json");
    fs.writeFileSync(
      file,
      JSON.stringify({
        profiles: [
          { id: "qwen-local", backend: "openai", label: "llama.cpp", config: { baseURL: "http://127.0.0.1:8080/v1", model: "qwen", apiKey: "$LLAMA_KEY" } },
          { id: "ollama", backend: "openai", config: { baseURL: "http://gpu-box:11434/v1", model: "qwen2.5-coder:32b" } },
        ],
      }),
    );
    const seeded = await seedProfilesOrThrow(file);
    expect(seeded.map((p) => p.id).sort()).toEqual([...DEFAULT_PROFILES.map((p) => p.id), "qwen-local"].sort());
    expect(seeded.find((p) => p.id === "ollama")?.config).toEqual({ baseURL: "http://gpu-box:11434/v1", model: "qwen2.5-coder:32b" });
  });

  test("invalid files fail with file, field and reason", async () => {
    expect(() => profilesFromConfigOrThrow({ profiles: [{ id: "x", backend: "openai", config: { baseURL: "http://h/v1", model: "m", apiKey: "sk-live-abcdefghijklmnop" } }] }, "f.json")).toThrow(
      /^f\.json: profiles\.0\.config\.apiKey: looks like a literal API key/,
    );
    expect(() => profilesFromConfigOrThrow({ profiles: [{ id: "Bad", backend: "demo" }] }, "f.json")).toThrow(/^f\.json: profiles\.0\.id:/);
    expect(() => profilesFromConfigOrThrow({ profiles: [{ id: "a", backend: "demo" }, { id: "a", backend: "demo" }] }, "f.json")).toThrow(/declared twice/);
    expect(() => profilesFromConfigOrThrow({ agents: [] }, "f.json")).toThrow(/agents/);
    const broken = path.join(dir, "broken.json");
    fs.writeFileSync(broken, "{ nope");
    await expect(seedProfilesOrThrow(broken)).rejects.toThrow(/broken\.json: not valid JSON/);
  });

  test("BATON_CONFIG chooses the file", () => {
    expect(configFilePath({ BATON_CONFIG: "conf/b.json" }, "/srv/baton")).toBe("/srv/baton/conf/b.json");
    expect(configFilePath({}, "/srv/baton")).toBe("/srv/baton/baton.config.json");
  });
});
