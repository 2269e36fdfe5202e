/**
 * One value per key object, made on first use and dropped with the key: a process's read cache
 * per Context (`petitionCache(ctx)`), so that the pages, the console and the API of one context
 * share it while a test's second context gets its own.
 */
export function onePer<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}
