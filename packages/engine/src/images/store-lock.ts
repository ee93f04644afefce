/** The lock every change of image rows, tags and layer dirs takes (short: renames and rows only). */
export const imageStoreLock = "images";
