/**
 * A phone photo's location, made by hand: an EXIF APP1 segment with a GPS IFD (latitude
 * 59°26'N, longitude 24°45'E) put into a JPEG right after its SOI marker, and a reader that
 * says whether a JPEG still carries EXIF or a GPS tag.
 */

/** The JPEG with an EXIF segment holding GPSLatitudeRef/GPSLatitude/GPSLongitudeRef/GPSLongitude. */
export function withGpsExif(jpeg: Uint8Array): Uint8Array {
  const tiff: number[] = [];
  const u16 = (n: number) => tiff.push((n >> 8) & 255, n & 255);
  const u32 = (n: number) => tiff.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  // Header (big endian), IFD0 at 8 with one entry: GPSInfo (0x8825) → GPS IFD at 26.
  tiff.push(0x4d, 0x4d), u16(42), u32(8);
  u16(1), u16(0x8825), u16(4), u32(1), u32(26), u32(0);
  // GPS IFD at 26: four entries, then the rationals at 26 + 2 + 4*12 + 4 = 80.
  u16(4);
  u16(1), u16(2), u32(2), tiff.push(0x4e, 0, 0, 0); // GPSLatitudeRef "N"
  u16(2), u16(5), u32(3), u32(80); // GPSLatitude
  u16(3), u16(2), u32(2), tiff.push(0x45, 0, 0, 0); // GPSLongitudeRef "E"
  u16(4), u16(5), u32(3), u32(104); // GPSLongitude
  u32(0);
  for (const [deg, min, sec] of [
    [59, 26, 0],
    [24, 45, 0],
  ])
    for (const v of [deg, min, sec]) u32(v!), u32(1);
  const payload = [...Array.from("Exif\0\0", (c) => c.charCodeAt(0)), ...tiff];
  const length = payload.length + 2;
  const app1 = [0xff, 0xe1, (length >> 8) & 255, length & 255, ...payload];
  return Uint8Array.from([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

/** Whether a JPEG has an EXIF segment, and whether any of it names the GPS IFD (tag 0x8825). */
export function exifOf(jpeg: Uint8Array): { exif: boolean; gps: boolean } {
  let exif = false;
  let gps = false;
  for (let at = 2; at + 4 < jpeg.length && jpeg[at] === 0xff; ) {
    const marker = jpeg[at + 1]!;
    if (marker === 0xda || marker === 0xd9) break;
    const length = (jpeg[at + 2]! << 8) | jpeg[at + 3]!;
    const segment = jpeg.subarray(at + 4, at + 2 + length);
    if (marker === 0xe1 && String.fromCharCode(...segment.subarray(0, 4)) === "Exif") {
      exif = true;
      for (let i = 0; i + 1 < segment.length; i++)
        if ((segment[i] === 0x88 && segment[i + 1] === 0x25) || (segment[i] === 0x25 && segment[i + 1] === 0x88))
          gps = true;
    }
    at += 2 + length;
  }
  return { exif, gps };
}
