// What an activity row says after its action: what it is about (a name or a file) and, when the action was
// given one, why (a removal's reason, a reopening's, a return's comment), so a lead reads who removed which
// case and why without opening the audit file.
export function activityNote(detail: Readonly<Record<string, unknown>>): string {
  const what = detail['name'] ?? detail['file'];
  const why = detail['reason'] ?? detail['comment'];
  const parts: string[] = [];
  if (typeof what === 'string' || typeof what === 'number') parts.push(String(what));
  if (typeof why === 'string' && why.trim()) parts.push(`“${why.trim()}”`);
  return parts.join(' — ');
}
