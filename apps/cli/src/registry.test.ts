import { describe, expect, it } from "vitest";
import { parseFlagSyntax } from "./parse-flags.js";
import { commandGroups, commandRegistry, findCommand } from "./registry.js";

describe("commandRegistry", () => {
  it("names each command exactly as its spec does", async () => {
    for (const command of commandRegistry) {
      const { spec } = await command.load();
      expect(command.names).toEqual([spec.name, ...spec.aliases]);
    }
  });

  it("has no name twice and every spec is well formed", async () => {
    const names = commandRegistry.flatMap((command) => command.names);
    expect(new Set(names).size).toBe(names.length);
    for (const command of commandRegistry) {
      const { spec, run } = await command.load();
      expect(typeof run).toBe("function");
      expect(spec.summary).not.toBe("");
      const longs = Object.values(spec.options).map((option) => parseFlagSyntax(option.flags).long);
      expect(new Set(longs).size, spec.name).toBe(longs.length);
      const [noun] = spec.name.split(" ");
      if (spec.name.includes(" ")) expect(commandGroups).toHaveProperty(noun!);
    }
  });

  it("offers docker's verbs and shortcuts", () => {
    const names = new Set(commandRegistry.flatMap((command) => command.names));
    for (const name of [
      "images", "image ls", "rmi", "image rm", "history", "tag", "save", "load", "import", "inspect",
      "image inspect", "image prune", "info", "events", "version", "system df", "system check",
      "create", "run", "start", "ps", "stop", "kill", "pause", "unpause", "restart", "rm", "wait", "logs",
      "container create", "container run", "container start", "container ls", "container list", "container ps",
      "container stop", "container kill", "container pause", "container unpause", "container restart", "container rm",
      "container remove", "container wait", "container logs", "container inspect",
      "exec", "attach", "top", "stats", "container exec", "container attach", "container top", "container stats",
      "diff", "export", "cp", "container diff", "container export", "container cp",
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it("finds the longest matching name", () => {
    expect(findCommand(["image", "ls", "-a"])).toMatchObject({ invokedAs: "image ls", argv: ["-a"] });
    expect(findCommand(["images", "-a"])).toMatchObject({ invokedAs: "images", argv: ["-a"] });
    expect(findCommand(["inspect", "busybox"])).toMatchObject({ invokedAs: "inspect", argv: ["busybox"] });
    expect(findCommand(["image"])).toBeUndefined();
    expect(findCommand(["nope"])).toBeUndefined();
  });
});
