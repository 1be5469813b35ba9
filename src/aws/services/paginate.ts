/** Reads every page of a paginated AWS list: `page(token)` returns the items and the next token. */
export async function readAllPages<T>(page: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const out = await page(token);
    all.push(...(out.items ?? []));
    token = out.next;
  } while (token);
  return all;
}
