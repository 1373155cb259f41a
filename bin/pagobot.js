#!/usr/bin/env node
// pagobot runs from its TypeScript sources; tsx compiles them on the fly, so there is no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
