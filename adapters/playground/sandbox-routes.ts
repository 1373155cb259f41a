import { z } from "zod";
import type { Cents, Locale } from "../../src/notice/money.ts";
import { formatCents } from "../../src/notice/money.ts";
import { formatNoticeNumber } from "../../src/notice/notice-number.ts";
import { PlaygroundError } from "./errors.ts";
import type { PeopleDirectory } from "./people.ts";
import { readJson } from "./read-body.ts";
import { type Route, securityHeaders, sendJson } from "./respond.ts";
import { renderSampleNotice } from "./sample-notice.ts";
import type { PlaygroundSandbox } from "./sandbox-port.ts";

const decisionSchema = z.object({ grant: z.boolean() });
const chaosSchema = z.object({ enabled: z.boolean() });
/** A top-up from the panel: 1 cent to 100 000 € at a time (the panel's button sends 500 €). */
const topUpSchema = z.object({ amountCents: z.number().int().min(1).max(10_000_000) });
const sessionSchema = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/);

/**
 * The side panel's HTTP side: the test notices with their sample images, accounts and balances, pending
 * approvals and the chaos switch. Without a sandbox (pagobot talks to the real DropPay) the panel says so.
 */
export function createSandboxRoutes(sandbox: PlaygroundSandbox | undefined, people: PeopleDirectory): Route[] {
  // Few test notices, each rendered at most once per process: a render costs a few hundred milliseconds.
  const images = new Map<string, Promise<Buffer>>();
  const need = (): PlaygroundSandbox => {
    if (sandbox === undefined) throw new PlaygroundError("sandbox_unavailable", "pagobot is not using its sandbox");
    return sandbox;
  };
  return [
    {
      method: "GET",
      path: /^\/api\/sandbox$/,
      async handle(_req, res, _match, url) {
        if (sandbox === undefined) return sendJson(res, 200, { available: false });
        const locale: Locale = url.searchParams.get("locale") === "en" ? "en" : "it";
        // Demo accounts carry the name of the person they were made for (the panel and the /collega page show it).
        await sandbox.nameHolders(people.names());
        const session = sessionSchema.safeParse(url.searchParams.get("session"));
        const mine = (holder: string | undefined) =>
          session.success && (holder?.startsWith(`playground:${session.data}.`) ?? false);
        const [accounts, approvals, chaos] = await Promise.all([
          sandbox.accounts(),
          sandbox.approvals(),
          sandbox.chaos(),
        ]);
        sendJson(res, 200, {
          available: true,
          notices: sandbox.testNotices().map((n) => ({
            id: n.id,
            label: n.label[locale],
            effect: n.effect?.[locale] ?? "",
            payeeName: n.payeeName,
            payeeFiscalCode: n.payeeFiscalCode,
            noticeNumber: formatNoticeNumber(n.noticeNumber),
            amount: formatCents(n.amountCents, locale),
            description: n.description,
            image: `/api/sandbox/notices/${encodeURIComponent(n.id)}.png`,
          })),
          accounts: accounts.map(({ holder, ...a }) => ({
            ...a,
            mine: mine(holder),
            balance: formatCents(a.balanceCents, locale),
            available: a.availableCents === undefined ? "" : formatCents(a.availableCents, locale),
          })),
          approvals,
          chaos,
        });
      },
    },
    {
      method: "GET",
      path: /^\/api\/sandbox\/notices\/([A-Za-z0-9_-]{1,40})\.png$/,
      async handle(_req, res, match, url) {
        const id = match[1] ?? "";
        // "?fresh": a notice number never issued before, rendered for this request only ("Invia in chat").
        const fresh = url.searchParams.has("fresh");
        const notice = fresh
          ? need().freshNotice(id)
          : need()
              .testNotices()
              .find((n) => n.id === id);
        if (notice === undefined) throw new PlaygroundError("not_found", `no test notice ${id}`);
        let image = fresh ? undefined : images.get(id);
        if (image === undefined) {
          image = renderSampleNotice(notice);
          if (!fresh) {
            images.set(id, image);
            // A failed render is not cached, so the next request tries again.
            image.catch(() => images.delete(id));
          }
        }
        const body = await image;
        const disposition = url.searchParams.has("download") ? "attachment" : "inline";
        res
          .writeHead(200, {
            "content-type": "image/png",
            "content-disposition": `${disposition}; filename="avviso-${id}.png"`,
            "cache-control": "no-cache",
            ...securityHeaders,
          })
          .end(body);
      },
    },
    {
      method: "POST",
      path: /^\/api\/sandbox\/approvals\/([^/]{1,240})$/,
      async handle(req, res, match) {
        const id = approvalIdOf(match[1] ?? "");
        const { grant } = await readJson(req, decisionSchema);
        await need().decideApproval(id, grant);
        sendJson(res, 200, { ok: true });
      },
    },
    {
      method: "POST",
      path: /^\/api\/sandbox\/accounts\/([A-Za-z0-9_-]{1,40})\/top-up$/,
      async handle(req, res, match) {
        const { amountCents } = await readJson(req, topUpSchema);
        await need().topUp(match[1] ?? "", amountCents as Cents);
        sendJson(res, 200, { ok: true });
      },
    },
    {
      method: "POST",
      path: /^\/api\/sandbox\/reset$/,
      async handle(req, res) {
        await readJson(req, z.object({}));
        sendJson(res, 200, { ok: true, ...(await need().reset()) });
      },
    },
    {
      method: "POST",
      path: /^\/api\/sandbox\/chaos$/,
      async handle(req, res) {
        const { enabled } = await readJson(req, chaosSchema);
        await need().setChaos(enabled);
        sendJson(res, 200, { ok: true, chaos: enabled });
      },
    },
  ];
}

/** An approval id from the path: percent-decoded (the page encodes "connection:C1"), then checked. */
function approvalIdOf(segment: string): string {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    throw new PlaygroundError("bad_request", "malformed approval id");
  }
  if (!/^[A-Za-z0-9_.:-]{1,80}$/.test(id)) throw new PlaygroundError("bad_request", "malformed approval id");
  return id;
}
