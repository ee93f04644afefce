/**
 * The typed service surface for `build`: a Dockerfile built the classic builder's way. Output
 * arrives as text chunks in docker's step format, for the CLI to print and the console to stream.
 */

export type BuildContextSource =
  /** A directory on the engine's host. */
  | { kind: "dir"; path: string }
  /** A tar of the context (`build -`), possibly compressed. */
  | { kind: "stream"; stream: AsyncIterable<Uint8Array> };

export interface BuildOptions {
  context: BuildContextSource;
  /** `-f`: a path (absolute, or relative to the caller's directory for a dir context, or inside the tar); default `Dockerfile` in the context. */
  dockerfile?: string;
  /** The Dockerfile's text, when the caller read it itself (`-f -`). */
  dockerfileText?: string;
  /** `-t`, repeatable: REPO[:TAG]. */
  tags?: string[];
  /** `--build-arg K=V` or `K` (value from the caller's environment, resolved by the caller). */
  buildArgs?: Record<string, string>;
  /** `--label K=V`: added to the final image as one more LABEL step. */
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  /** Remove intermediate containers after a successful step (default true). */
  remove?: boolean;
  /** Always remove intermediate containers. */
  forceRemove?: boolean;
  /** `--network`: the network mode of RUN steps (default "default", the bridge; "none": loopback only). */
  network?: string;
  /** Docker's step texts, in order (`Step 1/3 : FROM busybox\n`, ` ---> Using cache\n`, a RUN's own output…). */
  onOutput?: (text: string, stream: "stdout" | "stderr") => void;
  /** Aborting stops the build: a running step's container is killed and removed. */
  signal?: AbortSignal;
}

/** A build ends with the final image, or with the exit code of a RUN that failed (nothing tagged). */
export type BuildResult =
  | { status: "built"; imageId: string }
  | { status: "failed"; message: string; exitCode: number };

export interface BuildService {
  build(options: BuildOptions): Promise<BuildResult>;
}
