import { describeEndToEnd } from "./e2e/scenarios.ts";

describeEndToEnd("polling");
