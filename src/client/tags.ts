/** Tag reconciliation, shared by `VbsClient.setTags` and the hooks' progress lines. */

/** Tag changes from the current tags to the desired ones. */
export interface TagPlan {
  /** Keys to create or whose value changes. */
  readonly upsert: Record<string, string>;
  /** Keys to remove, sorted. */
  readonly remove: string[];
}

/** What turns `current` into exactly `desired`. */
export function planTags(current: Record<string, string>, desired: Record<string, string>): TagPlan {
  const upsert: Record<string, string> = {};
  for (const [k, v] of Object.entries(desired)) if (current[k] !== v) upsert[k] = v;
  const remove = Object.keys(current).filter((k) => !(k in desired)).sort();
  return { upsert, remove };
}
