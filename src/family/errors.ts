import { PagobotError } from "../errors.ts";

/** Why a family action was refused; the engine maps each code once to a message (src/family/i18n.ts). */
export type FamilyErrorCode =
  /** A household lives in a group chat only. */
  | "not_a_group"
  /** No household in this chat yet (/famiglia first). */
  | "no_household"
  /** /famiglia in a chat that already has one. */
  | "household_exists"
  /** Only a payer may do this (hand over, add a payer, set a cap, approve). */
  | "not_a_payer"
  /** The person named has not been seen in this chat. */
  | "unknown_member"
  /** A name in a command fits more than one person (two Marcos). */
  | "ambiguous_member"
  /** The person is a payer already. */
  | "already_payer"
  /** The only payer cannot step down without someone to take over. */
  | "last_payer"
  /** A payer cannot hand the role to themselves. */
  | "same_person"
  /** A cap must be a whole number of cents, at least 0. */
  | "cap_invalid"
  /** The amount would take the member over their monthly cap. */
  | "cap_exceeded"
  /** The person asking may not approve their own notice. */
  | "own_request";

/** A family rule said no; `code` is stable, the message is English for logs. */
export class FamilyError extends PagobotError<FamilyErrorCode> {}

export const familyError = (code: FamilyErrorCode, message: string): FamilyError => new FamilyError(code, message);
