// Decode page 1's image of a PDF with PDF.js and compare it bit for bit with
// the expected bits (a file of width × height characters, '1' = ink).
//   node pdfjs_check.mjs PDF BITS WIDTH HEIGHT
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
import fs from "fs";

const [path, bitsPath, w, h] = process.argv.slice(2);
const doc = await pdfjs.getDocument({ data: new Uint8Array(fs.readFileSync(path)), verbosity: 0 }).promise;
const page = await doc.getPage(1);
const ops = await page.getOperatorList();
const at = ops.fnArray.findIndex((f) => f === pdfjs.OPS.paintImageXObject);
const img = await new Promise((resolve) => page.objs.get(ops.argsArray[at][0], resolve));
const want = fs.readFileSync(bitsPath, "utf8");
const [W, H] = [+w, +h];
const stride = Math.ceil(W / 8);
let bad = img.width === W && img.height === H ? 0 : W * H;
for (let y = 0; y < H && !bad; y++) {
  for (let x = 0; x < W; x++) {
    // kind 1: one bit per pixel, 1 = white; otherwise RGB(A) bytes.
    const ink = img.kind === 1
      ? ((img.data[y * stride + (x >> 3)] >> (7 - (x & 7))) & 1) === 0
      : img.data[(y * W + x) * (img.kind === 2 ? 3 : 4)] < 128;
    if (ink !== (want[y * W + x] === "1")) bad++;
  }
}
console.log(path, "PDF.js", pdfjs.version, bad === 0 ? "identical" : `${bad} pixels differ`);
if (bad) process.exitCode = 1;
