// Text from outside (a registry's error body, a label or platform from an
// image config, a token server's words) made safe to print (pure): in the log
// a line break would let it start a line with `::` and so issue a workflow
// command (`::add-mask::`, `::stop-commands::`), and in the job summary it
// could add Markdown or HTML of its own. Control characters become visible
// escapes; the summary also escapes Markdown's and HTML's special characters.

// C0 and C1 controls, DEL, and Unicode's line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControl(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One line, whatever it held: control characters escaped, and a leading `::` defused. */
export function forLog(text: string): string {
  const line = text.replace(CONTROL, escapeControl);
  return line.startsWith('::') ? `\\${line}` : line;
}

const MARKDOWN = /[\\`*_{}[\]()<>#+|!~&"']/g;

/** Safe inside a Markdown table cell of the job summary: no markup, no HTML, no line break. */
export function forMarkdown(text: string): string {
  return forLog(text).replace(MARKDOWN, (c) => `&#${c.charCodeAt(0)};`);
}
