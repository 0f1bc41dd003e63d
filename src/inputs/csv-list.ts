// build-push-action's list syntax for inputs such as 'secrets' (pure): the
// value is read as CSV (csv-parse with relaxed quotes, as docker/actions-toolkit's
// Util.getList with ignoreComma), so one entry is one line, or a "quoted"
// field that may span lines and holds "" for a quote; a record's fields are
// joined back with commas. Whitespace is kept, as for build-push-action's secrets.

export class CsvListError extends Error {}

/** A quoted field from `at` (just past its opening quote): its text and the index after the closing quote. */
function quoted(value: string, at: number): { text: string; next: number } {
  let text = '';
  for (let i = at; i < value.length; i++) {
    if (value[i] !== '"') {
      text += value[i];
      continue;
    }
    if (value[i + 1] === '"') {
      text += '"';
      i++;
      continue;
    }
    const after = value[i + 1];
    if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r')
      throw new CsvListError(`a closing quote is followed by '${after}' instead of a comma or a line end`);
    return { text, next: i + 1 };
  }
  throw new CsvListError('a quote is not closed');
}

/** Records of fields; a quote opens a quoted field only at a field's start (relaxed quotes). */
function records(value: string): string[][] {
  const out: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let start = true;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (start && c === '"') {
      const q = quoted(value, i + 1);
      field = q.text;
      i = q.next - 1;
      start = false;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      start = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && value[i + 1] === '\n') i++;
      out.push([...fields, field]);
      fields = [];
      field = '';
      start = true;
    } else {
      field += c;
      start = false;
    }
  }
  out.push([...fields, field]);
  return out;
}

/** The entries of a list input; empty lines are skipped. Throws CsvListError on a bad quote. */
export function parseCsvList(value: string): string[] {
  if (value === '') return [];
  return records(value)
    .map((fields) => fields.join(','))
    .filter((entry) => entry.trim() !== '');
}
