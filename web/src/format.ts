// How numbers, times and sizes read on every page.
export const percent = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)} %`;

export const decimal = (value: number | null | undefined, digits = 4): string =>
  value === null || value === undefined ? '–' : Number.isInteger(value) ? String(value) : value.toFixed(digits);

export function bytes(size: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export const dateTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '–');

/** `1 h 02 min`, `3 min 05 s`, `12 s`. */
export function duration(fromIso: string | null, toIso: string | null, now = Date.now()): string {
  if (!fromIso) return '–';
  const seconds = Math.max(0, Math.round(((toIso ? Date.parse(toIso) : now) - Date.parse(fromIso)) / 1000));
  const pad = (value: number) => String(value).padStart(2, '0');
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)} h ${pad(Math.floor((seconds % 3600) / 60))} min`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
  return `${seconds} s`;
}

export const shortId = (id: string): string => id.slice(0, 8);
