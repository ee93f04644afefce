import type { BerthService, ContainerService, ImageService, VolumeService } from "@berth/core";

export interface FakeServiceParts {
  containers?: Partial<ContainerService>;
  images?: Partial<ImageService>;
  volumes?: Partial<VolumeService>;
}

/** A method every test that reaches it must have provided. */
function missing(name: string): never {
  throw new Error(`the fake service has no ${name}`);
}

function fill<T extends object>(kind: string, parts: Partial<T> | undefined): T {
  return new Proxy((parts ?? {}) as T, {
    get: (target, key) => (key in target ? target[key as keyof T] : () => missing(`${kind}.${String(key)}`)),
  });
}

/** A BerthService with just the methods a test gives; anything else throws when called. */
export function createFakeService(parts: FakeServiceParts): () => Promise<BerthService> {
  const service = {
    containers: fill<ContainerService>("containers", parts.containers),
    images: fill<ImageService>("images", parts.images),
    volumes: fill<VolumeService>("volumes", parts.volumes),
    builds: fill<BerthService["builds"]>("builds", undefined),
    networks: fill<BerthService["networks"]>("networks", undefined),
    system: fill<BerthService["system"]>("system", undefined),
    close: async () => {},
  } satisfies BerthService;
  return () => Promise.resolve(service);
}
