import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | undefined;

/**
 * A full garbage collection of the calling thread's heap, now. V8 exposes `gc` only when asked, and only to
 * contexts made after the flag is set (the flag is the process's, so this works on any thread).
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}
