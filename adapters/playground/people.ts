/**
 * The people who spoke in the playground, by pagobot's person key (`playground:<user id>`), with the name their
 * sandbox demo account should carry: "Anna · playground 3f2a1c" (the person, and the browser session whose
 * chats they speak in). Bounded: the oldest are forgotten first.
 */
export class PeopleDirectory {
  readonly #names = new Map<string, string>();
  readonly #max: number;

  constructor(max = 1000) {
    this.#max = max;
  }

  /** Records who spoke; `userId` is the page's `<session>.<member>`. */
  remember(userId: string, name: string): void {
    const key = `playground:${userId}`;
    const session = userId.split(".")[0]?.slice(0, 6) ?? "";
    this.#names.delete(key);
    this.#names.set(key, `${name} · playground ${session}`);
    if (this.#names.size > this.#max) {
      const oldest = this.#names.keys().next().value;
      if (oldest !== undefined) this.#names.delete(oldest);
    }
  }

  /** Person key → account name. */
  names(): ReadonlyMap<string, string> {
    return this.#names;
  }
}
