/** Imported first by the snapshot entry: tells main.ts not to run itself while the snapshot is built. */
(globalThis as { __mlopsSnapshot?: boolean }).__mlopsSnapshot = true;
