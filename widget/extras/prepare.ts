/**
 * Photos are made ready in the browser before upload: shrunk so that the longer side is at
 * most UPLOAD_IMAGE_MAX_SIDE pixels, and re-encoded through a canvas, which keeps the
 * pixels and drops everything else: EXIF (a phone photo's GPS location), XMP, comments.
 * JPEG, PNG and WebP are re-encoded; GIFs go as they are (a canvas would stop animations).
 */
import { UPLOAD_IMAGE_MAX_SIDE } from "../../worker/protocol/limits";

const EXTENSIONS: Record<string, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" };

/** The file to upload and its name (the extension follows the type the browser encoded). */
export async function prepareUpload(
  file: Blob,
  name: string,
  maxSide = UPLOAD_IMAGE_MAX_SIDE,
): Promise<{ blob: Blob; name: string }> {
  if (!EXTENSIONS[file.type]) return { blob: file, name };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch (err) {
    // A JPEG we cannot decode could still carry its location: never send it as it is.
    if (file.type === "image/jpeg") throw err;
    return { blob: file, name };
  }
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, file.type, 0.85));
  if (!blob) throw new Error("the browser could not encode the image");
  // A browser that cannot write WebP gives PNG: the name must say what the bytes are.
  const ext = EXTENSIONS[blob.type] ?? "png";
  return { blob, name: `${name.replace(/\.[^.]*$/, "") || "image"}.${ext}` };
}
