// What the client commands print: JSON for machines (--json), aligned columns and key/value lines for people.

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows under a header, each column as wide as its widest cell; "(none)" for no rows. */
export function printTable(header: string[], rows: string[][]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`);
}

/** `name: value` lines, names aligned; absent values print as "-". */
export function printFields(fields: [string, unknown][]): void {
  const width = Math.max(...fields.map(([name]) => name.length)) + 1;
  for (const [name, value] of fields) {
    const text = value === null || value === undefined ? '-' : typeof value === 'string' ? value : JSON.stringify(value);
    process.stdout.write(`${`${name}:`.padEnd(width)} ${text}\n`);
  }
}
