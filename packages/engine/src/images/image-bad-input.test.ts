import { afterEach, beforeEach, describe, it } from "vitest";
import { fileLayer, makeImage } from "../test-support/image-archive.js";
import { loadArchive, makeBuildChain, saveArchive, type BuildChain } from "../test-support/image-fixtures.js";
import { expectRefusedCleanly } from "../test-support/refusal.js";
import { createSandboxedRoot, type SandboxedRoot } from "../test-support/sandboxed-root.js";
import { bytesOf } from "../test-support/tar-builder.js";

// Unknown images, invalid references and removing an image others depend on: a BerthError with
// the right code and docker's wording, and nothing changed in or beside the root.

describe("image verbs refuse bad input cleanly", () => {
  let box: SandboxedRoot;
  let chain: BuildChain;
  beforeEach(async () => {
    box = await createSandboxedRoot();
    chain = await makeBuildChain();
    await loadArchive(box.engine, chain.archive);
  });
  afterEach(async () => box.cleanup());

  it("names an unknown image in every verb", async () => {
    const images = box.engine.images;
    const missing = { code: "NOT_FOUND", message: /^No such image: localhost\/nothing:here$/ } as const;
    await expectRefusedCleanly(box, () => images.inspect("localhost/nothing:here"), missing);
    await expectRefusedCleanly(box, () => images.history("localhost/nothing:here"), missing);
    await expectRefusedCleanly(box, () => images.tag("localhost/nothing:here", "localhost/new:1"), missing);
    await expectRefusedCleanly(box, () => images.remove("localhost/nothing:here"), missing);
    await expectRefusedCleanly(box, () => images.remove("localhost/nothing:here", { force: true }), missing);
    await expectRefusedCleanly(box, () => saveArchive(box.engine, ["localhost/app:v1", "localhost/nothing:here"]), missing);
    // a name without tag means :latest, and docker names it so
    await expectRefusedCleanly(box, () => images.inspect("localhost/app"), { code: "NOT_FOUND", message: /^No such image: localhost\/app:latest$/ });
    const unknownId = makeImage({ layers: [await fileLayer("u/v", "never loaded")] }).id;
    await expectRefusedCleanly(box, () => images.remove(unknownId), { code: "NOT_FOUND", message: new RegExp(`^No such image: ${unknownId}$`) });
    // a short hex string is a valid name too, tried as one first: docker's message names it with :latest
    await expectRefusedCleanly(box, () => images.inspect("0123456789ab"), { code: "NOT_FOUND", message: /^No such image: 0123456789ab:latest$/ });
  });

  it("refuses invalid references with docker's wording", async () => {
    const images = box.engine.images;
    const lowercase = /invalid reference format: repository name .*must be lowercase/;
    await expectRefusedCleanly(box, () => images.tag("localhost/app:v1", "localhost/Bad:1"), { code: "INVALID_ARGUMENT", message: lowercase });
    await expectRefusedCleanly(box, () => images.tag("localhost/app:v1", "localhost/ok:bad tag"), { code: "INVALID_ARGUMENT", message: /invalid reference format/ });
    await expectRefusedCleanly(box, () => images.tag("localhost/app:v1", "localhost//double:1"), { code: "INVALID_ARGUMENT", message: /invalid reference format/ });
    await expectRefusedCleanly(box, () => images.tag("localhost/app:v1", `localhost/app@sha256:${"a".repeat(64)}`), {
      code: "INVALID_ARGUMENT",
      message: /refusing to create a tag with a digest reference/,
    });
    await expectRefusedCleanly(box, () => images.inspect("upper/Case:1"), { code: "INVALID_ARGUMENT", message: lowercase });
    const tar = await fileLayer("i/j", "imported");
    await expectRefusedCleanly(box, () => images.import({ kind: "stream", stream: bytesOf(tar) }, { reference: "Imported:1" }), {
      code: "INVALID_ARGUMENT",
      message: lowercase,
    });
    await expectRefusedCleanly(box, () => images.import({ kind: "stream", stream: bytesOf(tar) }, { changes: ["RUN echo no"] }), {
      code: "INVALID_ARGUMENT",
      message: /RUN is not a valid change command/i,
    });
  });

  it("refuses to remove an image other images depend on", async () => {
    const short = chain.base.id.slice(7, 19);
    const dependent = new RegExp(`^conflict: unable to delete ${short} \\(cannot be forced\\) - image has dependent child images$`);
    await expectRefusedCleanly(box, () => box.engine.images.remove(chain.base.id), { code: "CONFLICT", message: dependent });
    await expectRefusedCleanly(box, () => box.engine.images.remove(short, { force: true }), { code: "CONFLICT", message: dependent });
    await box.engine.images.tag("localhost/app:v1", "localhost/app:v2");
    await expectRefusedCleanly(box, () => box.engine.images.remove(chain.app.id), {
      code: "CONFLICT",
      message: /unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories/,
    });
  });
});
