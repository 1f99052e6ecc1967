/**
 * A Map whose entries are fixed when it is made: `set`, `delete` and `clear` throw. A flow's agents and
 * tools are kept in these, so nothing changes a flow after `defineFlow` checked it, compiled its machine
 * and hashed its definition for stored runs (`Object.freeze` does not reach into a Map).
 */
class ReadOnlyMap<K, V> extends Map<K, V> {
  private readonly sealed: boolean;

  constructor(
    entries: Iterable<readonly [K, V]>,
    private readonly what: string,
  ) {
    super();
    for (const [key, value] of entries) super.set(key, value);
    this.sealed = true;
  }

  override set(key: K, value: V): this {
    if (this.sealed) throw changed(this.what);
    return super.set(key, value);
  }

  override delete(_key: K): boolean {
    throw changed(this.what);
  }

  override clear(): void {
    throw changed(this.what);
  }
}

/** A Set whose members are fixed when it is made: `add`, `delete` and `clear` throw. */
class ReadOnlySet<T> extends Set<T> {
  private readonly sealed: boolean;

  constructor(
    values: Iterable<T>,
    private readonly what: string,
  ) {
    super();
    for (const value of values) super.add(value);
    this.sealed = true;
  }

  override add(value: T): this {
    if (this.sealed) throw changed(this.what);
    return super.add(value);
  }

  override delete(_value: T): boolean {
    throw changed(this.what);
  }

  override clear(): void {
    throw changed(this.what);
  }
}

function changed(what: string): TypeError {
  return new TypeError(`${what} cannot be changed after it is defined: define a new flow instead.`);
}

/** A read-only Map of `entries`; `what` names it in the error a change throws. */
export function readOnlyMap<K, V>(entries: Iterable<readonly [K, V]>, what: string): ReadonlyMap<K, V> {
  return Object.freeze(new ReadOnlyMap(entries, what));
}

/** A read-only Set of `values`; `what` names it in the error a change throws. */
export function readOnlySet<T>(values: Iterable<T>, what: string): ReadonlySet<T> {
  return Object.freeze(new ReadOnlySet(values, what));
}
