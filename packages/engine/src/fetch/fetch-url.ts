import { BerthError } from "@berth/core";

/**
 * The one HTTP(S) fetcher for byte sources: `import URL` now, the builder's `ADD URL` later.
 * A URL without a scheme gets http://, like docker.
 */
export function normalizeSourceUrl(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

export async function* fetchUrl(url: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  const target = normalizeSourceUrl(url);
  let response: Response;
  try {
    response = await fetch(target, { redirect: "follow", signal });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new BerthError("UNAVAILABLE", `error downloading ${target}: ${cause}`, { cause: error });
  }
  if (!response.ok || !response.body) {
    throw new BerthError("UNAVAILABLE", `error downloading ${target}: ${response.status} ${response.statusText}`);
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) yield chunk;
}

/** True when the text names a URL source rather than a file. */
export function isUrlSource(text: string): boolean {
  return /^https?:\/\//i.test(text);
}
