// Whiteout conventions (formats.md §4.2): AUFS-style names in layer tars, overlayfs's native
// form (char device 0/0, trusted.overlay.opaque) in extracted layers and upper dirs.

export const WHITEOUT_PREFIX = ".wh.";
/** AUFS metadata (`.wh..wh.plnk`, `.wh..wh.aufs`…), and the opaque marker below. */
export const AUFS_META_PREFIX = ".wh..wh.";
export const OPAQUE_MARKER = ".wh..wh..opq";
export const OPAQUE_XATTR = "trusted.overlay.opaque";

/** overlayfs's private xattrs: never taken from a tar, never written into one. */
export function isOverlayPrivateXattr(name: string): boolean {
  return name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.");
}
