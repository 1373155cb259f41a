// Worker threads do not inherit the parent's module hooks, so the TypeScript worker needs tsx registered
// here, in plain JavaScript, before it is imported. This works the same under `tsx`, `npm start` and vitest.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
