// @ts-check
import { declareValuePlugin, PluginKind } from "@stryker-mutator/api/plugin";

/**
 * Log calls are not behaviour a test should pin (their text is free to change, and secrets in them are covered
 * by the logger's own tests); mutating them only makes each run longer, so they are left unmutated.
 * @type {import('@stryker-mutator/api/ignore').Ignorer}
 */
const logCalls = {
  shouldIgnore(path) {
    const node = path.node;
    if (node.type !== "ExpressionStatement" || node.expression.type !== "CallExpression") return undefined;
    const callee = node.expression.callee;
    if (callee.type !== "MemberExpression" || callee.property.type !== "Identifier") return undefined;
    if (!["debug", "info", "warn", "error"].includes(callee.property.name)) return undefined;
    const target = callee.object;
    const name =
      target.type === "Identifier"
        ? target.name
        : target.type === "MemberExpression" && target.property.type === "Identifier"
          ? target.property.name
          : "";
    return /logger$|^log$/i.test(name) ? "a log call" : undefined;
  },
};

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, "log-calls", logCalls)];
